/**
 * The byte scanner behind src/core/manifest/json-sections.ts, in AssemblyScript (compiled to
 * WebAssembly by `npm run build`, embedded as src/core/manifest/json-scanner-wasm.ts).
 *
 * Why WebAssembly: splitting a manifest means finding the end of every string in it (millions,
 * most of the bytes). WebAssembly's SIMD compares 16 bytes at a time, about three times faster than
 * the best JavaScript scan (String indexOf); everything else is a small state machine over the few
 * bytes outside strings, which checks them against JSON's grammar (numbers and literals: json-scalars.ts).
 *
 * Contract with the host (all offsets are bytes from BUFFER, the host writes the file there):
 * - the host writes the name table at NAMES, then calls configure();
 * - scan(end) reads from where the last call stopped up to `end`, logging events at EVENTS;
 *   it returns 0 (all read), 1 (event log full: handle the events and call again), -1 (a closing
 *   bracket without an opening one), -2 (something other than white space before or after the
 *   root value: a second document, trailing garbage), -3 (a raw control character, U+0000 to
 *   U+001F, inside a string), -4 (an escape JSON does not have: `\q`, `\u` without four hex
 *   digits), -5 (a number or literal JSON does not have: `01`, `1.`, `-`, `tru`), -6 (a comma,
 *   colon, bracket or value where JSON's grammar has none: `[1,]`, `{"a" 1}`, `[1}`) or -7 (nested
 *   deeper than MAX_DEPTH). Every byte is checked as JSON.parse checks it, wherever it is,
 *   skipped or kept, so a streamed manifest is refused exactly when a small one is; position()
 *   says where the bad byte is;
 * - compact(end) moves the bytes still needed (an open key, the kept text of an open entry) to
 *   BUFFER and returns how many there are: the host appends the next chunk after them.
 */

import { endScalar, inScalar, scalarByte, startScalar } from './json-scalars';

/** name table: count, then per name: kind, byte length, the bytes padded to 4 */
export const NAMES: i32 = 1024;
export const EVENTS: i32 = 16384;
export const EVENT_CAPACITY: i32 = 16384;
/** each event is three i32: type, a, b */
export const STACK: i32 = EVENTS + EVENT_CAPACITY * 12;
/** the open brackets, one bit per depth (1: an object): JSON.parse has no depth limit, this one is far */
const STACK_BYTES: i32 = 65536;
export const MAX_DEPTH: i32 = STACK_BYTES * 8;
export const BUFFER: i32 = STACK + STACK_BYTES;

// name kinds
const WHOLE_SECTION: i32 = 1;
const ENTRY_SECTION: i32 = 2;
const KEPT_FIELD: i32 = 3;

// events
/** a, b: the bytes of an entry's key (still JSON-escaped) */
const EVENT_ENTRY_KEY: i32 = 1;
/** a, b: bytes of the captured value, kept as they are */
const EVENT_PIECE: i32 = 2;
/** a: 1 whole section, 2 entry; b: the section's index in the name table */
const EVENT_END: i32 = 3;
/** a: the bracket that opens an entry section's value; b: the section's index in the name table */
const EVENT_SECTION_OPEN: i32 = 4;

const QUOTE: u8 = 0x22;
const BACKSLASH: u8 = 0x5c;
const OPEN_OBJECT: u8 = 0x7b;
const CLOSE_OBJECT: u8 = 0x7d;
const OPEN_ARRAY: u8 = 0x5b;
const CLOSE_ARRAY: u8 = 0x5d;
const COLON: u8 = 0x3a;
const COMMA: u8 = 0x2c;
/** depth inside an entry's object (root 1, section 2, entry 3) */
const FIELD_DEPTH: i32 = 3;

// what a string means to the scanner
const PLAIN: i32 = 0;
const SECTION_KEY: i32 = 1;
const ENTRY_KEY: i32 = 2;
const FIELD_KEY: i32 = 3;
/** the value of a field left out */
const DROPPED: i32 = 4;

// scan()'s verdicts
const UNMATCHED_CLOSE: i32 = -1;
const OUTSIDE_ROOT: i32 = -2;
const BAD_CONTROL: i32 = -3;
const BAD_ESCAPE: i32 = -4;
const BAD_SCALAR: i32 = -5;
const BAD_GRAMMAR: i32 = -6;
const TOO_DEEP: i32 = -7;

// what JSON's grammar allows next, outside strings (`next`); the first two take a value
const VALUE: i32 = 0;
/** after `[`: a value or `]` */
const VALUE_OR_CLOSE: i32 = 1;
const KEY: i32 = 2;
/** after `{`: a key or `}` */
const KEY_OR_CLOSE: i32 = 3;
const COLON_NEXT: i32 = 4;
/** after a value: `,` or the bracket closing its container */
const AFTER_VALUE: i32 = 5;


let pos: i32 = 0;
let depth: i32 = 0;
let rootSeen: bool = false;
let next: i32 = VALUE;
let inString: bool = false;
/** the last byte read was a backslash inside a string */
let escaped: bool = false;
/** hex digits still due after a `\u` inside a string */
let hexLeft: i32 = 0;
/** why the last string read is not JSON: BAD_CONTROL or BAD_ESCAPE; 0 while all is well */
let badString: i32 = 0;
let role: i32 = PLAIN;
let stringStart: i32 = 0;
/** kind and index of the section whose value comes next (0 / -1: not wanted) */
let sectionKind: i32 = 0;
let sectionIndex: i32 = -1;
/** depth whose value is captured (1 whole section, 2 entry), 0 none */
let capture: i32 = 0;
/** start of the captured bytes not logged yet; -1 while a dropped field is skipped */
let pieceStart: i32 = -1;
/** the field whose name was just read is left out: its value, when it starts, is skipped */
let dropNext: bool = false;
let dropString: bool = false;
/** a dropped container is skipped until it closes back to FIELD_DEPTH */
let dropContainer: bool = false;
/** a dropped number, true, false or null is skipped until the next comma or the entry's end */
let dropScalar: bool = false;
/** the last comma between the entry's fields (-1: none yet) */
let fieldComma: i32 = -1;
/** a dropped field had no comma before it in the output: the comma after it goes too */
let skipComma: bool = false;
let events: i32 = 0;
/** bit k: some kept field name has k bytes; names of 31 bytes or more are always compared */
let keptLengths: i32 = 0;
let longKept: bool = false;
/** some kept field is named: the entries' other fields are left out */
let filterFields: bool = false;

export function configure(): void {
  keptLengths = 0;
  longKept = false;
  filterFields = false;
  const count = load<i32>(NAMES);
  let at = NAMES + 4;
  for (let k = 0; k < count; k++) {
    const kind = load<i32>(at);
    const length = load<i32>(at + 4);
    if (kind == KEPT_FIELD) {
      filterFields = true;
      if (length < 31) keptLengths |= 1 << length;
      else longKept = true;
    }
    at += 8 + ((length + 3) & ~3);
  }
  pos = 0;
  depth = 0;
  rootSeen = false;
  next = VALUE;
  endScalar();
  inString = false;
  escaped = false;
  hexLeft = 0;
  badString = 0;
  capture = 0;
  pieceStart = -1;
  sectionKind = 0;
  sectionIndex = -1;
  dropNext = false;
  dropString = false;
  dropContainer = false;
  dropScalar = false;
  skipComma = false;
}

export function eventCount(): i32 {
  return events;
}

/** The JSON closed its root and ended outside any string. */
export function finished(): bool {
  return rootSeen && depth == 0 && !inString;
}

/** Where scan() stopped: the bad byte when it returned a negative verdict. */
export function position(): i32 {
  return pos;
}

export function scan(end: i32): i32 {
  events = 0;
  let i = pos;
  while (i < end) {
    if (inString) {
      i = skipString(i, end);
      if (badString != 0) {
        pos = i;
        return badString;
      }
      continue;
    }
    // the most a byte and the string it may start can log is 3 events
    if (events > EVENT_CAPACITY - 4) break;
    const c = load<u8>(BUFFER + i);
    if (inScalar()) {
      const verdict = scalarByte(c);
      if (verdict > 0) {
        i++;
        continue;
      }
      if (verdict < 0) {
        pos = i;
        return BAD_SCALAR;
      }
    }
    if (isSpace(c)) {
      i++;
      continue;
    }
    // outside the root only white space, and only one root: what JSON.parse accepts
    // (a closing bracket there is reported as such, below)
    if (depth == 0 && c != CLOSE_OBJECT && c != CLOSE_ARRAY && (rootSeen || (c != OPEN_OBJECT && c != OPEN_ARRAY))) {
      pos = i;
      return OUTSIDE_ROOT;
    }
    if (dropNext && c != COLON) startDrop(c, i);
    const verdict = structure(c, i);
    if (verdict < 0) {
      pos = i;
      return verdict;
    }
    i++;
  }
  pos = i;
  return i < end ? 1 : 0;
}

export function compact(end: i32): i32 {
  let keep = pos;
  if (pieceStart >= 0 && pieceStart < keep) keep = pieceStart;
  if (inString && role != PLAIN && role != DROPPED && stringStart < keep) keep = stringStart;
  memory.copy(<usize>BUFFER, <usize>(BUFFER + keep), <usize>(end - keep));
  pos -= keep;
  if (pieceStart >= 0) pieceStart -= keep;
  stringStart -= keep;
  fieldComma -= keep; // a comma moved out is before the piece: no longer in the output
  return end - keep;
}

/** A byte outside strings and scalars, at `i`: checked against JSON's grammar and acted on. */
function structure(c: u8, i: i32): i32 {
  if (c == QUOTE) {
    if (next <= VALUE_OR_CLOSE) {
      next = AFTER_VALUE;
      startString(i, false);
    } else if (next <= KEY_OR_CLOSE) {
      next = COLON_NEXT;
      startString(i, true);
    } else return BAD_GRAMMAR;
  } else if (c == OPEN_OBJECT || c == OPEN_ARRAY) {
    if (next > VALUE_OR_CLOSE) return BAD_GRAMMAR;
    if (depth >= MAX_DEPTH) return TOO_DEEP;
    opening(c, i);
    next = c == OPEN_ARRAY ? VALUE_OR_CLOSE : KEY_OR_CLOSE;
  } else if (c == CLOSE_OBJECT || c == CLOSE_ARRAY) {
    if (depth == 0) return UNMATCHED_CLOSE;
    if (inObject() != (c == CLOSE_OBJECT)) return BAD_GRAMMAR;
    if (next != AFTER_VALUE && next != (c == CLOSE_ARRAY ? VALUE_OR_CLOSE : KEY_OR_CLOSE)) return BAD_GRAMMAR;
    depth--;
    next = AFTER_VALUE;
    if (depth <= FIELD_DEPTH) closed(i);
  } else if (c == COLON) {
    if (next != COLON_NEXT) return BAD_GRAMMAR;
    next = VALUE;
  } else if (c == COMMA) {
    if (next != AFTER_VALUE) return BAD_GRAMMAR;
    next = inObject() ? KEY : VALUE;
    if (depth == FIELD_DEPTH && capture == 2) fieldCommaAt(i);
  } else {
    if (next > VALUE_OR_CLOSE) return BAD_GRAMMAR;
    next = AFTER_VALUE; // once the scalar that starts here ends
    return startScalar(c) ? 0 : BAD_SCALAR;
  }
  return 0;
}

/**
 * Reads a string's bytes from `i` (inside it) to its closing quote, 16 at a time; stops early
 * (badString set) at a raw control character or a bad escape.
 */
function skipString(from: i32, end: i32): i32 {
  let i = from;
  // an escape cut by the end of the last chunk goes on here
  if (escaped) {
    escaped = false;
    i = skipEscape(i, end);
  } else if (hexLeft > 0) {
    i = skipHex(i, end);
  }
  const quotes = i8x16.splat(<i8>QUOTE);
  const backslashes = i8x16.splat(<i8>BACKSLASH);
  const space = i8x16.splat(0x20);
  while (i < end && badString == 0) {
    // control characters are looked for once per run of plain bytes rather than in each 16: the
    // run's smallest byte is kept (one instruction per 16 bytes) and checked where the run ends
    let smallest = i8x16.splat(-1);
    let skipped = false;
    while (i + 16 <= end) {
      const v = v128.load(<usize>(BUFFER + i));
      const hits = i8x16.bitmask(v128.or(i8x16.eq(v, quotes), i8x16.eq(v, backslashes)));
      if (hits != 0) {
        const run = ctz(hits);
        // only the bytes before the quote or backslash are the string's
        if ((i8x16.bitmask(i8x16.lt_u(v, space)) & ((1 << run) - 1)) != 0) badString = BAD_CONTROL;
        i += run;
        break;
      }
      smallest = i8x16.min_u(smallest, v);
      skipped = true;
      i += 16;
    }
    if (skipped && v128.any_true(i8x16.lt_u(smallest, space))) badString = BAD_CONTROL;
    if (badString != 0 || i >= end) break;
    const c = load<u8>(BUFFER + i);
    if (c == BACKSLASH) {
      if (i + 1 >= end) {
        escaped = true;
        return end;
      }
      i = skipEscape(i + 1, end);
    } else if (c == QUOTE) {
      inString = false;
      stringEnded(i);
      return i + 1;
    } else if (c < 0x20) {
      badString = BAD_CONTROL;
    } else {
      i++;
    }
  }
  return i;
}

/** The byte after a backslash, at `i`: one of `"\/bfnrt`, or `u` and four hex digits. */
function skipEscape(i: i32, end: i32): i32 {
  const c = load<u8>(BUFFER + i);
  if (c == 0x75) {
    hexLeft = 4;
    return skipHex(i + 1, end);
  }
  // " \ / b f n r t
  if (c != QUOTE && c != BACKSLASH && c != 0x2f && c != 0x62 && c != 0x66 && c != 0x6e && c != 0x72 && c != 0x74) badString = BAD_ESCAPE;
  return i + 1;
}

/** The hex digits of a `\u` escape from `i`, as many as are due and have arrived. */
function skipHex(from: i32, end: i32): i32 {
  let i = from;
  while (hexLeft > 0 && i < end) {
    const c = load<u8>(BUFFER + i);
    const letter = c | 0x20; // a-f whatever the case
    if (!((c >= 0x30 && c <= 0x39) || (letter >= 0x61 && letter <= 0x66))) {
      badString = BAD_ESCAPE;
      return i;
    }
    hexLeft--;
    i++;
  }
  return i;
}

function startString(i: i32, key: bool): void {
  inString = true;
  stringStart = i + 1;
  if (dropString) {
    dropString = false;
    role = DROPPED;
  } else if (!key) {
    role = PLAIN;
  } else if (depth == 1) {
    role = SECTION_KEY;
  } else if (depth == 2 && capture == 0 && sectionKind == ENTRY_SECTION) {
    role = ENTRY_KEY;
  } else if (depth == FIELD_DEPTH && capture == 2 && filterFields) {
    role = FIELD_KEY;
  } else {
    role = PLAIN;
  }
}

function stringEnded(quote: i32): void {
  if (role == PLAIN) return;
  const length = quote - stringStart;
  if (role == SECTION_KEY) {
    sectionIndex = findName(stringStart, length, WHOLE_SECTION, ENTRY_SECTION);
    sectionKind = sectionIndex < 0 ? 0 : load<i32>(nameAt(sectionIndex));
  } else if (role == ENTRY_KEY) {
    log(EVENT_ENTRY_KEY, stringStart, quote);
  } else if (role == FIELD_KEY) {
    const candidate = length < 31 ? ((keptLengths >> length) & 1) == 1 : longKept;
    if (!candidate || findName(stringStart, length, KEPT_FIELD, KEPT_FIELD) < 0) dropField(stringStart - 1);
  } else {
    pieceStart = quote + 1; // the dropped string ended
  }
}

/**
 * The field whose name starts at `keyQuote` is left out, with the comma before it; the first field
 * written has no comma before it, so the one after it goes instead.
 */
function dropField(keyQuote: i32): void {
  const from = fieldComma >= pieceStart ? fieldComma : keyQuote;
  if (from == keyQuote) skipComma = true;
  if (from > pieceStart) log(EVENT_PIECE, pieceStart, from);
  pieceStart = -1;
  dropNext = true;
}

/** The value of a dropped field starts at `i`: skipped to its end. */
function startDrop(c: u8, i: i32): void {
  dropNext = false;
  if (c == QUOTE) dropString = true;
  else if (c == OPEN_OBJECT || c == OPEN_ARRAY) dropContainer = true;
  else dropScalar = true;
}

/** A comma between the entry's fields at `i`: where a dropped scalar ends, or a comma to skip. */
function fieldCommaAt(i: i32): void {
  fieldComma = i;
  if (dropScalar) {
    dropScalar = false;
    pieceStart = i;
  }
  if (skipComma && pieceStart >= 0) {
    skipComma = false;
    pieceStart = i + 1;
  }
}

function opening(c: u8, i: i32): void {
  if (depth == 0) rootSeen = true;
  // whether an entry section is an object (or a list, which is no manifest) must be known
  if (depth == 1 && capture == 0 && sectionIndex >= 0 && sectionKind == ENTRY_SECTION) log(EVENT_SECTION_OPEN, c, sectionIndex);
  if (capture == 0 && sectionIndex >= 0) {
    if (depth == 1 && sectionKind == WHOLE_SECTION) capture = 1;
    else if (depth == 2 && sectionKind == ENTRY_SECTION) capture = 2;
    if (capture != 0) {
      pieceStart = i;
      fieldComma = -1;
      skipComma = false;
    }
  }
  const at = STACK + (depth >> 3);
  const bit: i32 = 1 << (depth & 7);
  const bits: i32 = load<u8>(at);
  store<u8>(at, c == OPEN_OBJECT ? bits | bit : bits & ~bit);
  depth++;
}

/** The innermost open container (depth > 0) is an object. */
@inline
function inObject(): bool {
  const d = depth - 1;
  const bits: i32 = load<u8>(STACK + (d >> 3));
  return ((bits >> (d & 7)) & 1) != 0;
}

/** A container closed back to `depth` (≤ 3): a dropped value or a captured value may end. */
function closed(i: i32): void {
  if (dropContainer && depth == FIELD_DEPTH) {
    dropContainer = false;
    pieceStart = i + 1;
  } else if (capture > 0 && depth == capture) {
    if (dropScalar) {
      dropScalar = false;
      pieceStart = i; // the entry's closing bracket
    }
    log(EVENT_PIECE, pieceStart, i + 1);
    log(EVENT_END, capture, sectionIndex);
    capture = 0;
    pieceStart = -1;
  }
}

@inline
function isSpace(c: u8): bool {
  return c == 0x20 || c == 0x0a || c == 0x0d || c == 0x09;
}

function log(type: i32, a: i32, b: i32): void {
  const at = EVENTS + events * 12;
  store<i32>(at, type);
  store<i32>(at + 4, a);
  store<i32>(at + 8, b);
  events++;
}

/** Address of name `index` in the table. */
function nameAt(index: i32): i32 {
  let at = NAMES + 4;
  for (let k = 0; k < index; k++) at += 8 + ((load<i32>(at + 4) + 3) & ~3);
  return at;
}

/** Index of the name of kind `kindA` or `kindB` equal to the bytes [start, start + length), or -1. */
function findName(start: i32, length: i32, kindA: i32, kindB: i32): i32 {
  const count = load<i32>(NAMES);
  let at = NAMES + 4;
  for (let k = 0; k < count; k++) {
    const kind = load<i32>(at);
    const nameLength = load<i32>(at + 4);
    if ((kind == kindA || kind == kindB) && nameLength == length && memory.compare(<usize>(at + 8), <usize>(BUFFER + start), <usize>length) == 0) {
      return k;
    }
    at += 8 + ((nameLength + 3) & ~3);
  }
  return -1;
}
