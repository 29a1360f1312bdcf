import { createReadStream, promises as fs } from 'node:fs';
import { UserError } from '../core/errors.js';
import { JsonSectionSplitter } from '../core/manifest/json-sections.js';
import { normalizeEntry, parseMetadata, parseSelectorsSection } from '../core/manifest/normalize.js';
import type { Manifest, ManifestMetadata, ManifestNode } from '../core/manifest/types.js';

/** Sections holding selectable things; macros, docs, parent/child maps are skipped unread. */
const ENTRY_SECTIONS = new Set(['nodes', 'sources', 'exposures', 'unit_tests']);
const CHUNK_BYTES = 1024 * 1024;

/**
 * Reads dbt's manifest.json as a stream (DESIGN §5: manifests reach hundreds of MB, past what
 * V8 can hold as one string), keeping only the normalised subset of each node.
 */
export async function readManifest(file: string): Promise<Manifest> {
  await assertReadable(file);
  let metadata: ManifestMetadata | null = null;
  const nodes = new Map<string, ManifestNode>();
  let selectors: Record<string, unknown> = {};
  const splitter = new JsonSectionSplitter({
    whole: new Set(['metadata', 'selectors']),
    entries: ENTRY_SECTIONS,
    onWhole: (section, json) => {
      if (section === 'metadata') metadata = parseMetadata(json, file);
      else selectors = parseSelectorsSection(json, file);
    },
    onEntry: (section, key, json) => {
      const node = normalizeEntry(json, section, key, file);
      nodes.set(node.uniqueId, node);
    },
  });
  try {
    for await (const chunk of createReadStream(file, { highWaterMark: CHUNK_BYTES })) {
      splitter.push(chunk as Buffer);
    }
    splitter.end();
  } catch (err) {
    if (err instanceof UserError) throw err;
    throw new UserError(`--manifest: ${file} is not valid JSON (${(err as Error).message})`);
  }
  if (metadata === null) throw new UserError(`--manifest: ${file} has no "metadata" object; expected dbt's target/manifest.json`);
  return { metadata, nodes, selectors };
}

async function assertReadable(file: string): Promise<void> {
  try {
    const st = await fs.stat(file);
    if (!st.isFile()) throw new UserError(`--manifest: ${file} is not a file; expected dbt's target/manifest.json`);
  } catch (err) {
    if (err instanceof UserError) throw err;
    throw new UserError(`--manifest: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? String(err)}); expected dbt's target/manifest.json`);
  }
}
