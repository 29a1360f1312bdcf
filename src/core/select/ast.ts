/**
 * The parsed form of dbt's node-selection grammar, mirroring dbt-core's `SelectionCriteria` and
 * selection groups (dbt/graph/selector_spec.py) so evaluation can follow dbt step by step.
 */

export type IndirectSelection = 'eager' | 'cautious' | 'buildable' | 'empty';
export const INDIRECT_SELECTION_MODES: readonly IndirectSelection[] = ['eager', 'cautious', 'buildable', 'empty'];

/** Every method dbt 1.11 knows (dbt/graph/selector_methods.py `MethodName`). */
export const DBT_METHODS = [
  'fqn',
  'tag',
  'group',
  'access',
  'source',
  'path',
  'file',
  'package',
  'config',
  'test_name',
  'test_type',
  'resource_type',
  'state',
  'exposure',
  'metric',
  'result',
  'source_status',
  'version',
  'semantic_model',
  'saved_query',
  'unit_test',
] as const;
export type MethodName = (typeof DBT_METHODS)[number];

/** A YAML selector may give a non-string value (e.g. `config.enabled: true`). */
export type SelectorValue = string | number | boolean;

export interface CriteriaAst {
  kind: 'criteria';
  /** the text (or YAML definition) it came from, for messages */
  raw: string;
  method: MethodName;
  /** `config.meta.owner` -> ['meta', 'owner']; `state:modified.body` keeps the dot in `value` */
  methodArgs: string[];
  value: SelectorValue;
  childrensParents: boolean;
  parents: boolean;
  parentsDepth: number | null;
  children: boolean;
  childrenDepth: number | null;
  /** null: the run's `--indirect-selection` (set per definition only in selectors.yml) */
  indirectSelection: IndirectSelection | null;
}

export interface GroupAst {
  kind: 'union' | 'intersection' | 'difference';
  components: SelectorAst[];
  /**
   * Mode used to pull in tests whose parents only meet after combining. null: the run's mode
   * (groups parsed from --select); YAML groups and the select/exclude difference use 'eager' as dbt does.
   */
  indirectSelection: IndirectSelection | null;
}

export type SelectorAst = CriteriaAst | GroupAst;

export interface SelectorDefinition {
  name: string;
  description: string;
  default: boolean;
  definition: SelectorAst;
}

/** A parsed selectors.yml (or a manifest's `selectors` section): names in file order. */
export interface SelectorsFile {
  source: string;
  selectors: ReadonlyMap<string, SelectorDefinition>;
  /** the selector marked `default: true`, used when neither --select nor --exclude is given */
  defaultSelector: string | null;
}
