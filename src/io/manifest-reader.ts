import { createReadStream, promises as fs } from 'node:fs';
import { UserError } from '../core/errors.js';
import { JsonSectionSplitter } from '../core/manifest/json-sections.js';
import { normalizeEntry, parseMetadata, parseSelectorsSection } from '../core/manifest/normalize.js';
import type { Manifest, ManifestMetadata, ManifestNode } from '../core/manifest/types.js';

/** Sections holding selectable things; macros, docs, parent/child maps are never normalised. */
const ENTRY_SECTIONS = new Set(['nodes', 'sources', 'exposures', 'unit_tests']);
const WHOLE_SECTIONS = new Set(['metadata', 'selectors']);
/** Entry fields that hold most of a manifest's bytes and that planning never reads. */
const DROPPED_FIELDS = new Set(['raw_code', 'compiled_code', 'raw_sql', 'compiled_sql', 'description', 'columns', 'extra_ctes', 'docs', 'doc_blocks']);
const CHUNK_BYTES = 1024 * 1024;
/**
 * Smaller files are parsed whole: one native JSON.parse beats the splitter's start-up on the
 * manifests most projects have. Larger ones are streamed (DESIGN §5: manifests reach hundreds
 * of MB, past what V8 can hold as one string) with memory near the largest node.
 */
export const STREAM_FROM_BYTES = 32 * 2 ** 20;

export interface ReadManifestOptions {
  /** stream files of at least this many bytes (tests set 0 to stream everything) */
  streamFromBytes?: number;
}

/** Reads dbt's manifest.json, keeping only the normalised subset of each node. */
export async function readManifest(file: string, opts: ReadManifestOptions = {}): Promise<Manifest> {
  const size = await fileSize(file);
  const builder = new ManifestBuilder(file);
  try {
    if (size < (opts.streamFromBytes ?? STREAM_FROM_BYTES)) builder.addDocument(JSON.parse(await fs.readFile(file, 'utf8')));
    else await streamInto(builder, file);
  } catch (err) {
    if (err instanceof UserError) throw err;
    throw new UserError(`--manifest: ${file} is not valid JSON (${(err as Error).message})`);
  }
  return builder.result();
}

async function streamInto(builder: ManifestBuilder, file: string): Promise<void> {
  const splitter = new JsonSectionSplitter({
    whole: WHOLE_SECTIONS,
    entries: ENTRY_SECTIONS,
    dropEntryFields: DROPPED_FIELDS,
    onWhole: (section, json) => builder.addSection(section, JSON.parse(json)),
    onEntry: (section, key, json) => builder.addEntry(section, key, JSON.parse(json)),
  });
  for await (const chunk of createReadStream(file, { highWaterMark: CHUNK_BYTES })) splitter.push(chunk as Buffer);
  splitter.end();
}

/** Collects sections and entries the same way whichever path read them. */
class ManifestBuilder {
  private metadata: ManifestMetadata | null = null;
  private selectors: Record<string, unknown> = {};
  private readonly nodes = new Map<string, ManifestNode>();

  constructor(private readonly file: string) {}

  addDocument(doc: unknown): void {
    if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return;
    const sections = doc as Record<string, unknown>;
    for (const section of WHOLE_SECTIONS) if (section in sections) this.addSection(section, sections[section]);
    for (const section of ENTRY_SECTIONS) {
      const entries = sections[section];
      if (typeof entries !== 'object' || entries === null) continue;
      for (const [key, value] of Object.entries(entries)) this.addEntry(section, key, value);
    }
  }

  addSection(section: string, value: unknown): void {
    if (section === 'metadata') this.metadata = parseMetadata(value, this.file);
    else this.selectors = parseSelectorsSection(value, this.file);
  }

  addEntry(section: string, key: string, value: unknown): void {
    const node = normalizeEntry(value, section, key, this.file);
    this.nodes.set(node.uniqueId, node);
  }

  result(): Manifest {
    if (this.metadata === null) throw new UserError(`--manifest: ${this.file} has no "metadata" object; expected dbt's target/manifest.json`);
    return { metadata: this.metadata, nodes: this.nodes, selectors: this.selectors };
  }
}

async function fileSize(file: string): Promise<number> {
  let st;
  try {
    st = await fs.stat(file);
  } catch (err) {
    throw new UserError(`--manifest: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? String(err)}); expected dbt's target/manifest.json`);
  }
  if (!st.isFile()) throw new UserError(`--manifest: ${file} is not a file; expected dbt's target/manifest.json`);
  return st.size;
}
