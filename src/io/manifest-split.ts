import { createReadStream } from 'node:fs';
import { JsonSectionSplitter } from '../core/manifest/json-sections.js';

/**
 * Streams a manifest through the splitter: the wanted sections whole, the entries of the node
 * sections one JSON text at a time, the bytes planning never reads (SQL, docs) left out. Shared
 * by the in-thread reader and the worker thread that splits while the main thread parses.
 */

/** Sections holding selectable things; macros, docs, parent/child maps are never normalised. */
export const ENTRY_SECTIONS: ReadonlySet<string> = new Set(['nodes', 'sources', 'exposures', 'unit_tests']);
export const WHOLE_SECTIONS: ReadonlySet<string> = new Set(['metadata', 'selectors']);
/** Entry fields that hold most of a manifest's bytes and that planning never reads. */
const DROPPED_FIELDS = new Set(['raw_code', 'compiled_code', 'raw_sql', 'compiled_sql', 'description', 'columns', 'extra_ctes', 'docs', 'doc_blocks']);
const CHUNK_BYTES = 1024 * 1024;

export interface SplitSink {
  /** a whole section (`key` null) or one entry of a node section, as JSON text */
  (section: string, key: string | null, json: string): void;
}

export async function splitManifestFile(file: string, sink: SplitSink): Promise<void> {
  const splitter = new JsonSectionSplitter({
    whole: WHOLE_SECTIONS,
    entries: ENTRY_SECTIONS,
    dropEntryFields: DROPPED_FIELDS,
    onWhole: (section, json) => sink(section, null, json),
    onEntry: (section, key, json) => sink(section, key, json),
  });
  for await (const chunk of createReadStream(file, { highWaterMark: CHUNK_BYTES })) splitter.push(chunk as Buffer);
  splitter.end();
}
