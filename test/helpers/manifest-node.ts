import type { ManifestNode } from '../../src/core/manifest/types.js';

/** A manifest node for graph tests: `model.p.x` is a model (the id's first part is its resource type). */
export function node(
  uniqueId: string,
  deps: string[] = [],
  config: Record<string, unknown> = {},
  packageName = 'p',
): ManifestNode {
  return {
    uniqueId,
    resourceType: uniqueId.split('.')[0]!,
    name: uniqueId,
    packageName,
    fqn: [uniqueId],
    path: '',
    originalFilePath: '',
    tags: [],
    config,
    dependsOn: deps,
    checksum: null,
    testMetadata: null,
    sourceName: null,
    relationName: null,
  };
}
