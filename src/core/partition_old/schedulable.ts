import type { ManifestNode } from '../manifest/types.js';
import { EXECUTABLE_TYPES, isEnabled, isEphemeral, isTestLike } from '../manifest/types.js';

/**
 * Nodes a shard can run: enabled models (not ephemeral: dbt compiles those into their children),
 * seeds, snapshots, tests and unit tests. Sources, exposures, analyses and operations never are.
 */
export const isSchedulable = (n: ManifestNode): boolean =>
  EXECUTABLE_TYPES.has(n.resourceType) && isEnabled(n) && !isEphemeral(n);

export { isTestLike };
