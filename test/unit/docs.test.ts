import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  driftedFiles,
  OUTPUTS,
  renderCompatActionYml,
  renderReadme,
  renderStepActionYml,
  ROOT,
} from '../../scripts/docs.js';
import { STEPS } from '../../src/action/compat.js';
import { MERGE_OPTIONS } from '../../src/merge/inputs.js';
import { PLAN_OPTIONS } from '../../src/plan/inputs.js';
import { RUN_OPTIONS } from '../../src/run/inputs.js';

interface ActionYml {
  inputs: Record<string, { description: string; required?: boolean; default?: string }>;
  outputs: Record<string, { description: string }>;
  runs: { using: string; main: string };
}
const OPTIONS = { plan: PLAN_OPTIONS, run: RUN_OPTIONS, merge: MERGE_OPTIONS };
const actionInputs = (step: keyof typeof OPTIONS) => OPTIONS[step].filter((o) => !o.cliOnly);

describe('the action.yml files and the README tables', () => {
  it('are what `npm run docs` generates from the option lists (run it and commit when this fails)', () => {
    expect(driftedFiles()).toEqual([]);
  });

  it.each(STEPS)(
    "%s/action.yml declares exactly its step's inputs with their defaults, and runs its own bundle",
    (step) => {
      const action = parse(renderStepActionYml(step)) as ActionYml;
      expect(Object.keys(action.inputs)).toEqual(actionInputs(step).map((o) => o.name));
      expect(Object.values(action.inputs)).toEqual(
        actionInputs(step).map((o) => ({
          description: o.description,
          required: false,
          ...(o.defaultText ? { default: o.defaultText } : {}),
        })),
      );
      expect(Object.keys(action.outputs)).toEqual(OUTPUTS[step].map(([name]) => name));
      // GitHub resolves `main` from the action's folder: the bundle sits at the repository root
      expect(action.runs).toEqual({ using: 'node24', main: `../dist/${step}/index.js` });
      expect(readdirSync(path.join(ROOT, step, path.dirname(action.runs.main)))).toContain('index.js');
    },
  );

  it.each(STEPS)('%s/action.yml declares every output its action.ts sets, and nothing more', (step) => {
    const src = readFileSync(path.join(ROOT, 'src', step, 'action.ts'), 'utf8');
    const set = new Set([...src.matchAll(/setOutput\(\s*['"]([a-z0-9-]+)/g)].map((m) => m[1]!));
    if (/setOutput\(`matrix-\$\{stage\}`/.test(src)) ['matrix-2', 'matrix-3'].forEach((o) => set.add(o));
    expect([...set].sort()).toEqual(OUTPUTS[step].map(([name]) => name).sort());
  });

  it("keeps the root action.yml as the `command` front: every step's inputs and outputs, its own bundle", () => {
    const action = parse(renderCompatActionYml()) as ActionYml;
    const inputs = new Set(STEPS.flatMap((s) => actionInputs(s).map((o) => o.name)));
    expect(Object.keys(action.inputs).sort()).toEqual(['command', ...inputs].sort());
    expect(action.inputs['command']!.description).toContain('dbt-matrix/dbt-matrix/plan@v1');
    expect(Object.keys(action.outputs).sort()).toEqual(
      [...new Set(STEPS.flatMap((s) => OUTPUTS[s].map(([n]) => n)))].sort(),
    );
    // a default only where every step agrees: `out` differs per step, so each parser applies its own
    expect(action.inputs['out']!.default).toBeUndefined();
    expect(action.inputs['out']!.description).toContain(
      'defaults: plan dbt-matrix-plan, run dbt-matrix-shards, merge dbt-matrix-report',
    );
    expect(action.runs).toEqual({ using: 'node24', main: 'dist/action/index.js' });
    // one bundle per step, the compatibility front, the CLI, and the thread that splits large manifests
    expect(readdirSync(path.join(ROOT, 'dist')).sort()).toEqual([
      'action',
      'cli',
      'manifest-worker',
      'merge',
      'plan',
      'run',
    ]);
  });

  it('writes one README section per sub-action between the markers, and only there', () => {
    const ymls = Object.fromEntries(STEPS.map((s) => [s, renderStepActionYml(s)])) as Record<
      (typeof STEPS)[number],
      string
    >;
    const readme = 'intro\n<!-- action-tables:start (old) -->\nstale\n<!-- action-tables:end -->\nrest\n';
    const out = renderReadme(readme, ymls);
    expect(out.startsWith('intro\n<!-- action-tables:start')).toBe(true);
    expect(out.endsWith('<!-- action-tables:end -->\nrest\n')).toBe(true);
    expect(out).not.toContain('stale');
    expect([...out.matchAll(/^### (\w+) \(`uses: (\S+)`\)$/gm)].map((m) => [m[1], m[2]])).toEqual(
      STEPS.map((s) => [s, `dbt-matrix/dbt-matrix/${s}@v1`]),
    );
    expect(out).toContain('| `shard` | index of the shard to run');
    expect(renderReadme(out, ymls)).toBe(out);
    expect(() => renderReadme('no markers', ymls)).toThrow(/README.md needs the markers/);
  });
});
