/**
 * The architecture's import rules, checked over every file in src/ (docs/architecture.md, "Layers"):
 *
 * - core is pure: it imports only core (no node:* or Node built-in, no @actions/*, no src/io,
 *   src/shared or entry);
 * - shared and io never import an entry;
 * - the steps (plan, run, merge) never import each other, local or a front end;
 * - local composes the steps through their public surface only: main.ts and inputs.ts;
 * - nothing imports a front end (cli, action) or the manifest worker: they are bundle entry points;
 * - @actions/* only in src/io, a step's action.ts and src/action (the CLI and local never need GitHub).
 *
 * Imports are read with TypeScript's own pre-processor (static, type-only, re-exports and dynamic
 * `import('…')`), so comments and strings never count. The rules are a pure function tested on
 * made-up violations first: a rule that cannot fail would prove nothing.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const SRC = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'src');

const STEPS = ['plan', 'run', 'merge'];
const FRONT_ENDS = ['cli', 'action'];
/** Folders whose modules are entries of some kind: nothing below them may import these. */
const ENTRIES = [...STEPS, 'local', ...FRONT_ENDS, 'manifest-worker'];

/**
 * Imports between steps that exist today on purpose, each with its reason. A listed import that no
 * longer exists fails the test too, so the list only shrinks.
 */
const KNOWN_EXCEPTIONS: ReadonlyArray<{ from: string; to: string; why: string }> = [];

/** One import: the importing file and the target, both relative to src/ for local modules. */
interface Edge {
  from: string;
  /** a path relative to src/ (`core/graph/graph.ts`) for a relative import, else the package specifier */
  to: string;
  local: boolean;
}

const NODE_BUILTINS = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));

function area(file: string): string {
  return file.split('/')[0] ?? '';
}

/** The rule an import breaks, or null. Pure: tested below on made-up edges. */
function violation(edge: Edge): string | null {
  const from = area(edge.from);
  if (!edge.local) {
    if (from === 'core' && (edge.to.startsWith('node:') || NODE_BUILTINS.has(edge.to)))
      return 'core imports a Node built-in';
    if (edge.to.startsWith('@actions/')) {
      const allowed =
        from === 'io' || from === 'action' || (STEPS.includes(from) && path.basename(edge.from) === 'action.ts');
      if (!allowed) return "@actions/* outside src/io, a step's action.ts and src/action";
    }
    return null;
  }
  const to = area(edge.to);
  if (from === to) return null;
  if (from === 'core') return `core imports src/${to} (core imports only core)`;
  if ((from === 'shared' || from === 'io') && ENTRIES.includes(to)) return `${from} imports the entry ${to}`;
  if ([...FRONT_ENDS, 'manifest-worker'].includes(to))
    return `imports the front end ${to} (nothing imports a front end)`;
  if (STEPS.includes(from) && (STEPS.includes(to) || to === 'local'))
    return `the step ${from} imports ${to} (steps never import each other)`;
  if (from === 'local' && STEPS.includes(to) && !['main.ts', 'inputs.ts'].includes(path.basename(edge.to))) {
    return `local imports ${edge.to}: a step is composed through its main.ts and inputs.ts only`;
  }
  return null;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(full);
    return /\.(ts|mts)$/.test(e.name) && !e.name.endsWith('.d.ts') ? [full] : [];
  });
}

/** Every import of every file under src/, resolved to src/-relative paths where relative. */
function edgesOfTree(): Edge[] {
  return sourceFiles(SRC).flatMap((file) => {
    const from = path.relative(SRC, file).split(path.sep).join('/');
    const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
    return info.importedFiles.map(({ fileName }) => {
      if (!fileName.startsWith('.')) return { from, to: fileName, local: false };
      const resolved = path
        .relative(SRC, path.resolve(path.dirname(file), fileName))
        .split(path.sep)
        .join('/');
      return { from, to: resolved.replace(/\.js$/, '.ts'), local: true };
    });
  });
}

const isKnown = (e: Edge) => KNOWN_EXCEPTIONS.some((k) => k.from === e.from && k.to === e.to);

describe('the rules catch what they are meant to catch', () => {
  const local = (from: string, to: string): Edge => ({ from, to, local: true });
  const pkg = (from: string, to: string): Edge => ({ from, to, local: false });

  const breaking: Array<[Edge, RegExp]> = [
    [pkg('core/graph/graph.ts', 'node:fs'), /Node built-in/],
    [pkg('core/graph/graph.ts', 'path'), /Node built-in/],
    [pkg('core/report/x.ts', '@actions/core'), /@actions/],
    [local('core/report/x.ts', 'io/files.ts'), /core imports src\/io/],
    [local('core/report/x.ts', 'shared/log.ts'), /core imports src\/shared/],
    [local('core/plan/x.ts', 'plan/main.ts'), /core imports src\/plan/],
    [local('io/files.ts', 'run/main.ts'), /io imports the entry run/],
    [local('shared/options.ts', 'local/inputs.ts'), /shared imports the entry local/],
    [local('plan/main.ts', 'merge/main.ts'), /step plan imports merge/],
    [local('run/main.ts', 'local/pool.ts'), /step run imports local/],
    [local('local/main.ts', 'run/shard-work.ts'), /through its main.ts and inputs.ts/],
    [local('local/main.ts', 'plan/action.ts'), /through its main.ts and inputs.ts/],
    [local('local/main.ts', 'cli/program.ts'), /front end cli/],
    [local('plan/main.ts', 'action/index.ts'), /front end action/],
    [local('io/manifest-split.ts', 'manifest-worker/index.ts'), /entry manifest-worker/],
    [pkg('cli/run.ts', '@actions/core'), /@actions/],
    [pkg('local/main.ts', '@actions/artifact'), /@actions/],
  ];
  it.each(breaking.map(([edge, message]) => ({ edge, message })))(
    '$edge.from → $edge.to breaks a rule',
    ({ edge, message }) => {
      expect(violation(edge)).toMatch(message);
    },
  );

  const allowed: Edge[] = [
    pkg('core/select/select.ts', 'zod'),
    local('core/select/select.ts', 'core/graph/graph.ts'),
    local('io/files.ts', 'core/errors.ts'),
    local('run/main.ts', 'io/dbt-process.ts'),
    local('local/main.ts', 'run/main.ts'),
    local('local/inputs.ts', 'plan/inputs.ts'),
    local('cli/plan.ts', 'plan/main.ts'),
    local('cli/local.ts', 'local/progress.ts'),
    pkg('run/action.ts', '@actions/core'),
    pkg('io/comment.ts', '@actions/github'),
    pkg('run/main.ts', 'node:child_process'),
  ];
  it.each(allowed.map((edge) => ({ edge })))('$edge.from → $edge.to is allowed', ({ edge }) => {
    expect(violation(edge)).toBeNull();
  });
});

describe('src/ keeps its layers', () => {
  const edges = edgesOfTree();

  it('reads the imports of every source file', () => {
    // a reader that found nothing would pass every rule
    expect(new Set(edges.map((e) => e.from)).size).toBeGreaterThan(100);
    expect(edges.some((e) => e.from.startsWith('core/') && e.to.startsWith('core/'))).toBe(true);
  });

  it('has no import that breaks a rule', () => {
    const broken = edges
      .filter((e) => !isKnown(e))
      .flatMap((e) => {
        const why = violation(e);
        return why === null ? [] : [`src/${e.from} → ${e.to}: ${why}`];
      });
    expect(broken).toEqual([]);
  });

  it('still needs every known exception (remove the ones that are gone)', () => {
    const stale = KNOWN_EXCEPTIONS.filter((k) => !edges.some((e) => e.from === k.from && e.to === k.to));
    expect(stale, 'these imports are gone: delete them from KNOWN_EXCEPTIONS').toEqual([]);
  });
});
