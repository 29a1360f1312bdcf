import { describe, expect, it } from 'vitest';
import { createRedactor, REDACTED, secretValuesFrom } from '../../src/io/redact.js';

describe('redaction', () => {
  const env = { DBT_PG_PASSWORD: 'hunter2-pw', GITHUB_TOKEN: 'ghs_abcdef', API_KEY: 'k', SNOWFLAKE_PRIVATE_KEY: 'line-one\nline-two', PLAIN: 'visible-value', MY_DSN: 'postgres://u:pw@h/db' };

  it('hides values of env vars whose names say secret, and of named ones', () => {
    const redact = createRedactor({ env, secretEnvNames: ['MY_DSN'] });
    expect(redact('connect hunter2-pw with ghs_abcdef to postgres://u:pw@h/db')).toBe(`connect ${REDACTED} with ${REDACTED} to ${REDACTED}`);
    expect(redact('visible-value')).toBe('visible-value');
  });

  it('ignores values shorter than 4 characters', () => {
    expect(secretValuesFrom({ env })).not.toContain('k');
  });

  it('hides each line of a multi-line secret, and its JSON-escaped form', () => {
    const redact = createRedactor({ env });
    expect(redact('got line-two here')).toBe(`got ${REDACTED} here`);
    expect(redact(JSON.stringify({ v: 'x line-one\nline-two y' }))).not.toMatch(/line-(one|two)/);
  });

  it('hides literal secret values and prefers the longest match', () => {
    const redact = createRedactor({ env: {}, secretValues: ['abcd', 'abcdefgh'] });
    expect(redact('abcdefgh abcd')).toBe(`${REDACTED} ${REDACTED}`);
    expect(redact.size).toBe(2);
  });
});
