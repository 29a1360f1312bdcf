/**
 * Splits a large JSON object (dbt's manifest.json) into pieces without materialising it:
 * `whole` top-level sections (e.g. `metadata`) are handed over as one JSON text, `entries`
 * sections (e.g. `nodes`) one entry at a time as (key, JSON text); everything else (macros, docs,
 * parent_map...) is scanned and dropped. When `keepEntryFields` is given, an entry's other fields
 * (raw and compiled SQL, descriptions, columns: most of a manifest's bytes) are left out, so
 * JSON.parse never builds the large strings nobody reads.
 *
 * Why not a streaming JSON library: those tokenise every character in JavaScript, several times
 * slower than V8's native JSON.parse. This only finds entry boundaries and lets JSON.parse do the
 * parsing one entry at a time, so memory stays near the size of the largest entry, and the bytes
 * of dropped fields are never parsed. The bytes are read by a WebAssembly scanner
 * (assembly/json-scanner.ts: SIMD over strings, about three times faster than a JavaScript scan)
 * that logs where entries and dropped values start and end; this side turns those into text.
 *
 * Pure: bytes in, callbacks out; the caller does the reading.
 */
import { JSON_SCANNER_WASM } from './json-scanner-wasm.js';

export interface SectionHandlers {
  whole: ReadonlySet<string>;
  entries: ReadonlySet<string>;
  /** the top-level fields of an entry to hand over (all when absent); the others are left out */
  keepEntryFields?: ReadonlySet<string>;
  onWhole(section: string, json: string): void;
  onEntry(section: string, key: string, json: string): void;
  /** an entries section's value starts: `object` as expected, or `array` (no manifest has that) */
  onEntriesOpen?(section: string, kind: 'object' | 'array'): void;
}

interface ScannerExports {
  memory: WebAssembly.Memory;
  NAMES: WebAssembly.Global;
  EVENTS: WebAssembly.Global;
  BUFFER: WebAssembly.Global;
  configure(): void;
  scan(end: number): number;
  eventCount(): number;
  compact(end: number): number;
  finished(): number;
  position(): number;
}

// the scanner's name kinds and events (assembly/json-scanner.ts)
const WHOLE_SECTION = 1;
const ENTRY_SECTION = 2;
const KEPT_FIELD = 3;
const EVENT_ENTRY_KEY = 1;
const EVENT_PIECE = 2;
const EVENT_SECTION_OPEN = 4;
const OPEN_OBJECT = 0x7b;
const WASM_PAGE = 65536;

/** what each of the scanner's negative verdicts means; the host adds where */
const SCANNER_ERRORS: Readonly<Record<number, string>> = {
  [-1]: 'a closing bracket without an opening one',
  [-2]: 'unexpected bytes before or after the top-level object',
  [-3]: 'a raw control character (U+0000 to U+001F) inside a string; JSON writes it escaped, e.g. \\n or \\u0000',
  [-4]: 'an escape JSON does not have inside a string; expected \\" \\\\ \\/ \\b \\f \\n \\r \\t or \\u and four hex digits',
  [-5]: 'a number or literal JSON does not have; expected true, false, null or a number like -1, 0.5 or 2e-3 (no leading zeros, digits on both sides of the point)',
  [-6]: 'a comma, colon, bracket or value out of place; expected a value after each colon and comma, a colon after each key, a comma between values and the bracket that closes the open one',
  [-7]: 'values nested more than 524288 deep (the streaming reader keeps one bit per open bracket)',
};

let compiled: WebAssembly.Module | undefined;
const scannerModule = (): WebAssembly.Module =>
  (compiled ??= new WebAssembly.Module(Buffer.from(JSON_SCANNER_WASM, 'base64')));

export class JsonSectionSplitter {
  private readonly wasm: ScannerExports;
  /** names in the scanner's table, by index */
  private readonly names: string[] = [];
  private readonly buffer: number;
  private readonly eventsAt: number;
  /** the scanner's memory (views are renewed when it grows) */
  private bytes!: Buffer;
  private events!: Int32Array;
  /** bytes the scanner still needs at the start of its buffer; the next chunk goes after them */
  private kept = 0;
  /** bytes pushed before the scanner's buffer starts: where its offsets are in the file */
  private buffered = 0;
  private entryKey = '';
  /** an entry's key was read and its value has not been handed over yet */
  private entryOpen = false;
  private parts: string[] = [];

  constructor(private readonly h: SectionHandlers) {
    this.wasm = new WebAssembly.Instance(scannerModule(), {}).exports as unknown as ScannerExports;
    this.buffer = this.wasm.BUFFER.value as number;
    this.eventsAt = this.wasm.EVENTS.value as number;
    this.renewViews();
    this.writeNames([
      ...[...h.whole].map((n) => [WHOLE_SECTION, n] as const),
      ...[...h.entries].map((n) => [ENTRY_SECTION, n] as const),
      ...[...(h.keepEntryFields ?? [])].map((n) => [KEPT_FIELD, n] as const),
    ]);
    this.wasm.configure();
  }

  push(chunk: Buffer): void {
    const end = this.kept + chunk.length;
    this.reserve(end);
    chunk.copy(this.bytes, this.buffer + this.kept);
    for (;;) {
      const status = this.wasm.scan(end);
      this.handleEvents(this.wasm.eventCount());
      if (status === 0) break;
      if (status < 0) throw this.malformed(status);
    }
    this.kept = this.wasm.compact(end);
    this.buffered += end - this.kept;
  }

  private malformed(status: number): Error {
    const at = this.buffered + this.wasm.position();
    const byte = this.bytes[this.buffer + this.wasm.position()]!;
    const shown = byte >= 0x20 && byte < 0x7f ? ` ${JSON.stringify(String.fromCharCode(byte))}` : '';
    return new Error(`malformed JSON at byte ${at}${shown}: ${SCANNER_ERRORS[status] ?? `scanner verdict ${status}`}`);
  }

  /** Call after the last chunk: a file that stops early is an error, not a smaller manifest. */
  end(): void {
    if (!this.wasm.finished()) throw new Error('the JSON ends early (truncated file?)');
    this.noScalarEntry();
  }

  /**
   * The scanner hands over entries that are objects (or lists); an entry whose value is a string,
   * number or null leaves only its key. The whole-file reader refuses those, and so does this.
   */
  private noScalarEntry(): void {
    if (this.entryOpen) throw new Error(`the entry ${JSON.stringify(this.entryKey)} is not an object`);
  }

  private handleEvents(count: number): void {
    const ev = this.events;
    for (let k = 0; k < count * 3; k += 3) {
      const type = ev[k]!;
      const a = ev[k + 1]!;
      const b = ev[k + 2]!;
      if (type === EVENT_PIECE) this.parts.push(this.text(a, b));
      else if (type === EVENT_ENTRY_KEY) {
        this.noScalarEntry();
        this.entryKey = this.key(a, b);
        this.entryOpen = true;
      } else if (type === EVENT_SECTION_OPEN)
        this.h.onEntriesOpen?.(this.names[b]!, a === OPEN_OBJECT ? 'object' : 'array');
      else this.ended(a, this.names[b]!);
    }
  }

  private ended(depth: number, section: string): void {
    const parts = this.parts;
    const json = parts.length === 1 ? parts[0]! : parts.join('');
    this.parts = [];
    if (depth === 1) this.h.onWhole(section, json);
    else {
      this.entryOpen = false;
      this.h.onEntry(section, this.entryKey, json);
    }
  }

  private text(from: number, to: number): string {
    return this.bytes.toString('utf8', this.buffer + from, this.buffer + to);
  }

  private key(from: number, to: number): string {
    const raw = this.text(from, to);
    // the scanner checked the key's bytes; JSON.parse turns its escapes into characters
    return raw.includes('\\') ? (JSON.parse(`"${raw}"`) as string) : raw;
  }

  /** Grows the scanner's memory to hold `bytes` in its buffer. */
  private reserve(bytes: number): void {
    const missing = this.buffer + bytes - this.wasm.memory.buffer.byteLength;
    if (missing <= 0) return;
    this.wasm.memory.grow(Math.ceil(missing / WASM_PAGE));
    this.renewViews();
  }

  private renewViews(): void {
    const memory = this.wasm.memory.buffer;
    this.bytes = Buffer.from(memory);
    this.events = new Int32Array(memory, this.eventsAt, (this.buffer - this.eventsAt) >> 2);
  }

  /** The table the scanner reads names from: count, then per name kind, byte length, bytes padded to 4. */
  private writeNames(names: ReadonlyArray<readonly [number, string]>): void {
    const table = this.wasm.NAMES.value as number;
    let at = table + 4;
    for (const [kind, name] of names) {
      const raw = Buffer.from(name, 'utf8');
      if (at + 8 + raw.length > this.eventsAt) throw new Error('too many section and field names for the JSON scanner');
      this.bytes.writeInt32LE(kind, at);
      this.bytes.writeInt32LE(raw.length, at + 4);
      raw.copy(this.bytes, at + 8);
      at += 8 + ((raw.length + 3) & ~3);
      this.names.push(name);
    }
    this.bytes.writeInt32LE(names.length, table);
  }
}
