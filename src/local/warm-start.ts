import os from 'node:os';
import { dbtScriptOf } from '../io/dbt-python.js';
import { WarmDbt } from '../io/warm-dbt.js';

/**
 * `local`'s warm dbt processes (src/io/warm-dbt.ts), or null when dbt is not a Python console
 * script (then every invocation starts cold, as before). At most one per core is kept waiting:
 * more would only queue for the same cores the running shards use.
 */
export async function warmDbt(dbtCommand: string, env: NodeJS.ProcessEnv, adapter: string): Promise<WarmDbt | null> {
  const found = await dbtScriptOf(dbtCommand, env);
  if (found === null) return null;
  return new WarmDbt({ ...found, command: dbtCommand, adapter, env, most: os.availableParallelism() });
}
