/**
 * Splits a large JSON object (dbt's manifest.json) into pieces without materialising it:
 * `whole` top-level sections (e.g. `metadata`) are handed over as one JSON text, `entries`
 * sections (e.g. `nodes`) one entry at a time as (key, JSON text); everything else (macros, docs,
 * parent_map...) is scanned and dropped. Entry fields named in `dropEntryFields` (raw and compiled
 * SQL, descriptions, columns: most of a manifest's bytes) reach the handler as `null`, so
 * JSON.parse never builds the large strings nobody reads.
 *
 * Why not a streaming JSON library: those tokenise every character in JavaScript, several times
 * slower than V8's native JSON.parse. This only finds entry boundaries (jumping over strings with
 * the native Buffer.indexOf) and lets JSON.parse do the parsing one entry at a time, so memory
 * stays near the size of the largest entry while speed stays close to JSON.parse of the file.
 *
 * Pure: bytes in, callbacks out; the caller does the reading.
 */
export interface SectionHandlers {
  whole: ReadonlySet<string>;
  entries: ReadonlySet<string>;
  /** top-level fields of an entry whose string, object or array value is replaced by null */
  dropEntryFields?: ReadonlySet<string>;
  onWhole(section: string, json: string): void;
  onEntry(section: string, key: string, json: string): void;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_OBJ = 0x7b;
const CLOSE_OBJ = 0x7d;
const OPEN_ARR = 0x5b;
const CLOSE_ARR = 0x5d;
const COLON = 0x3a;
const COMMA = 0x2c;
const NULL_JSON = Buffer.from('null');
/** depth inside an entry's object (root 1, section 2, entry 3) */
const FIELD_DEPTH = 3;

const isSpace = (c: number): boolean => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

export class JsonSectionSplitter {
  private depth = 0;
  private rootSeen = false;
  /** opening bracket of the container whose inside is depth k+1 */
  private readonly kinds: number[] = [];
  /** per depth (1..3): is the next string an object key? */
  private readonly expectKey = [false, false, false, false];
  private inString = false;
  /** backslashes that ended the previous chunk inside a string */
  private carryBackslashes = 0;
  private key: { parts: Buffer[]; start: number } | null = null;
  private sectionKey: string | null = null;
  private entryKey: string | null = null;
  /** depth whose value is being captured (1 = whole section, 2 = entry), 0 = none */
  private captureDepth = 0;
  private captureParts: Buffer[] = [];
  /** where the current chunk's captured bytes start; -1 while a dropped value is skipped */
  private captureStart = -1;
  private readonly dropKeys: Buffer[];
  /** start of an entry field's key in the current chunk, while that key is being read */
  private fieldKeyStart = -1;
  /** the field just read is dropped: its value, when it starts, is replaced by null */
  private dropNext = false;
  /** the dropped value being skipped: a string, or a container closing back to FIELD_DEPTH */
  private dropping: 'string' | 'container' | null = null;

  constructor(private readonly h: SectionHandlers) {
    this.dropKeys = [...(h.dropEntryFields ?? [])].map((k) => Buffer.from(k));
  }

  push(chunk: Buffer): void {
    if (this.captureDepth > 0 && this.dropping === null) this.captureStart = 0;
    if (this.key) this.key.start = 0;
    let i = 0;
    const n = chunk.length;
    while (i < n) {
      if (this.inString) {
        i = this.skipString(chunk, i);
        continue;
      }
      const c = chunk[i]!;
      if (this.dropNext && c !== COLON && !isSpace(c)) this.startDrop(chunk, c, i);
      if (c === QUOTE) this.beginString(i + 1);
      else if (c === OPEN_OBJ || c === OPEN_ARR) this.open(c, i);
      else if (c === CLOSE_OBJ || c === CLOSE_ARR) this.close(chunk, i);
      else if (c === COLON && this.depth <= FIELD_DEPTH) this.expectKey[this.depth] = false;
      else if (c === COMMA && this.depth <= FIELD_DEPTH) this.expectKey[this.depth] = this.kinds[this.depth - 1] === OPEN_OBJ;
      i++;
    }
    if (this.captureDepth > 0 && this.captureStart >= 0) this.captureParts.push(chunk.subarray(this.captureStart));
    if (this.key) this.key.parts.push(chunk.subarray(this.key.start));
    this.fieldKeyStart = -1; // a field name split across chunks is simply kept
  }

  /** Call after the last chunk: a file that stops early is an error, not a smaller manifest. */
  end(): void {
    if (!this.rootSeen || this.depth !== 0 || this.inString) {
      throw new Error('the JSON ends early (truncated file?)');
    }
  }

  private beginString(contentStart: number): void {
    this.inString = true;
    this.carryBackslashes = 0;
    if (this.depth >= 1 && this.depth <= 2 && this.expectKey[this.depth]) {
      this.key = { parts: [], start: contentStart };
    } else if (this.depth === FIELD_DEPTH && this.captureDepth === 2 && this.expectKey[FIELD_DEPTH] && this.dropKeys.length > 0) {
      this.fieldKeyStart = contentStart;
    }
  }

  /** Jumps to the closing quote; returns the index after it, or the chunk's end. */
  private skipString(chunk: Buffer, from: number): number {
    let i = from;
    for (;;) {
      const q = chunk.indexOf(QUOTE, i);
      if (q < 0) {
        this.carryBackslashes = trailingBackslashes(chunk, chunk.length, from === 0 ? this.carryBackslashes : 0);
        return chunk.length;
      }
      const carry = from === 0 ? this.carryBackslashes : 0;
      if (trailingBackslashes(chunk, q, carry) % 2 === 0) {
        this.inString = false;
        this.carryBackslashes = 0;
        if (this.key) this.finishKey(chunk, q);
        else if (this.fieldKeyStart >= 0) this.finishFieldKey(chunk, q);
        else if (this.dropping === 'string') this.endDrop(q + 1);
        return q + 1;
      }
      i = q + 1;
    }
  }

  private finishKey(chunk: Buffer, quoteAt: number): void {
    const k = this.key!;
    k.parts.push(chunk.subarray(k.start, quoteAt));
    this.key = null;
    const raw = Buffer.concat(k.parts).toString('utf8');
    const key = raw.includes('\\') ? (JSON.parse(`"${raw}"`) as string) : raw;
    if (this.depth === 1) this.sectionKey = key;
    else this.entryKey = key;
  }

  /** Compares the field name in place (no string is made for the many fields that are kept). */
  private finishFieldKey(chunk: Buffer, quoteAt: number): void {
    const start = this.fieldKeyStart;
    this.fieldKeyStart = -1;
    const len = quoteAt - start;
    const first = chunk[start];
    const last = chunk[quoteAt - 1];
    // cheap byte checks first: a native compare per field of every node is what this loop costs most
    this.dropNext = this.dropKeys.some((k) => k.length === len && k[0] === first && k[len - 1] === last && chunk.compare(k, 0, len, start, quoteAt) === 0);
  }

  /** The value of a dropped field starts at `i`: strings and containers become null, scalars stay. */
  private startDrop(chunk: Buffer, c: number, i: number): void {
    this.dropNext = false;
    if (c !== QUOTE && c !== OPEN_OBJ && c !== OPEN_ARR) return;
    if (this.captureStart >= 0) this.captureParts.push(chunk.subarray(this.captureStart, i));
    this.captureParts.push(NULL_JSON);
    this.captureStart = -1;
    this.dropping = c === QUOTE ? 'string' : 'container';
  }

  private endDrop(resumeAt: number): void {
    this.dropping = null;
    this.captureStart = resumeAt;
  }

  private open(c: number, i: number): void {
    this.rootSeen = true;
    const section = this.sectionKey;
    if (this.captureDepth === 0 && section !== null) {
      if (this.depth === 1 && this.h.whole.has(section)) this.startCapture(1, i);
      else if (this.depth === 2 && this.h.entries.has(section)) this.startCapture(2, i);
    }
    this.kinds[this.depth] = c;
    this.depth++;
    if (this.depth <= FIELD_DEPTH) this.expectKey[this.depth] = c === OPEN_OBJ;
  }

  private close(chunk: Buffer, i: number): void {
    this.depth--;
    if (this.depth < 0) throw new Error('malformed JSON: a closing bracket without an opening one');
    if (this.dropping === 'container' && this.depth === FIELD_DEPTH) this.endDrop(i + 1);
    else if (this.captureDepth > 0 && this.depth === this.captureDepth) {
      const last = chunk.subarray(this.captureStart, i + 1);
      // most entries sit inside one chunk: decode in place instead of copying
      const json = this.captureParts.length === 0 ? last.toString('utf8') : Buffer.concat([...this.captureParts, last]).toString('utf8');
      const depth = this.captureDepth;
      this.captureDepth = 0;
      this.captureParts = [];
      if (depth === 1) this.h.onWhole(this.sectionKey!, json);
      else this.h.onEntry(this.sectionKey!, this.entryKey!, json);
    }
  }

  private startCapture(depth: number, i: number): void {
    this.captureDepth = depth;
    this.captureParts = [];
    this.captureStart = i;
  }
}

/** Backslashes right before `end`; `carry` continues a run that began in the previous chunk. */
function trailingBackslashes(chunk: Buffer, end: number, carry: number): number {
  let k = 0;
  let j = end - 1;
  while (j >= 0 && chunk[j] === BACKSLASH) {
    k++;
    j--;
  }
  return j < 0 ? k + carry : k;
}
