/**
 * Numbers and true, false and null for assembly/json-scanner.ts, read a byte at a time so one may
 * be cut anywhere by the end of a chunk. A number, as RFC 8259 (and JSON.parse) has it: an optional
 * `-`; `0` or a digit 1-9 and any digits; optionally `.` and one digit or more; optionally `e` or
 * `E`, an optional sign and one digit or more.
 */

// inside a number or literal (`scalar`): the part of RFC 8259's number read last, or a literal
const NO_SCALAR: i32 = 0;
/** `-` read: a digit is due */
const MINUS: i32 = 1;
/** a leading 0: no digit may follow */
const ZERO: i32 = 2;
const INTEGER: i32 = 3;
/** `.` read: a digit is due */
const POINT: i32 = 4;
const FRACTION: i32 = 5;
/** `e` or `E` read: a sign or digit is due */
const EXP_MARK: i32 = 6;
/** the exponent's sign read: a digit is due */
const EXP_SIGN: i32 = 7;
const EXPONENT: i32 = 8;
/** true, false or null: `literalLeft` holds the bytes still due */
const LITERAL: i32 = 9;

let scalar: i32 = NO_SCALAR;
/** the bytes of a literal still due, first in the low byte */
let literalLeft: u32 = 0;

/** A number or literal has started and not ended yet. */
@inline
export function inScalar(): bool {
  return scalar != NO_SCALAR;
}

export function endScalar(): void {
  scalar = NO_SCALAR;
}

/** The first byte of a number, true, false or null. */
export function startScalar(c: u8): bool {
  if (c == 0x2d) scalar = MINUS;
  else if (c == 0x30) scalar = ZERO;
  else if (c >= 0x31 && c <= 0x39) scalar = INTEGER;
  else {
    scalar = LITERAL;
    // the bytes after the first, little end first: "rue", "alse", "ull"
    if (c == 0x74) literalLeft = 0x657572;
    else if (c == 0x66) literalLeft = 0x65736c61;
    else if (c == 0x6e) literalLeft = 0x6c6c75;
    else return false;
  }
  return true;
}

/**
 * A byte after the start of a number or literal: 1 it belongs to it, 0 the number ended before it
 * (the byte is read as structure), -1 no JSON number or literal goes on like this.
 */
export function scalarByte(c: u8): i32 {
  if (scalar == LITERAL) {
    if (<u32>c != (literalLeft & 0xff)) return -1;
    literalLeft >>= 8;
    if (literalLeft == 0) scalar = NO_SCALAR;
    return 1;
  }
  const digit = c >= 0x30 && c <= 0x39;
  const exp = (c | 0x20) == 0x65; // e or E
  const point = c == 0x2e;
  let to = -1;
  if (scalar == MINUS) to = c == 0x30 ? ZERO : digit ? INTEGER : -2;
  else if (scalar == ZERO) to = point ? POINT : exp ? EXP_MARK : digit ? -2 : -1;
  else if (scalar == INTEGER) to = digit ? INTEGER : point ? POINT : exp ? EXP_MARK : -1;
  else if (scalar == POINT) to = digit ? FRACTION : -2;
  else if (scalar == FRACTION) to = digit ? FRACTION : exp ? EXP_MARK : -1;
  else if (scalar == EXP_MARK) to = digit ? EXPONENT : c == 0x2b || c == 0x2d ? EXP_SIGN : -2;
  else if (scalar == EXP_SIGN) to = digit ? EXPONENT : -2;
  else to = digit ? EXPONENT : -1;
  if (to >= 0) {
    scalar = to;
    return 1;
  }
  if (to == -2) return -1;
  scalar = NO_SCALAR; // a complete number
  return 0;
}
