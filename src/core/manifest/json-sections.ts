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
 * the native String indexOf) and lets JSON.parse do the parsing one entry at a time, so memory
 * stays near the size of the largest entry, and the bytes of dropped fields are never parsed.
 *
 * The scan loop is one method with the depth in a local: it runs once per bracket, comma and
 * string of the file (millions), so everything that happens only at depth ≤ 3 is kept out of it.
 *
 * Pure: bytes in, callbacks out; the caller does the reading.
 */
import { isAscii } from 'node:buffer';

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
/** depth inside an entry's object (root 1, section 2, entry 3) */
const FIELD_DEPTH = 3;

const isSpace = (c: number): boolean => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

/** what a string at depth ≤ 3 means to the splitter; deeper strings are only skipped */
const enum Role {
  Plain,
  /** a section name (depth 1) or an entry key (depth 2) */
  Key,
  /** the value of a dropped field */
  Dropped,
}

export class JsonSectionSplitter {
  private depth = 0;
  private rootSeen = false;
  /** opening bracket of the container whose inside is depth k+1 (k < FIELD_DEPTH) */
  private readonly kinds: number[] = [0, 0, 0];
  /** per depth (1..3): is the next string an object key? */
  private readonly expectKey = [false, false, false, false];
  /** the current chunk decoded as latin1: one character per byte, so string indices are byte offsets */
  private text = '';
  /** a string continues from the previous chunk, with this role */
  private inString = false;
  private stringRole = Role.Plain;
  /** the previous chunk ended inside a string with an odd run of backslashes */
  private escapeCarry = false;
  /** bytes of a section or entry key read so far, when it spans chunks */
  private keyParts: Buffer[] = [];
  private sectionKey: string | null = null;
  private entryKey: string | null = null;
  /** depth whose value is being captured (1 = whole section, 2 = entry), 0 = none */
  private captureDepth = 0;
  /** captured text so far: decoded pieces, and the bytes that ended the previous chunk */
  private captureParts: string[] = [];
  private captureTail: Buffer[] = [];
  /** the current chunk is ASCII: its latin1 text is its UTF-8 text, and pieces are slices of it */
  private ascii = false;
  /** where the current chunk's captured bytes start; -1 while a dropped value is skipped */
  private captureStart = -1;
  private readonly dropKeys: string[];
  /** bit k set: some dropped field name has k characters (most field names are ruled out by this) */
  private readonly dropLengths: number;
  /** some dropped field name is too long for the bits: names that long are always compared */
  private readonly longDropKeys: boolean;
  /** the field just read is dropped: its value, when it starts, is replaced by null */
  private dropNext = false;
  /** a dropped container value is being skipped until it closes back to FIELD_DEPTH */
  private droppingContainer = false;

  constructor(private readonly h: SectionHandlers) {
    this.dropKeys = [...(h.dropEntryFields ?? [])];
    this.dropLengths = this.dropKeys.reduce((bits, k) => (k.length < 31 ? bits | (1 << k.length) : bits), 0);
    this.longDropKeys = this.dropKeys.some((k) => k.length >= 31);
  }

  push(chunk: Buffer): void {
    // String builtins (indexOf, charCodeAt, startsWith) cost a fraction of Buffer's per call, and
    // a manifest has millions of strings; bytes ≥ 0x80 only ever occur inside strings, and
    // captured entries are still decoded from the bytes as UTF-8.
    const text = (this.text = chunk.toString('latin1'));
    this.ascii = isAscii(chunk);
    const n = text.length;
    if (this.captureDepth > 0 && !this.droppingContainer && !(this.inString && this.stringRole === Role.Dropped)) this.captureStart = 0;
    let i = this.inString ? this.resumeString(chunk) : 0;
    let depth = this.depth;
    const kinds = this.kinds;
    const expectKey = this.expectKey;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (this.dropNext && c !== COLON && !isSpace(c)) this.startDrop(chunk, c, i);
      if (c === QUOTE) {
        const fieldLevel = depth === FIELD_DEPTH && this.captureDepth === 2 && this.captureStart >= 0;
        if (depth <= FIELD_DEPTH && !fieldLevel) {
          i = this.shallowString(chunk, i + 1, depth);
          continue;
        }
        // most strings: values inside entries and anywhere else, only skipped; of an entry's field
        // names, only those as long as a dropped one are compared (one split across chunks is kept)
        const q = closingQuote(text, i + 1, 0);
        if (q < 0) {
          i = this.stringContinues(Role.Plain, i + 1);
          continue;
        }
        const len = q - i - 1;
        if (fieldLevel && expectKey[FIELD_DEPTH] && (len < 31 ? ((this.dropLengths >> len) & 1) === 1 : this.longDropKeys)) this.fieldKeyEnded(i + 1, q);
        i = q + 1;
        continue;
      }
      if (c === OPEN_OBJ || c === OPEN_ARR) {
        if (depth <= 2) this.opening(depth, i);
        if (depth < FIELD_DEPTH) kinds[depth] = c;
        depth++;
        if (depth <= FIELD_DEPTH) expectKey[depth] = c === OPEN_OBJ;
      } else if (c === CLOSE_OBJ || c === CLOSE_ARR) {
        depth--;
        if (depth < 0) throw new Error('malformed JSON: a closing bracket without an opening one');
        if (depth <= FIELD_DEPTH) this.closed(chunk, depth, i);
      } else if (depth <= FIELD_DEPTH) {
        if (c === COLON) expectKey[depth] = false;
        else if (c === COMMA) expectKey[depth] = kinds[depth - 1] === OPEN_OBJ;
      }
      i++;
    }
    this.depth = depth;
    // a multi-byte character may straddle chunks: the tail is decoded together with what follows
    if (this.captureDepth > 0 && this.captureStart >= 0) this.captureTail.push(chunk.subarray(this.captureStart));
  }

  /** Call after the last chunk: a file that stops early is an error, not a smaller manifest. */
  end(): void {
    if (!this.rootSeen || this.depth !== 0 || this.inString) {
      throw new Error('the JSON ends early (truncated file?)');
    }
  }

  /** A string at depth ≤ 3 starts at `start`: skip it, then act on what it was. */
  private shallowString(chunk: Buffer, start: number, depth: number): number {
    let role = Role.Plain;
    if (depth === FIELD_DEPTH) {
      if (this.captureStart < 0 && this.captureDepth === 2) role = Role.Dropped; // startDrop saw its quote
    } else if (depth >= 1 && this.expectKey[depth]) {
      role = Role.Key;
    }
    const q = closingQuote(this.text, start, 0);
    if (q < 0) {
      if (role === Role.Key) this.keyParts = [chunk.subarray(start)];
      return this.stringContinues(role, start);
    }
    this.stringEnded(chunk, role, start, q, depth);
    return q + 1;
  }

  /** The chunk starts inside a string: find where it ends. */
  private resumeString(chunk: Buffer): number {
    const carry = this.escapeCarry ? 1 : 0;
    const role = this.stringRole;
    const q = closingQuote(this.text, 0, carry);
    if (q < 0) {
      if (role === Role.Key) this.keyParts.push(chunk);
      this.escapeCarry = trailingBackslashes(this.text, this.text.length, carry) % 2 === 1;
      return this.text.length;
    }
    this.inString = false;
    this.stringEnded(chunk, role, 0, q, this.depth);
    return q + 1;
  }

  private stringContinues(role: Role, start: number): number {
    this.inString = true;
    this.stringRole = role;
    this.escapeCarry = trailingBackslashes(this.text, this.text.length, 0) % 2 === 1 && this.text.length > start;
    return this.text.length;
  }

  private stringEnded(chunk: Buffer, role: Role, start: number, q: number, depth: number): void {
    if (role === Role.Key) this.keyEnded(chunk.subarray(start, q), depth);
    else if (role === Role.Dropped) this.captureStart = q + 1;
  }

  private keyEnded(last: Buffer, depth: number): void {
    const raw = (this.keyParts.length === 0 ? last : Buffer.concat([...this.keyParts, last])).toString('utf8');
    this.keyParts = [];
    const key = raw.includes('\\') ? (JSON.parse(`"${raw}"`) as string) : raw;
    if (depth === 1) this.sectionKey = key;
    else this.entryKey = key;
  }

  /** Compares the field name in place (no string is made for the many fields that are kept). */
  private fieldKeyEnded(start: number, quoteAt: number): void {
    const len = quoteAt - start;
    for (const k of this.dropKeys) {
      if (k.length === len && this.text.startsWith(k, start)) {
        this.dropNext = true;
        return;
      }
    }
  }

  /** Captured bytes [from, to) of the chunk as text (after any tail the previous chunk left). */
  private piece(chunk: Buffer, from: number, to: number): string {
    if (this.captureTail.length > 0) {
      const bytes = Buffer.concat([...this.captureTail, chunk.subarray(from, to)]);
      this.captureTail = [];
      return bytes.toString('utf8');
    }
    return this.ascii ? this.text.slice(from, to) : chunk.toString('utf8', from, to);
  }

  /** The value of a dropped field starts at `i`: strings and containers become null, scalars stay. */
  private startDrop(chunk: Buffer, c: number, i: number): void {
    this.dropNext = false;
    if (c !== QUOTE && c !== OPEN_OBJ && c !== OPEN_ARR) return;
    if (this.captureStart >= 0) this.captureParts.push(this.piece(chunk, this.captureStart, i));
    this.captureParts.push('null');
    this.captureStart = -1;
    this.droppingContainer = c !== QUOTE;
  }

  /** A container opens at depth 1 or 2: a wanted section or entry starts capturing. */
  private opening(depth: number, i: number): void {
    this.rootSeen = true;
    const section = this.sectionKey;
    if (this.captureDepth !== 0 || section === null) return;
    if ((depth === 1 && this.h.whole.has(section)) || (depth === 2 && this.h.entries.has(section))) {
      this.captureDepth = depth;
      this.captureParts = [];
      this.captureTail = [];
      this.captureStart = i;
    }
  }

  /** A container closed back to `depth` (≤ 3): a dropped value or a captured piece may end. */
  private closed(chunk: Buffer, depth: number, i: number): void {
    if (this.droppingContainer && depth === FIELD_DEPTH) {
      this.droppingContainer = false;
      this.captureStart = i + 1;
    } else if (this.captureDepth > 0 && depth === this.captureDepth) {
      const last = this.piece(chunk, this.captureStart, i + 1);
      const json = this.captureParts.length === 0 ? last : this.captureParts.join('') + last;
      this.captureDepth = 0;
      this.captureParts = [];
      if (depth === 1) this.h.onWhole(this.sectionKey!, json);
      else this.h.onEntry(this.sectionKey!, this.entryKey!, json);
    }
  }
}

/** Index of the quote that closes a string searched from `from`, or -1 if the text ends first. */
function closingQuote(text: string, from: number, carry: number): number {
  for (let i = from; ; ) {
    const q = text.indexOf('"', i);
    if (q < 0) return -1;
    if (text.charCodeAt(q - 1) !== BACKSLASH && q > 0) return q;
    if (trailingBackslashes(text, q, carry) % 2 === 0) return q;
    i = q + 1;
  }
}

/** Backslashes right before `end`; `carry` continues a run that began in the previous chunk. */
function trailingBackslashes(text: string, end: number, carry: number): number {
  let j = end - 1;
  while (j >= 0 && text.charCodeAt(j) === BACKSLASH) j--;
  return j < 0 ? end + carry : end - 1 - j;
}
