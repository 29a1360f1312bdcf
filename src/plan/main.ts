import { rm } from 'node:fs/promises';
import { UserError } from '../core/errors.js';
import { microbatchModels, type TriggerContext } from '../core/interval/index.js';
import { secretVarValues } from '../core/vars/index.js';
import { DbtGraph } from '../core/graph/graph.js';
import type { Manifest } from '../core/manifest/types.js';
import { costsFromTimings, measureTimings, RunResultsSchema } from '../core/partition/index.js';
import { partition } from '../core/partition/index.js';
import { PLAN_VERSION, type Plan, matrixForStage, type Matrix } from '../core/plan/schema.js';
import { planSummaryLines } from '../core/plan/summary.js';
import { selectNodes, selectorsFromManifest } from '../core/select/index.js';
import { copyFileAtomic, pathExists, readJsonFile, stageCopy, type StagedCopy, writeJsonAtomic } from '../io/files.js';
import type { ParsedProject, ParseRequest } from '../io/dbt-parse.js';
import { readGithubContext } from '../io/github-context.js';
import { readManifest } from '../io/manifest-reader.js';
import { planFolder, stateFolder } from '../io/folders/index.js';
import { checkOutputDir } from '../io/out-dir.js';
import { shipParseState } from '../io/parse-state.js';
import { namedSecretValues } from '../io/redact.js';
import { resolveShardVars } from '../shared/shard-vars.js';
import type { Logger } from '../shared/log.js';
import type { PlanInputs } from './inputs.js';

export interface PlanDeps {
  log: Logger;
  now(): Date;
  /** `dbt deps` if packages are missing, then `dbt parse` (only when --manifest is not given) */
  parseProject(req: ParseRequest): Promise<ParsedProject>;
  /** what triggered the run, for the shards' interval (default: read from GITHUB_* env vars, as run does) */
  trigger?: TriggerContext;
}

export interface PlanOutcome {
  plan: Plan;
  /** the manifest planned from, as read (the plan folder's manifest.json is a copy of it) */
  manifest: Manifest;
  planFile: string;
  manifestFile: string;
  /** one matrix per stage (index 0 = stage 1) */
  matrices: Matrix[];
  hasWork: boolean;
  summary: string[];
}

export async function runPlan(inputs: PlanInputs, deps: PlanDeps): Promise<PlanOutcome> {
  await checkOutputDir(inputs.out, '--out');
  const now = deps.now();
  const parsed = inputs.manifest === null ? await parseAsShardsWill(inputs, deps, now) : null;
  const manifestFile = inputs.manifest ?? parsed!.manifest;
  // the plan folder's copy of the manifest is made while planning (a manifest of hundreds of MB takes
  // as long to copy as to plan), and put in place only at the end
  const manifestCopy = stageCopy(manifestFile, planFolder(inputs.out).manifest);
  try {
    return await planAndWrite(inputs, deps, now, manifestFile, manifestCopy, parsed);
  } catch (err) {
    await manifestCopy.discard();
    throw err;
  }
}

/**
 * `dbt parse` with what the shards will use — project, profile, target, env and the vars of
 * their first chunk, resolved from the same trigger at the same plan time — so that the parse
 * state shipped in the plan folder is valid for them and their dbt skips parsing.
 */
async function parseAsShardsWill(inputs: PlanInputs, deps: PlanDeps, now: Date): Promise<ParsedProject> {
  const trigger = deps.trigger ?? (await readGithubContext(process.env, () => now)).trigger;
  const shardVars = resolveShardVars(inputs.interval, trigger, now.toISOString());
  const first = shardVars.chunks[0]!;
  const parsed = await deps.parseProject({ ...inputs, vars: shardVars.varsFor(first), env: shardVars.envFor(first) });
  if (parsed.installedPackages)
    deps.log.info(`installed the project's packages with dbt deps (the shards get them with the plan)`);
  return parsed;
}

async function planAndWrite(
  inputs: PlanInputs,
  deps: PlanDeps,
  now: Date,
  manifestFile: string,
  manifestCopy: StagedCopy,
  parsed: ParsedProject | null,
): Promise<PlanOutcome> {
  // timings (down to per-node seconds) and the state manifest are read while a large manifest is
  // split on a worker thread;
  // errors still surface in the order of the inputs (the manifest's first)
  const timingsRead = settleLater(
    Promise.all(
      inputs.timings.map(async (file) => ({ file, data: await readJsonFile(file, RunResultsSchema, '--timings') })),
    ).then(measureTimings),
  );
  const stateRead = settleLater(inputs.state ? readStateManifest(inputs.state) : Promise.resolve(null));
  const manifest = await readManifest(manifestFile, { warn: (m) => deps.log.warning(m) });
  const graph = DbtGraph.fromManifest(manifest);
  const stateManifest = await stateRead;
  const stateGraph = stateManifest ? DbtGraph.fromManifest(stateManifest) : null;
  const state = stateGraph ?? (inputs.stateMissing ? new DbtGraph([]) : null);
  const selected = selectNodes(graph, {
    select: inputs.select,
    exclude: inputs.exclude,
    selector: inputs.selector,
    selectors: selectorsFromManifest(manifest.selectors, manifestFile),
    state,
  });
  const timings = await timingsRead;
  const costs = costsFromTimings(timings, graph);
  for (const w of costs.warnings) deps.log.warning(w);
  const parts = partition({
    graph,
    selected,
    costs,
    connectionBudget: inputs.connectionBudget,
    threads: inputs.threads ?? undefined,
    maxShards: inputs.maxShards,
    maxStages: inputs.maxStages,
    shardOverheadSeconds: inputs.shardOverheadSeconds,
    ...(inputs.machine ? { machine: inputs.machine } : {}),
  });
  const microbatch = microbatchModels([...selected].flatMap((id) => manifest.nodes.get(id) ?? []));
  const plan = {
    ...buildPlan(inputs, manifest, parts, costs, now),
    exposures: [...selected].filter((id) => graph.get(id)?.resourceType === 'exposure').sort(),
    ...(microbatch.length > 0 ? { microbatch } : {}),
  };
  const folder = planFolder(inputs.out);
  // Everything is validated above: only now is anything written.
  await manifestCopy.commit();
  // run jobs --defer to the state the plan was made against: it travels inside the plan folder
  // (a plan made without state drops an earlier plan's: run --defer would otherwise use it)
  if (inputs.state) await copyFileAtomic(stateFolder(inputs.state).manifest, folder.state.manifest);
  else await rm(folder.state.dir, { recursive: true, force: true });
  const shipped = await shipParseState(
    parsed && { targetPath: parsed.targetPath, projectDir: inputs.projectDir },
    inputs.out,
    namedSecretValues({ env: process.env, secretValues: secretVarValues(inputs.interval.vars) }),
  );
  if (shipped.parse === 'withheld') {
    deps.log.warning(
      `dbt's parse state holds the value of ${shipped.secret} (dbt keeps the values of the env vars project files read while parsing): it stays out of the plan artifact, so each shard parses the project itself. Read the variable inside {% if execute %} to let the shards skip parsing.`,
    );
  }
  await writeJsonAtomic(folder.plan, plan);
  const matrices = Array.from({ length: Math.max(plan.stages, 1) }, (_, i) => matrixForStage(plan, i + 1));
  return {
    plan,
    manifest,
    planFile: folder.plan,
    manifestFile: folder.manifest,
    matrices,
    hasWork: plan.shards.length > 0,
    summary: planSummaryLines(
      plan,
      plan.shards.reduce((n, s) => n + s.nodes.length, plan.finalTests.length),
    ),
  };
}

function buildPlan(
  inputs: PlanInputs,
  manifest: Manifest,
  parts: ReturnType<typeof partition>,
  costs: ReturnType<typeof costsFromTimings>,
  now: Date,
): Plan {
  return {
    version: PLAN_VERSION,
    createdAt: now.toISOString(),
    dbtVersion: manifest.metadata.dbtVersion,
    projectName: manifest.metadata.projectName,
    selection: { select: inputs.select, exclude: inputs.exclude, selector: inputs.selector, state: inputs.state },
    threads: parts.threads,
    maxParallel: parts.maxParallel,
    connectionBudget: inputs.connectionBudget,
    stages: parts.stages,
    shards: parts.shards,
    finalTests: parts.finalTests,
    estimates: {
      ...parts.estimates,
      shardOverheadSeconds: inputs.shardOverheadSeconds,
      nodesWithHistory: costs.withHistory,
      nodesEstimated: costs.estimated,
      assumption: costs.assumption,
    },
  };
}

async function readStateManifest(dir: string): Promise<Manifest> {
  const file = stateFolder(dir).manifest;
  if (!(await pathExists(file))) {
    throw new UserError(`--state: ${dir} has no manifest.json; expected a folder holding the production manifest`);
  }
  return readManifest(file).catch((err: unknown) => {
    if (err instanceof UserError) throw new UserError(err.message.replace(/^--manifest/, '--state'));
    throw err;
  });
}

/** A promise started early and awaited later: its rejection must not count as unhandled meanwhile. */
function settleLater<T>(p: Promise<T>): Promise<T> {
  p.catch(() => undefined);
  return p;
}
