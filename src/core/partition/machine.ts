/**
 * What dbt itself costs, and where shards run. Figures measured with real dbt-core 1.11 +
 * dbt-duckdb on a 2-core Linux machine by `npm run bench -- dbt-costs` (a generated project of
 * `select 1` tables, so the warehouse's share is near zero and what is left is dbt's own work):
 * re-measure there when dbt or the machine changes.
 */

/**
 * dbt's own CPU seconds per node (compile, Jinja, Python bookkeeping, writing artifacts). One dbt
 * process does this on at most about one core whatever its threads (Python's GIL): threads only
 * overlap the warehouse's time, never dbt's.
 */
export const DBT_CPU_SECONDS_PER_NODE = 0.12;

/** Wall seconds per node of a `select 1` table at one thread: the default cost of a node with no history. */
export const DBT_SECONDS_PER_NODE = 0.15;

/**
 * Start-up of one dbt process that does not parse (partial parsing warm): Python, adapter imports,
 * reading the project and the partial-parse file. Nearly all CPU.
 */
export const DBT_STARTUP_SECONDS = 3;

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
export const GITHUB_MACHINE: Machine = { dbtCpuPerNode: DBT_CPU_SECONDS_PER_NODE, startupCpuSeconds: DBT_STARTUP_SECONDS };

/** One machine: every shard running at once draws on the same `cores`. */
export const sharedMachine = (cores: number): Machine => ({
  dbtCpuPerNode: DBT_CPU_SECONDS_PER_NODE,
  sharedCores: Math.max(1, cores),
  startupCpuSeconds: DBT_STARTUP_SECONDS,
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
