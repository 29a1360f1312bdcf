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
 * overlap the warehouse's time, never dbt's.
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
