import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker, type MessagePort } from 'node:worker_threads';
import { splitManifestFile, type SplitSink } from './manifest-split.js';

/**
 * Splitting a large manifest into entries and parsing the entries take about as long as each
 * other, so a worker thread splits while this thread parses: the worker posts the entries' JSON
 * texts in batches (strings are cheap to pass between threads; parsed objects are not, which is
 * why the parsing stays here). Entries arrive in file order.
 */

type Batch = { kind: 'batch'; sections: string[]; keys: Array<string | null>; texts: string[] };
type Message = Batch | { kind: 'done' } | { kind: 'error'; message: string };
export interface SplitterThreadRequest {
  file: string;
  keepEntryFields: string[];
}

const BATCH_ENTRIES = 512;

/** The worker's side: splits `file`, posting batches, then `done` or the error that stopped it. */
export async function runSplitterThread(
  port: MessagePort,
  { file, keepEntryFields }: SplitterThreadRequest,
): Promise<void> {
  // stay alive until the reader terminates this thread: an exit then always means a failure and
  // never races the delivery of the last message
  port.on('message', () => undefined);
  let batch: Batch = { kind: 'batch', sections: [], keys: [], texts: [] };
  const flush = (): void => {
    if (batch.texts.length > 0) port.postMessage(batch);
    batch = { kind: 'batch', sections: [], keys: [], texts: [] };
  };
  try {
    const sink = (section: string, key: string | null, json: string): void => {
      batch.sections.push(section);
      batch.keys.push(key);
      batch.texts.push(json);
      if (batch.texts.length >= BATCH_ENTRIES) flush();
    };
    await splitManifestFile(file, sink, new Set(keepEntryFields));
    flush();
    port.postMessage({ kind: 'done' } satisfies Message);
  } catch (err) {
    flush();
    port.postMessage({ kind: 'error', message: (err as Error).message } satisfies Message);
  }
}

/** The thread could not run (missing bundle, crash): not a fault of the file. */
export class SplitterThreadUnavailable extends Error {}

/**
 * This thread's side: hands each entry the worker split to `sink`, in file order. Rejects with the
 * worker's own error (a broken file) or with whatever `sink` throws, and with
 * SplitterThreadUnavailable when the worker itself failed; resolves false when there is no worker
 * bundle beside this one (running from source: tests read on one thread).
 */
export async function splitOnThread(
  file: string,
  sink: SplitSink,
  keepEntryFields: ReadonlySet<string>,
): Promise<boolean> {
  const script = workerBundle();
  if (script === null) return false;
  const worker = new Worker(script, {
    workerData: { file, keepEntryFields: [...keepEntryFields] } satisfies SplitterThreadRequest,
  });
  try {
    await new Promise<void>((resolve, reject) => {
      worker.on('message', (m: Message) => {
        try {
          if (m.kind === 'batch')
            for (let i = 0; i < m.texts.length; i++) sink(m.sections[i]!, m.keys[i]!, m.texts[i]!);
          else if (m.kind === 'done') resolve();
          else reject(new Error(m.message));
        } catch (err) {
          reject(err);
        }
      });
      worker.once('error', (err) => reject(new SplitterThreadUnavailable(err.message)));
      worker.once('exit', (code) =>
        reject(new SplitterThreadUnavailable(`the splitter thread stopped early (exit code ${code})`)),
      );
    });
    return true;
  } finally {
    worker.removeAllListeners();
    void worker.terminate();
  }
}

/** dist/manifest-worker/index.js, beside the bundle this code runs from (dist/plan, dist/cli...). */
function workerBundle(): string | null {
  const file = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'manifest-worker', 'index.js');
  return existsSync(file) ? file : null;
}
