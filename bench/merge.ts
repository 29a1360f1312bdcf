/** merge: 256 shards × 200 results each (synthetic, the shapes the runner writes), pure merge + render. */
import { mergeShardResults } from '../src/core/report/merge.js';
import { renderJunit } from '../src/core/report/junit.js';
import { renderSummary } from '../src/core/report/summary.js';
import { syntheticShards } from '../test/helpers/shard-fixtures.js';

export async function benchMerge(): Promise<void> {
  const { plan, inputs } = syntheticShards(256, 200);
  const mergeMs: number[] = [];
  const totalMs: number[] = [];
  let results = 0;
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    const report = mergeShardResults({
      plan,
      shards: inputs,
      generatedAt: '2024-01-01T00:00:00Z',
      invocationId: 'bench',
    });
    mergeMs.push(performance.now() - t0);
    renderSummary(report, { status: 'failure', fileOf: () => null, slowest: 10 });
    renderJunit(report, () => null);
    totalMs.push(performance.now() - t0);
    results = report.runResults.results.length;
  }
  const median = (xs: number[]): string => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!.toFixed(0);
  console.log('\n## merge: 256 shards × 200 results, target < 1 s (median of 5)\n');
  console.log('| results | merge ms | merge + summary.md + junit.xml ms |');
  console.log('|---|---:|---:|');
  console.log(`| ${results} | ${median(mergeMs)} | ${median(totalMs)} |`);
}
