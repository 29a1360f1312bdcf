/** Worker thread entry (dist/manifest-worker): splits a large manifest for the reader (src/io/manifest-thread.ts). */
import { parentPort, workerData } from 'node:worker_threads';
import { runSplitterThread, type SplitterThreadRequest } from '../io/manifest-thread.js';

await runSplitterThread(parentPort!, workerData as SplitterThreadRequest);
