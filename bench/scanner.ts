/**
 * scanner: the manifest splitter's WebAssembly scanner against the one at another revision
 * (BENCH_SCANNER_AGAINST, default main; the commit a branch started from when main is behind), side by side in one process: CPU time of the splitter
 * alone (the file's bytes pushed in 1 MiB chunks from memory) and of the whole streamed
 * readManifest (one thread), on generated manifests of short strings (most bytes outside strings:
 * the grammar's worst case) and of long SQL. Rounds alternate old and new so load on the machine
 * moves both alike; the table gives each side's median and the median of the per-round ratios.
 * The other revision's src/ is unpacked under .work/ (gitignored) so it resolves the same packages.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { JsonSectionSplitter } from '../src/core/manifest/json-sections.js';
import { readManifest } from '../src/io/manifest-reader.js';
import { generateManifest } from './generate-manifest.js';

type Splitter = typeof JsonSectionSplitter;
type Read = typeof readManifest;
interface Side {
  name: string;
  Splitter: Splitter;
  read: Read;
}

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const ROUNDS = Number(process.env['BENCH_SCANNER_ROUNDS'] ?? 11);
const CHUNK = 1 << 20;

async function sideAt(rev: string): Promise<Side> {
  const dir = path.join(root, '.work', `bench-scanner-${rev.replace(/\W/g, '_')}`);
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const tar = execFileSync('git', ['-C', root, 'archive', '--format=tar', rev, 'src'], { maxBuffer: 1 << 30 });
  execFileSync('tar', ['-x', '-C', dir], { input: tar });
  const sections = (await import(path.join(dir, 'src/core/manifest/json-sections.ts'))) as {
    JsonSectionSplitter: Splitter;
  };
  const reader = (await import(path.join(dir, 'src/io/manifest-reader.ts'))) as { readManifest: Read };
  return { name: rev, Splitter: sections.JsonSectionSplitter, read: reader.readManifest };
}

/** CPU milliseconds (user + system) `work` takes. */
async function cpuMs(work: () => unknown): Promise<number> {
  const t0 = process.cpuUsage();
  await work();
  const t = process.cpuUsage(t0);
  return (t.user + t.system) / 1000;
}

function splitAll(Splitter: Splitter, bytes: Buffer): number {
  let entries = 0;
  const s = new Splitter({
    whole: new Set(['metadata']),
    entries: new Set(['nodes', 'sources']),
    keepEntryFields: new Set(['name', 'depends_on', 'config']),
    onWhole: () => undefined,
    onEntry: () => entries++,
  });
  for (let at = 0; at < bytes.length; at += CHUNK) s.push(bytes.subarray(at, at + CHUNK));
  s.end();
  return entries;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export async function benchScanner(tmp: string): Promise<void> {
  const against = process.env['BENCH_SCANNER_AGAINST'] ?? 'main';
  const sides: Side[] = [
    await sideAt(against),
    { name: 'this tree', Splitter: JsonSectionSplitter, read: readManifest },
  ];
  console.log(
    `\n## scanner: ${sides[0]!.name} (old) vs ${sides[1]!.name} (new), CPU ms, medians of ${ROUNDS} alternating rounds\n`,
  );
  // the fastest sample of each side is the one least slowed by other work on the machine
  console.log(
    '| manifest | MiB | part | old ms | new ms | new ÷ old (median of rounds) | min–max of rounds | new fastest ÷ old fastest |',
  );
  console.log('|---|---:|---|---:|---:|---:|---|---:|');
  for (const [label, opts] of [
    ['short strings', { models: 12000, padBytes: 60, macros: 200 }],
    ['long SQL', { models: 6000, padBytes: 2300 }],
  ] as const) {
    const file = path.join(tmp, `${label.replace(/\W/g, '-')}.json`);
    const { bytes } = await generateManifest(file, opts);
    const text = readFileSync(file);
    const ms: Record<'split' | 'read', number[][]> = { split: [[], []], read: [[], []] };
    for (let round = 0; round < ROUNDS; round++) {
      // alternate which side goes first, so neither always runs on a warmer machine
      const order = round % 2 === 0 ? [0, 1] : [1, 0];
      for (const k of order) {
        const side = sides[k]!;
        // three passes a sample: one takes a tenth of a second, too short to time under load
        ms.split[k]!.push(await cpuMs(() => [1, 2, 3].map(() => splitAll(side.Splitter, text))));
        ms.read[k]!.push(await cpuMs(() => side.read(file, { streamFromBytes: 0, oneThreadFromBytes: 0 })));
      }
    }
    for (const part of ['split', 'read'] as const) {
      const [old, neu] = ms[part] as [number[], number[]];
      const ratios = neu.map((n, k) => n / old[k]!);
      const what = part === 'split' ? 'splitter alone' : 'streamed readManifest';
      console.log(
        `| ${label} | ${(bytes / 2 ** 20).toFixed(0)} | ${what} | ${median(old).toFixed(0)} | ${median(neu).toFixed(0)} | ${median(ratios).toFixed(3)} | ${Math.min(...ratios).toFixed(2)}–${Math.max(...ratios).toFixed(2)} | ${(Math.min(...neu) / Math.min(...old)).toFixed(3)} |`,
      );
    }
  }
}
