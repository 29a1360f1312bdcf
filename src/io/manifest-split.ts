import { promises as fs } from 'node:fs';
import { JsonSectionSplitter } from '../core/manifest/json-sections.js';

/**
 * Streams a manifest through the splitter: the wanted sections whole, the entries of the node
 * sections one JSON text at a time, with only the fields normalisation reads. Shared
 * by the in-thread reader and the worker thread that splits while the main thread parses.
 */

/**
 * Sections holding selectable things (`functions`: dbt 1.11's user-defined functions, which
 * `dbt build` creates and models depend on); macros, docs, parent/child maps are never normalised.
 */
export const ENTRY_SECTIONS: ReadonlySet<string> = new Set([
  'nodes',
  'sources',
  'exposures',
  'unit_tests',
  'functions',
]);
export const WHOLE_SECTIONS: ReadonlySet<string> = new Set(['metadata', 'selectors']);
const CHUNK_BYTES = 1024 * 1024;

export interface SplitSink {
  /**
   * a whole section (`key` null) or one entry of a node section, as JSON text; for a node section
   * itself (`key` null) only `{}` or `[]`, telling what its value is before its entries come
   */
  (section: string, key: string | null, json: string): void;
}

/**
 * `keepEntryFields`: the entry fields to hand over (normalize.ts's ENTRY_FIELDS; passed in rather
 * than imported, so the worker bundle does not carry zod).
 */
export async function splitManifestFile(
  file: string,
  sink: SplitSink,
  keepEntryFields: ReadonlySet<string>,
): Promise<void> {
  const splitter = new JsonSectionSplitter({
    whole: WHOLE_SECTIONS,
    entries: ENTRY_SECTIONS,
    // SQL, docs, columns and the rest planning never reads stay out of JSON.parse
    keepEntryFields,
    onWhole: (section, json) => sink(section, null, json),
    onEntry: (section, key, json) => sink(section, key, json),
    // an entries section's own shape, as an empty container of it (the sink checks nodes is an object)
    onEntriesOpen: (section, kind) => sink(section, null, kind === 'object' ? '{}' : '[]'),
  });
  // two buffers: the next chunk is read (on libuv's thread pool) while this one is scanned, so the
  // scan never waits for the disk or the page cache, and no buffer is allocated per chunk
  const first = Buffer.allocUnsafe(CHUNK_BYTES);
  const second = Buffer.allocUnsafe(CHUNK_BYTES);
  const handle = await fs.open(file, 'r');
  let next = handle.read(first, 0, CHUNK_BYTES, null);
  try {
    for (;;) {
      const { bytesRead, buffer } = await next;
      if (bytesRead === 0) break;
      next = handle.read(buffer === first ? second : first, 0, CHUNK_BYTES, null);
      splitter.push(buffer.subarray(0, bytesRead));
    }
  } finally {
    await next.catch(() => undefined); // a read still under way must end before the file closes
    await handle.close();
  }
  splitter.end();
}
