import type { DbtGraph } from '../graph/graph.js';
import type { ManifestNode } from '../manifest/types.js';
import { SKIPS_DEPENDENTS, type KnownStatus } from '../report/status.js';

/**
 * What a sequential `dbt build` skips after some nodes failed — dbt-core's build task, in one
 * pure function, so the runner, `local` and the merge agree:
 *
 * - A failed (error, fail, partial success) model, seed or snapshot skips every node downstream
 *   of it: models, their tests and unit tests, exposures. Its own unit tests ran before it.
 * - A failed data test skips the *non-test* nodes downstream of all the nodes it tests, and
 *   everything downstream of those; the tested node's other tests still run, and so does an
 *   exposure that depends on the tested node directly. (dbt adds an edge from a test to every
 *   node whose ancestors include all the test's parents, and skips a failed node's descendants.)
 * - A failed unit test skips the model it tests and everything downstream of it.
 * - A model configured `on_error: continue` (dbt 1.12) skips nothing.
 *
 * Returns, for every node that would be skipped, the failed nodes that caused it (sorted). A
 * failed node is never listed as skipped by itself.
 */
export function skippedBy(graph: DbtGraph, failed: Iterable<string>): Map<string, string[]> {
  const causes = new Map<string, string[]>();
  const roots = [...new Set(failed)].sort();
  for (const root of roots) {
    for (const id of skipsOf(graph, root)) {
      if (id === root) continue;
      const list = causes.get(id);
      if (list) list.push(root);
      else causes.set(id, [root]);
    }
  }
  return causes;
}

/** The nodes one failed node skips (see skippedBy). Unknown ids skip what lies below them, as far as the graph knows. */
export function skipsOf(graph: DbtGraph, failedId: string): Set<string> {
  const node = graph.get(failedId);
  if (node?.resourceType === 'test') return skipsOfDataTest(graph, failedId);
  if (node?.resourceType === 'unit_test') {
    const model = testedModel(graph, node);
    if (model === null) return new Set();
    return withoutUnitTestsOf(graph, model, new Set([model, ...graph.reach([model], 'down')]));
  }
  if (node && node.resourceType === 'model' && node.config['on_error'] === 'continue') return new Set();
  return withoutUnitTestsOf(graph, failedId, graph.reach([failedId], 'down'));
}

/** Resource types dbt keeps in manifest.nodes besides tests: the only ones a test's extra edges reach. */
const TEST_EDGE_TARGETS: ReadonlySet<string> = new Set([
  'model',
  'seed',
  'snapshot',
  'analysis',
  'operation',
  'sql_operation',
]);

function skipsOfDataTest(graph: DbtGraph, testId: string): Set<string> {
  const tested = graph.parents(testId);
  if (tested.length === 0) return new Set();
  // nodes downstream of every tested node
  let common = graph.reach([tested[0]!], 'down');
  for (const p of tested.slice(1)) {
    const below = graph.reach([p], 'down');
    common = new Set([...common].filter((id) => below.has(id)));
  }
  const targets = [...common].filter((id) => TEST_EDGE_TARGETS.has(graph.get(id)?.resourceType ?? ''));
  const out = new Set(targets);
  for (const id of graph.reach(targets, 'down')) out.add(id);
  return out;
}

/** A unit test tests the first model it depends on (dbt: `depends_on.nodes[0]`). */
function testedModel(graph: DbtGraph, unitTest: ManifestNode): string | null {
  return unitTest.dependsOn.find((id) => graph.get(id)?.resourceType === 'model') ?? null;
}

/** A model's unit tests run before it: its failure never skips them. */
function withoutUnitTestsOf(graph: DbtGraph, model: string, skipped: Set<string>): Set<string> {
  for (const child of graph.children(model)) {
    const node = graph.get(child);
    if (node?.resourceType === 'unit_test' && testedModel(graph, node) === model) skipped.delete(child);
  }
  return skipped;
}

/** The results whose status makes dbt skip dependents (`skipped` passes a skip on, but never starts one). */
export function failedNodes(results: Iterable<{ unique_id: string; status: string }>): string[] {
  const out: string[] = [];
  for (const r of results)
    if (SKIPS_DEPENDENTS.has(r.status as KnownStatus) && r.status !== 'skipped') out.push(r.unique_id);
  return out;
}
