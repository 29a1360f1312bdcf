import { promises as fs } from 'node:fs';
import { UserError } from '../core/errors.js';
import { ENTRY_FIELDS, normalizeEntry, parseMetadata, parseSelectorsSection } from '../core/manifest/normalize.js';
import type { Manifest, ManifestMetadata, ManifestNode } from '../core/manifest/types.js';
import { ENTRY_SECTIONS, splitManifestFile, WHOLE_SECTIONS } from './manifest-split.js';
import { splitOnThread, SplitterThreadUnavailable } from './manifest-thread.js';

/**
 * Smaller files are parsed whole: one native JSON.parse beats the splitter's start-up on the
 * manifests most projects have. Larger ones are streamed (manifests reach hundreds
 * of MB, past what V8 can hold as one string) with memory near the largest node: split into
 * entries on a worker thread while this one parses them, or, from ONE_THREAD_FROM_BYTES (where
 * entries could pile up between the threads faster than they are parsed), on this thread alone.
 */
export const STREAM_FROM_BYTES = 32 * 2 ** 20;
export const ONE_THREAD_FROM_BYTES = 512 * 2 ** 20;

export interface ReadManifestOptions {
  /** stream files of at least this many bytes (tests set 0 to stream everything) */
  streamFromBytes?: number;
  /** split streamed files on a worker thread (when the bundle has one) below this size */
  oneThreadFromBytes?: number;
  /** told when the worker thread failed and this thread read the file alone */
  warn?: (message: string) => void;
}

/** Reads dbt's manifest.json, keeping only the normalised subset of each node. */
export async function readManifest(file: string, opts: ReadManifestOptions = {}): Promise<Manifest> {
  const size = await fileSize(file);
  const builder = new ManifestBuilder(file);
  try {
    if (size < (opts.streamFromBytes ?? STREAM_FROM_BYTES)) {
      builder.addDocument(JSON.parse(await fs.readFile(file, 'utf8')));
    } else if (
      size >= (opts.oneThreadFromBytes ?? ONE_THREAD_FROM_BYTES) ||
      !(await splitOnThreadInto(builder, file, opts.warn))
    ) {
      await splitManifestFile(file, builder.sink, ENTRY_FIELDS);
    }
  } catch (err) {
    if (err instanceof UserError) throw err;
    throw new UserError(`--manifest: ${file} is not valid JSON (${(err as Error).message})`);
  }
  return builder.result();
}

/** False when there is no worker bundle or the worker failed to run: the caller reads alone. */
async function splitOnThreadInto(
  builder: ManifestBuilder,
  file: string,
  warn?: (message: string) => void,
): Promise<boolean> {
  try {
    return await splitOnThread(file, builder.sink, ENTRY_FIELDS);
  } catch (err) {
    if (!(err instanceof SplitterThreadUnavailable)) throw err;
    builder.reset(); // what arrived before the thread failed is read again
    warn?.(
      `--manifest: the thread that splits large manifests could not run (${err.message}); reading ${file} on one thread`,
    );
    return false;
  }
}

/** Collects sections and entries the same way whichever path read them. */
class ManifestBuilder {
  private metadata: ManifestMetadata | null = null;
  private selectors: Record<string, unknown> = {};
  private readonly nodes = new Map<string, ManifestNode>();
  /** what each node section's value was: an object, a list; absent when missing or a scalar */
  private readonly sectionShapes = new Map<string, 'object' | 'array'>();

  constructor(private readonly file: string) {}

  /** Takes one piece the splitter found: a whole section (key null) or an entry. */
  readonly sink = (section: string, key: string | null, json: string): void => {
    if (key === null) this.addSection(section, JSON.parse(json));
    else this.addEntry(section, key, JSON.parse(json));
  };

  /** Forgets what was read, for a second attempt on another path. */
  reset(): void {
    this.metadata = null;
    this.selectors = {};
    this.nodes.clear();
    this.sectionShapes.clear();
  }

  addDocument(doc: unknown): void {
    if (typeof doc !== 'object' || doc === null || Array.isArray(doc)) return;
    const sections = doc as Record<string, unknown>;
    // a section that is not an object or list counts as missing, as it does when streamed
    for (const section of WHOLE_SECTIONS)
      if (typeof sections[section] === 'object' && sections[section] !== null)
        this.addSection(section, sections[section]);
    for (const section of ENTRY_SECTIONS) {
      const entries = sections[section];
      if (typeof entries !== 'object' || entries === null) continue;
      this.sectionShapes.set(section, Array.isArray(entries) ? 'array' : 'object');
      if (Array.isArray(entries)) continue;
      for (const [key, value] of Object.entries(entries)) this.addEntry(section, key, value);
    }
  }

  addSection(section: string, value: unknown): void {
    if (ENTRY_SECTIONS.has(section)) this.sectionShapes.set(section, Array.isArray(value) ? 'array' : 'object');
    else if (section === 'metadata') this.metadata = parseMetadata(value, this.file);
    else this.selectors = parseSelectorsSection(value, this.file);
  }

  addEntry(section: string, key: string, value: unknown): void {
    const node = normalizeEntry(value, section, key, this.file);
    this.nodes.set(node.uniqueId, node);
  }

  /**
   * The same checks whichever path read the file: `nodes` must be an object (dbt writes one even
   * for an empty project; without it a plan would silently hold nothing), and no node section may
   * be a list.
   */
  result(): Manifest {
    if (this.metadata === null)
      throw new UserError(`--manifest: ${this.file} has no "metadata" object; expected dbt's target/manifest.json`);
    if (this.sectionShapes.get('nodes') !== 'object') {
      throw new UserError(
        `--manifest: ${this.file} has no "nodes" object (${this.sectionShapes.get('nodes') === 'array' ? 'it is a list' : 'missing or not an object'}); expected dbt's target/manifest.json`,
      );
    }
    for (const [section, shape] of this.sectionShapes) {
      if (shape === 'array')
        throw new UserError(
          `--manifest: ${this.file} has "${section}" as a list; expected an object keyed by unique id, as dbt writes it`,
        );
    }
    return { metadata: this.metadata, nodes: this.nodes, selectors: this.selectors };
  }
}

async function fileSize(file: string): Promise<number> {
  let st;
  try {
    st = await fs.stat(file);
  } catch (err) {
    throw new UserError(
      `--manifest: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? String(err)}); expected dbt's target/manifest.json`,
    );
  }
  if (!st.isFile()) throw new UserError(`--manifest: ${file} is not a file; expected dbt's target/manifest.json`);
  return st.size;
}
