import path from 'node:path';
import { DBT_FILES, PLAN_FOLDER } from '../core/folders.js';
import { eventTimePlan, type EventTimePlan } from '../core/interval/index.js';
import { StopController } from '../io/dbt-process.js';
import { warmDbtFor } from '../io/warm-dbt.js';
import { shardFolder, stateFolder } from '../io/folders/index.js';
import { placeParseState, type PlacedState } from '../io/parse-state.js';
import { writeShardArtifacts } from './artifacts.js';
import { runChunks, stopOnCancel } from './chunk-loop.js';
import type { RunSettings } from './inputs.js';
import type { RunDeps, RunOutcome } from './job.js';
import type { PreparedShard } from './job.js';
import { ReparseWatch } from './reparse.js';
import type { ShardFolders } from './shard-folder.js';
import { ShardLog } from './shard-log.js';
import { shardArtifact, type ChunksRan } from './shard-record.js';
import { writeSelectionState } from './selection.js';

/** What dbt gets before the first chunk; all null when the shard has no nodes to run. */
interface DbtSetup {
  /** the select-state folder naming the shard's nodes */
  selection: string | null;
  eventTime: EventTimePlan | null;
  placed: PlacedState | null;
}

/** Runs the chunks with dbt's files in the shard's .work folder and its artifact built beside DIR/<id>/. */
export async function runInFolders(
  inputs: RunSettings,
  deps: RunDeps,
  p: PreparedShard,
  folders: ShardFolders,
): Promise<RunOutcome> {
  // each chunk's dbt imports dbt ahead, the next one while a chunk runs (local passes its own pool;
  // a shard with no nodes runs no dbt)
  const warm =
    deps.spawnDbt || p.work.nodes.length === 0
      ? null
      : await warmDbtFor(inputs.dbtCommand, deps.env, { adapter: null, most: 1 });
  warm?.expect(p.chunks.length);
  try {
    return await runWith(inputs, warm ? { ...deps, spawnDbt: warm.spawn } : deps, p, folders);
  } finally {
    warm?.close();
  }
}

async function runWith(
  inputs: RunSettings,
  deps: RunDeps,
  p: PreparedShard,
  folders: ShardFolders,
): Promise<RunOutcome> {
  const projectDir = path.resolve(inputs.projectDir);
  const dbt = await setUpDbt(p, projectDir, folders.workDir);
  const log = await ShardLog.open(shardFolder(folders.stagingDir).dbtLog, p.redact, deps.log);
  const reparse = new ReparseWatch(log);
  const stop = new StopController();
  const releaseStop = stopOnCancel(stop, deps, log);
  let ran: ChunksRan = { runs: [], command: [] };
  try {
    noteStart(log, p, dbt, projectDir);
    if (dbt.selection !== null) {
      const { workDir } = folders;
      const { selection, eventTime } = dbt;
      ran = await runChunks(inputs, deps, p, { projectDir, workDir, selection, eventTime, stop, log, reparse });
    }
  } catch (err) {
    await log.close();
    throw err;
  } finally {
    releaseStop();
  }

  const artifact = shardArtifact(p, ran, {
    attempt: deps.attempt,
    endedAt: deps.now(),
    reparsed: reparse.reasons,
    parseOffered: dbt.placed?.parse ?? false,
  });
  const { exitCode, status } = artifact;
  const seconds = (Date.parse(artifact.endedAt) - p.startedAt.getTime()) / 1000;
  const summary = [`${p.work.kind} ${p.work.id}: ${status} (exit ${exitCode}) in ${seconds.toFixed(1)}s`];
  if (artifact.reparsed !== null)
    log.warn(
      `dbt parsed the project again instead of using the plan's parse: ${artifact.reparsed} (make the plan with the same vars, profile, target, env and dbt version as the shards)`,
    );
  log.note(summary[0]!);
  await log.close();
  const attempts = ran.runs.flatMap((r) => r.results);
  const written = await writeShardArtifacts(folders.stagingDir, artifact, attempts, p.redact);
  await folders.commit();
  return {
    exitCode,
    status,
    shardDir: folders.shardDir,
    artifact: written.artifact,
    results: written.results,
    summary,
  };
}

/** The selection folder, the microbatch windows and the plan's parse state, for a shard with nodes to run. */
async function setUpDbt(p: PreparedShard, projectDir: string, workDir: string): Promise<DbtSetup> {
  if (p.work.nodes.length === 0) return { selection: null, eventTime: null, placed: null };
  const deferManifest = p.deferState && stateFolder(p.deferState).manifest;
  const selectStateDir = path.join(workDir, 'select-state');
  const selection = await writeSelectionState(selectStateDir, p.work.nodes, deferManifest, p.startedAt);
  // microbatch models take the interval as event-time flags; a chunking they cannot follow fails here
  const inWork = new Set(p.work.nodes);
  const microbatch = (p.plan.microbatch ?? []).filter((m) => inWork.has(m.uniqueId));
  const eventTime = eventTimePlan(p.interval, p.chunks, microbatch);
  const placed = await placeParseState(p.planDir, projectDir, path.join(workDir, 'target'));
  return { selection, eventTime, placed };
}

/** The shard log's opening lines: what runs, over which interval, and what it starts from. */
function noteStart(log: ShardLog, p: PreparedShard, dbt: DbtSetup, projectDir: string): void {
  const { work, skipped, interval, chunks, plan } = p;
  log.note(
    `${work.kind} ${work.id}: ${work.nodes.length} nodes, interval [${interval.start}, ${interval.end}) from ${interval.source}, ${chunks.length} chunk(s), threads ${plan.threads}`,
  );
  if (skipped.length > 0) {
    const some = skipped.slice(0, 3).map((s) => s.unique_id);
    log.note(
      `${skipped.length} planned node(s) skipped: a node they depend on failed in an earlier stage (${some.join(', ')}${skipped.length > 3 ? ', …' : ''})`,
    );
  }
  if (p.redact.size > 0) log.note(`redacting the values of ${p.redact.size} secret(s) in logs and artifacts`);
  if (dbt.placed?.parse)
    log.note(`dbt starts from the plan's parse (${PLAN_FOLDER.parseState}/${DBT_FILES.partialParse})`);
  if (dbt.placed?.packages) log.note(`installed the plan's packages into ${projectDir} (no dbt deps)`);
  if (dbt.eventTime?.note) log.note(dbt.eventTime.note);
}
