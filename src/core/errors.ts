/**
 * A mistake the user can fix (bad input, missing file, unsupported version). Front ends print
 * `message` as one line without a stack trace; anything else is a bug and keeps its stack.
 *
 * Messages often quote what a file or an input held: control bytes in it (NUL, ESC, line breaks)
 * are escaped here, once for every message, so a hostile file can neither break the one-line
 * promise nor send escape sequences to the user's terminal or the job log.
 */
export class UserError extends Error {
  override readonly name = 'UserError';

  constructor(message: string) {
    super(escapeControlBytes(message));
  }
}

// C0 controls, DEL, C1 controls, and the Unicode line/paragraph separators
// eslint-disable-next-line no-control-regex
const CONTROL_BYTES = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g;

/** `\n` → `\\n`, ESC → `\\u001b`...: printable, one line, and still tells what the byte was. */
export function escapeControlBytes(text: string): string {
  return text.replace(CONTROL_BYTES, (c) => {
    if (c === '\n') return '\\n';
    if (c === '\r') return '\\r';
    if (c === '\t') return '\\t';
    return `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
  });
}

/** One line naming the input, the value and what was expected. */
export function badInput(input: string, value: unknown, expected: string): UserError {
  const shown = typeof value === 'string' ? JSON.stringify(value) : String(value);
  return new UserError(`${input}: got ${shown}, expected ${expected}`);
}

export function isUserError(err: unknown): err is UserError {
  return err instanceof UserError;
}
