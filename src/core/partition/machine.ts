/**
 * What dbt itself costs, and where shards run. Figures measured with real dbt-core 1.11 +
 * dbt-duckdb on a 2-core Linux machine by `npm run bench -- dbt-costs` (a generated project of
 * 150 `select 1` tables and their not_null tests, so the warehouse's share is near zero and what
 * is left is dbt's own work), as CPU seconds: that machine was shared with other jobs (load
 * average 14-22), which inflated wall times several-fold but not the CPU a process used.
 * Re-measure there when dbt or the machine changes.
 */

/**
 * dbt's own CPU seconds per node (compile, Jinja, Python bookkeeping, writing artifacts). One dbt
 * process does this on at most about one core whatever its threads (Python's GIL): threads only
 * overlap the warehouse's time, never dbt's. `npm run bench -- threads` (PostgreSQL, table models
 * only, 1–32 threads) measured 0.10–0.15 CPU seconds per model, a little more at many threads;
 * tests cost less, so 0.09 stands for a build's mix of both.
 */
export const DBT_CPU_SECONDS_PER_NODE = 0.09;

/**
 * The default cost of a node with no history: dbt's own time for it (its CPU, plus a little
 * waiting on the database at one thread). What the warehouse adds is unknown until a run is
 * timed: pass --timings (or `timings: github`).
 */
export const DBT_SECONDS_PER_NODE = 0.1;

/**
 * Start-up of one dbt process that does not parse (partial parsing warm): Python, adapter imports,
 * reading the project and the partial-parse file, connecting: 6.9 CPU seconds measured (a full
 * parse of the 150 models took 11.8). Nearly all CPU, so on one machine shards' start-ups compete.
 */
export const DBT_STARTUP_SECONDS = 7;

export interface Machine {
  /** dbt's own CPU seconds per node: a shard never runs faster than its nodes × this */
  dbtCpuPerNode: number;
  /**
   * Cores every running shard shares (`local`: this machine's); undefined when each shard has a
   * machine of its own (GitHub: one runner per job).
   */
  sharedCores?: number;
  /** CPU seconds each shard's start-up takes from the shared cores */
  startupCpuSeconds: number;
}

/** GitHub: each matrix job brings its own runner, so shards compete for no cores. */
export const GITHUB_MACHINE: Machine = {
  dbtCpuPerNode: DBT_CPU_SECONDS_PER_NODE,
  startupCpuSeconds: DBT_STARTUP_SECONDS,
};

/**
 * One machine: every shard running at once draws on the same `cores`. A shard's start-up there is
 * dbt's (Python, imports, parsing), nearly all CPU: the caller passes its per-shard overhead.
 */
export const sharedMachine = (cores: number, startupCpuSeconds = DBT_STARTUP_SECONDS): Machine => ({
  dbtCpuPerNode: DBT_CPU_SECONDS_PER_NODE,
  sharedCores: Math.max(1, cores),
  startupCpuSeconds,
});

/**
 * Wall seconds of one stage on `machine`: its jobs' own makespan, and no less than the CPU its
 * shards need (start-up and dbt's work per node) spread over the shared cores.
 */
export function sharedCpuFloor(machine: Machine, nodesPerShard: readonly number[]): number {
  if (machine.sharedCores === undefined) return 0;
  let cpu = 0;
  for (const n of nodesPerShard) cpu += machine.startupCpuSeconds + n * machine.dbtCpuPerNode;
  return cpu / machine.sharedCores;
}

/**
 * Wall seconds of one shard's start-up when `together` shards start at once: the overhead, and on
 * a shared machine no less than their start-ups' CPU over its cores (`npm run bench -- pg-sleep`:
 * three shards starting at once on two cores ran 22 % over a plan that charged each the overhead
 * alone).
 */
export function startupWall(machine: Machine, overhead: number, together: number): number {
  if (machine.sharedCores === undefined) return overhead;
  return Math.max(overhead, (machine.startupCpuSeconds * together) / machine.sharedCores);
}

/**
 * Threads past which one dbt process gets no faster, by the simulation's own model: a shard takes
 * at least max(work / threads, nodes × dbt's CPU per node), so beyond work / (nodes × CPU per node)
 * threads its CPU on one core is the ceiling (`npm run bench -- threads`: on PostgreSQL, models
 * that wait on the warehouse kept scaling to 32 threads, those that barely wait stopped at a few).
 * At most `most` (the thread ceiling measured); at least 1.
 */
export function usefulThreads(totalWork: number, nodes: number, machine: Machine, most: number): number {
  const cpu = nodes * machine.dbtCpuPerNode;
  if (cpu <= 0) return most;
  return Math.max(1, Math.min(most, Math.ceil(totalWork / cpu)));
}
