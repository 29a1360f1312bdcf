/**
 * Property-based fuzzing of every file dbt-matrix reads (fixed seed, bounded cases; `npm run fuzz`
 * runs many more): plan.json (run, merge), manifest.json (plan; the whole-file and the streaming
 * reader must give the same verdict), earlier run_results.json (--timings), shard folders
 * (merge: shard.json, run_results.json) and the GitHub event payload. Each starts from a valid
 * file and mutates it (a value replaced or removed, the text cut, bytes inserted, garbage after).
 * Every case is accepted or refused with one clean line, and a refused one writes nothing.
 */
import { mkdtempSync, promises as fs, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, it } from 'vitest';
import type { TriggerContext } from '../../src/core/interval/index.js';
import { readGithubContext } from '../../src/io/github-context.js';
import { readManifest } from '../../src/io/manifest-reader.js';
import { parseMergeInputs } from '../../src/merge/inputs.js';
import { mergeReports } from '../../src/merge/main.js';
import { parsePlanInputs } from '../../src/plan/inputs.js';
import { runPlan } from '../../src/plan/main.js';
import { parseRunInputs } from '../../src/run/inputs.js';
import { runShard } from '../../src/run/main.js';
import { memoryLogger } from '../../src/shared/log.js';
import { listTree } from '../helpers/cli.js';
import { casesFor, fuzzArea, hostileString, promiseBroken, type Verdict } from '../helpers/fuzz.js';
import { reportTallies } from '../helpers/fuzz.js';
import { artifactOf, resultOf, runResultsOf, T0 } from '../helpers/shard-fixtures.js';
import { tinyManifest, tinyPlan } from '../helpers/tiny-manifest.js';

const root = mkdtempSync(path.join(os.tmpdir(), 'dbt-matrix-fuzz-files-'));
afterAll(() => {
  reportTallies('files');
  rmSync(root, { recursive: true, force: true });
});

const trigger: TriggerContext = {
  eventName: null,
  schedule: null,
  dispatchInputs: {},
  triggerTime: new Date('2024-01-15T12:00:00Z'),
};
let caseNo = 0;

/** Every path to a value inside `value` (object keys and array indices). */
function pathsOf(
  value: unknown,
  at: Array<string | number> = [],
  out: Array<Array<string | number>> = [],
): Array<Array<string | number>> {
  out.push(at);
  if (Array.isArray(value)) value.forEach((v, i) => pathsOf(v, [...at, i], out));
  else if (value !== null && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) pathsOf(v, [...at, k], out);
  return out;
}

function setAt(value: unknown, at: ReadonlyArray<string | number>, replacement: unknown, remove: boolean): unknown {
  if (at.length === 0) return replacement;
  const copy = (Array.isArray(value) ? [...(value as unknown[])] : { ...(value as Record<string, unknown>) }) as Record<
    string | number,
    unknown
  >;
  const [head, ...rest] = at;
  if (rest.length === 0 && remove) {
    if (Array.isArray(copy)) (copy as unknown[]).splice(head as number, 1);
    else delete copy[head!];
  } else copy[head!] = setAt(copy[head!], rest, replacement, remove);
  return copy;
}

/** A valid JSON document, mutated: the file text a hostile or broken producer could leave. */
function mutated(base: unknown): fc.Arbitrary<string> {
  const paths = pathsOf(base);
  const hostileValue = fc.oneof(
    fc.jsonValue({ maxDepth: 3 }),
    hostileString(),
    fc.constantFrom('..', '../x', '/etc', 'final', '.work', -1, 1e308, 2 ** 53 + 1, '2024-13-45', 'v999', [], {}, null),
  );
  const structural = fc
    .array(fc.tuple(fc.constantFrom(...paths), hostileValue, fc.boolean()), { minLength: 1, maxLength: 3 })
    .map((edits) => JSON.stringify(edits.reduce<unknown>((doc, [at, v, remove]) => setAt(doc, at, v, remove), base)));
  const text = JSON.stringify(base);
  const textual = fc.oneof(
    fc.nat({ max: text.length }).map((n) => text.slice(0, n)),
    fc
      .tuple(fc.nat({ max: text.length }), fc.string({ unit: 'binary', maxLength: 8 }))
      .map(([n, s]) => text.slice(0, n) + s + text.slice(n)),
    fc.constantFrom(
      `${text} garbage`,
      `${text}{}`,
      `\ufeff${text}`,
      `${text}\u0000`,
      text.replace(/"/g, "'"),
      '',
      'null',
      '[]',
      '"x"',
      '{',
      '}',
    ),
  );
  return fc.oneof({ weight: 3, arbitrary: structural }, { weight: 2, arbitrary: textual });
}

async function freshDir(): Promise<string> {
  const dir = path.join(root, `c${++caseNo}`);
  await fs.mkdir(dir, { recursive: true });
  return dir;
}

/** The promise, plus: a refused case leaves `watched` exactly as it was. */
async function heldWritingNothing(
  watched: string,
  fn: () => unknown,
): Promise<{ verdict: Verdict; broken: string | null }> {
  const before = await listTree(watched);
  const r = await promiseBroken(fn);
  if (r.broken === null && r.verdict === 'refused') {
    const after = await listTree(watched);
    if (JSON.stringify(after) !== JSON.stringify(before))
      return {
        verdict: r.verdict,
        broken: `refused but wrote: ${after.filter((f) => !before.includes(f)).join(', ')}`,
      };
  }
  return r;
}

const planInputs = (dir: string, extra: Record<string, string | string[]> = {}) =>
  parsePlanInputs({
    manifest: path.join(dir, 'manifest.json'),
    'connection-budget': '4',
    out: path.join(dir, 'out'),
    ...extra,
  });
const planDeps = {
  log: memoryLogger(),
  now: () => new Date(),
  parseProject: () => Promise.reject(new Error('not used')),
};

describe('fuzz: files we read', () => {
  it('plan.json, as run reads it (a shard with no nodes: no dbt)', async () => {
    const base = tinyPlan([
      { id: 's1-00', nodes: [] },
      { id: 's1-01', nodes: [] },
    ]);
    await fuzzArea('plan.json (run)', mutated(base), casesFor(150), async (text) => {
      const dir = await freshDir();
      await fs.writeFile(path.join(dir, 'plan.json'), text);
      const out = path.join(dir, 'out');
      return heldWritingNothing(dir, () =>
        runShard(
          parseRunInputs({
            plan: path.join(dir, 'plan.json'),
            shard: '0',
            out,
            start: '2024-01-10',
            end: '2024-01-11',
          }),
          { trigger, env: {}, attempt: 1, now: () => new Date(), log: memoryLogger(), handleProcessSignals: false },
        ),
      );
    });
  });

  it('manifest.json, as plan reads it; the whole-file and the streaming reader agree', async () => {
    await fuzzArea('manifest.json (plan)', mutated(tinyManifest()), casesFor(150), async (text) => {
      const dir = await freshDir();
      const file = path.join(dir, 'manifest.json');
      await fs.writeFile(file, text);
      const whole = await promiseBroken(() => readManifest(file));
      const streamed = await promiseBroken(() => readManifest(file, { streamFromBytes: 0 }));
      if (whole.verdict !== streamed.verdict)
        return {
          verdict: whole.verdict,
          broken: `whole-file reader ${whole.verdict}, streaming reader ${streamed.verdict}`,
        };
      if (streamed.broken !== null) return streamed;
      return heldWritingNothing(dir, () => runPlan(planInputs(dir), planDeps));
    });
  });

  it('run_results.json of earlier runs (--timings)', async () => {
    const base = runResultsOf(
      [resultOf('model.tiny.a', 'success', 3, T0), resultOf('model.tiny.b', 'error', 1, T0)],
      'inv-1',
    );
    await fuzzArea('run_results.json (--timings)', mutated(base), casesFor(150), async (text) => {
      const dir = await freshDir();
      await fs.writeFile(path.join(dir, 'manifest.json'), JSON.stringify(tinyManifest()));
      await fs.writeFile(path.join(dir, 'timings.json'), text);
      return heldWritingNothing(dir, () =>
        runPlan(planInputs(dir, { timings: [path.join(dir, 'timings.json')] }), planDeps),
      );
    });
  });

  it('shard folders, as merge reads them (shard.json, run_results.json)', async () => {
    const artifact = artifactOf('s1-00', 1, T0, T0 + 5000, { nodes: ['model.tiny.a'] });
    const results = runResultsOf([resultOf('model.tiny.a', 'success', 3, T0)], 'inv-1');
    const arb = fc.tuple(
      fc.oneof(mutated(artifact), fc.constant(JSON.stringify(artifact))),
      fc.oneof(mutated(results), fc.constant(JSON.stringify(results))),
    );
    await fuzzArea('shard folder (merge)', arb, casesFor(100), async ([shardJson, resultsJson]) => {
      const dir = await freshDir();
      await fs.writeFile(
        path.join(dir, 'plan.json'),
        JSON.stringify(tinyPlan([{ id: 's1-00', nodes: ['model.tiny.a'] }])),
      );
      await fs.writeFile(path.join(dir, 'manifest.json'), JSON.stringify(tinyManifest()));
      const shardDir = path.join(dir, 'in', 's1-00');
      await fs.mkdir(shardDir, { recursive: true });
      await fs.writeFile(path.join(shardDir, 'shard.json'), shardJson);
      await fs.writeFile(path.join(shardDir, 'run_results.json'), resultsJson);
      await fs.writeFile(path.join(shardDir, 'dbt.log'), 'log\n');
      return promiseBroken(() =>
        mergeReports(
          parseMergeInputs({
            plan: path.join(dir, 'plan.json'),
            in: path.join(dir, 'in'),
            out: path.join(dir, 'report'),
          }),
          { log: memoryLogger(), readManifest },
        ),
      );
    });
  });

  it('the GitHub event payload', async () => {
    const base = {
      schedule: '0 * * * *',
      inputs: { start_dttm: '2024-01-01', flag: 'x' },
      pull_request: { updated_at: '2024-01-15T00:00:00Z' },
      repository: { pushed_at: 1705276800 },
      head_commit: { timestamp: '2024-01-15T00:00:00Z' },
    };
    const arb = fc.tuple(
      mutated(base),
      fc.constantFrom('schedule', 'workflow_dispatch', 'push', 'pull_request', 'pull_request_target', 'other'),
      fc.oneof(hostileString(), fc.constant('1')),
    );
    await fuzzArea('GitHub event payload', arb, casesFor(150), async ([text, eventName, attempt]) => {
      const dir = await freshDir();
      await fs.writeFile(path.join(dir, 'event.json'), text);
      return promiseBroken(() =>
        readGithubContext(
          {
            GITHUB_EVENT_NAME: eventName,
            GITHUB_EVENT_PATH: path.join(dir, 'event.json'),
            GITHUB_RUN_ATTEMPT: attempt,
          },
          () => new Date(),
        ),
      );
    });
  });
});
