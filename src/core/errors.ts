/**
 * A mistake the user can fix (bad input, missing file, unsupported version). Front ends print
 * `message` as one line without a stack trace; anything else is a bug and keeps its stack.
 */
export class UserError extends Error {
  override readonly name = 'UserError';
}

/** One line naming the input, the value and what was expected. */
export function badInput(input: string, value: unknown, expected: string): UserError {
  const shown = typeof value === 'string' ? JSON.stringify(value) : String(value);
  return new UserError(`${input}: got ${shown}, expected ${expected}`);
}

export function isUserError(err: unknown): err is UserError {
  return err instanceof UserError;
}
