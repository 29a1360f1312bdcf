import { UserError, badInput } from '../errors.js';
import type { DbtGraph } from '../graph/graph.js';
import type { ManifestNode } from '../manifest/types.js';
import type { CriteriaAst, GroupAst, IndirectSelection, SelectorAst, SelectorsFile } from './ast.js';
import { searchMethod, type MethodContext } from './methods.js';
import { parseSelectArgs } from './parse.js';

/**
 * Node selection as `dbt ls` does it (dbt/graph/selector.py `NodeSelector`): every criteria yields
 * a direct set plus tests its nodes pull in ("indirect selection"); unions, intersections and
 * differences combine both sets, and tests held back by the cautious/buildable modes are admitted
 * once all their parents have met. --exclude is the second half of a difference, so tests attached
 * to an excluded node are excluded too (in eager mode).
 */

export interface SelectionSpec {
  select: string[];
  exclude: string[];
  /** --selector NAME, looked up in `selectors` */
  selector?: string | null;
  /** parsed selectors.yml (or the manifest's rendered copy) */
  selectors?: SelectorsFile | null;
  /** production manifest graph for state:modified / state:new */
  state?: DbtGraph | null;
  /** default eager, as dbt */
  indirectSelection?: IndirectSelection;
  /** the root project's name, for `package:this` */
  projectName?: string | null;
}

/** What `dbt ls` lists (its DEFAULT_RESOURCE_VALUES): analyses and hooks are never selected. */
export const LISTED_TYPES: ReadonlySet<string> = new Set([
  'model',
  'snapshot',
  'seed',
  'test',
  'source',
  'exposure',
  'metric',
  'saved_query',
  'semantic_model',
  'unit_test',
  'function',
]);

/** dbt's selection when --select is not given. */
export const DEFAULT_INCLUDES = ['fqn:*', 'source:*', 'exposure:*', 'metric:*', 'semantic_model:*'];

/** The unique ids dbt would select for `spec` (enabled nodes of the listed types). */
export function selectNodes(graph: DbtGraph, spec: SelectionSpec): Set<string> {
  const { ast, input } = resolveSpec(spec);
  const selector = new Selector(
    graph,
    {
      graph,
      projectName: spec.projectName ?? null,
      state: spec.state ?? null,
      input,
    },
    spec.indirectSelection ?? 'eager',
  );
  const [direct] = selector.evaluate(ast);
  const out = new Set<string>();
  for (const id of [...direct].sort()) if (LISTED_TYPES.has(graph.get(id)?.resourceType ?? '')) out.add(id);
  return out;
}

/** --selector, a `default: true` selector, or --select/--exclude, in dbt's order of precedence. */
function resolveSpec(spec: SelectionSpec): { ast: SelectorAst; input: string } {
  const hasSelect = spec.select.length > 0 || spec.exclude.length > 0;
  if (spec.selector) {
    // dbt silently ignores --select/--exclude next to --selector; refusing is kinder than dropping them
    if (hasSelect)
      throw new UserError(
        `--selector: "${spec.selector}" cannot be combined with --select or --exclude; put the extra criteria in the selector's definition`,
      );
    const file = spec.selectors;
    const found = file?.selectors.get(spec.selector);
    if (!found) {
      const names = file ? [...file.selectors.keys()] : [];
      throw badInput(
        '--selector',
        spec.selector,
        names.length
          ? `one of ${names.join(', ')} (from ${file!.source})`
          : 'a selector defined in selectors.yml (none found)',
      );
    }
    return { ast: found.definition, input: `--selector ${spec.selector}` };
  }
  const fallback = spec.selectors?.defaultSelector;
  if (!hasSelect && fallback)
    return { ast: spec.selectors!.selectors.get(fallback)!.definition, input: `selector ${fallback} (default: true)` };
  const include = parseSelectArgs(spec.select.length > 0 ? spec.select : DEFAULT_INCLUDES, '--select');
  const exclude = parseSelectArgs(spec.exclude, '--exclude');
  return { ast: { kind: 'difference', components: [include, exclude], indirectSelection: 'eager' }, input: '--select' };
}

/**
 * A selection and the tests it holds back. The held-back set matters only to the cautious and
 * buildable modes, so it is computed on first use: in the default (eager) mode never, which
 * saves several copies of the whole selection on big manifests.
 */
type Bundle = [direct: Set<string>, indirect: () => Set<string>];

class Selector {
  constructor(
    private readonly graph: DbtGraph,
    private readonly ctx: MethodContext,
    private readonly mode: IndirectSelection,
  ) {}

  evaluate(ast: SelectorAst): Bundle {
    return ast.kind === 'criteria' ? this.criteria(ast) : this.group(ast);
  }

  private criteria(c: CriteriaAst): Bundle {
    const collected = searchMethod(c, this.ctx);
    // the method's set is this criteria's own: grown in place unless operators still need it as it is
    const selected = c.childrensParents || c.parents || c.children ? new Set(collected) : collected;
    if (c.childrensParents) {
      const down = union(collected, this.graph.reach(collected, 'down'));
      addAll(selected, down);
      addAll(selected, this.graph.reach(down, 'up'));
    }
    if (c.parents) addAll(selected, this.graph.reach(collected, 'up', c.parentsDepth ?? Infinity));
    if (c.children) addAll(selected, this.graph.reach(collected, 'down', c.childrenDepth ?? Infinity));
    const mode = c.indirectSelection ?? this.mode;
    if (mode === 'empty') return [selected, () => new Set()];
    const [direct, indirect] = this.expand(selected, mode);
    return [direct, () => indirect];
  }

  private group(g: GroupAst): Bundle {
    const bundles = g.components.map((c) => this.evaluate(c));
    const direct = combine(
      g.kind,
      bundles.map(([d]) => d),
    );
    let indirect: Set<string> | undefined;
    const indirectOnce = (): Set<string> =>
      (indirect ??= combine(
        g.kind,
        bundles.map(([d, i]) => union(d, i())),
      ));
    return [this.incorporate(direct, indirectOnce, g.indirectSelection ?? this.mode), indirectOnce];
  }

  /**
   * dbt's `expand_selection`: tests (and unit tests) that are children of the selection. `selected`
   * (owned by the caller, never shared) becomes the direct set: tests join it after the walk, so the
   * walk and the cautious check see the selection as it was.
   */
  private expand(selected: Set<string>, mode: IndirectSelection): [direct: Set<string>, indirect: Set<string>] {
    const joining: string[] = [];
    const indirect = new Set<string>();
    const buildable = mode === 'buildable' ? this.withAncestors(selected, true) : null;
    const { ids, nodes, childStart, childList } = this.graph.dense;
    for (const id of selected) {
      const i = this.graph.indexOf(id);
      if (i < 0) continue;
      for (let e = childStart[i]!; e < childStart[i + 1]!; e++) {
        const c = childList[e]!;
        const child = nodes[c]!;
        if (child.resourceType !== 'test' && child.resourceType !== 'unit_test') continue;
        const childId = ids[c]!;
        if (mode === 'eager' || allIn(child, selected) || (buildable !== null && allIn(child, buildable)))
          joining.push(childId);
        else if (mode !== 'empty') indirect.add(childId);
      }
    }
    return [addAll(selected, joining), indirect];
  }

  /** dbt's `incorporate_indirect_nodes`: held-back tests join once all their parents are selected. */
  private incorporate(direct: Set<string>, indirect: () => Set<string>, mode: IndirectSelection): Set<string> {
    if (mode !== 'cautious' && mode !== 'buildable') return direct;
    const selected = new Set(direct);
    const pool = mode === 'buildable' ? this.withAncestors(direct, false) : selected;
    for (const id of indirect()) {
      const node = this.graph.get(id);
      if (node && isManifestNode(node) && allIn(node, pool)) selected.add(id);
    }
    return selected;
  }

  private withAncestors(selected: Set<string>, withSources: boolean): Set<string> {
    const out = union(selected, this.graph.reach(selected, 'up'));
    if (withSources) for (const [id, n] of this.graph.nodes) if (n.resourceType === 'source') out.add(id);
    return out;
  }
}

/** Kinds in dbt's `manifest.nodes` (unit tests, sources and exposures live elsewhere). */
const isManifestNode = (n: ManifestNode): boolean =>
  !['source', 'exposure', 'metric', 'semantic_model', 'saved_query', 'unit_test', 'function'].includes(n.resourceType);

const allIn = (n: ManifestNode, pool: ReadonlySet<string>): boolean => n.dependsOn.every((p) => pool.has(p));

/** Sets are never changed once made, so a combination that changes nothing returns its input. */
function combine(kind: GroupAst['kind'], sets: Set<string>[]): Set<string> {
  const [first, ...rest] = sets;
  if (first === undefined) return new Set();
  if (kind !== 'intersection' && rest.every((s) => s.size === 0)) return first;
  if (kind === 'union') return rest.reduce((acc, s) => addAll(acc, s), new Set(first));
  if (kind === 'intersection') return new Set([...first].filter((id) => rest.every((s) => s.has(id))));
  return new Set([...first].filter((id) => !rest.some((s) => s.has(id))));
}

function union(a: Iterable<string>, b: Iterable<string>): Set<string> {
  return addAll(new Set(a), b);
}

function addAll(target: Set<string>, items: Iterable<string>): Set<string> {
  for (const x of items) target.add(x);
  return target;
}
