import { describe, expect, it } from 'vitest';
import { createRedactor, REDACTED, secretValuesFrom } from '../../src/io/redact.js';

describe('redaction', () => {
  const env = {
    DBT_PG_PASSWORD: 'hunter2-pw',
    GITHUB_TOKEN: 'ghs_abcdef',
    API_KEY: 'k',
    SNOWFLAKE_PRIVATE_KEY: 'line-one\nline-two',
    PLAIN: 'visible-value',
    MY_DSN: 'postgres://u:pw@h/db',
  };

  it('hides values of env vars whose names say secret, and of named ones', () => {
    const redact = createRedactor({ env, secretEnvNames: ['MY_DSN'] });
    expect(redact('connect hunter2-pw with ghs_abcdef to postgres://u:pw@h/db')).toBe(
      `connect ${REDACTED} with ${REDACTED} to ${REDACTED}`,
    );
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

describe('redaction in every spelling a secret takes', () => {
  const secret = `p'a"ss\\wörd-Ab3$(x)-9f2c41`;
  const redact = createRedactor({ env: { DBT_PG_PASSWORD: secret } });
  const sql = secret.replaceAll("'", "''");

  it.each([
    ['as given', `password ${secret} end`],
    ['SQL-escaped', `select '${sql}' as x`],
    ['JSON-escaped', JSON.stringify({ msg: `failed: ${secret}` })],
    ['SQL- then JSON-escaped (compiled SQL in run_results.json)', JSON.stringify({ compiled_code: `select '${sql}'` })],
    [
      'JSON-escaped twice (a --vars argument inside shard.json)',
      JSON.stringify({ command: ['--vars', JSON.stringify({ pw: secret })] }),
    ],
    ["Python's repr", `Database Error: '${secret.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`],
  ])('%s', (_name, text) => {
    const out = redact(text);
    expect(out).toContain(REDACTED);
    expect(out).not.toContain('Ab3$(x)');
    expect(out).not.toContain('9f2c41');
  });

  it('a secret cut short by the warehouse is hidden from half its length on, and the rest of the line stays', () => {
    for (let keep = Math.ceil(sql.length / 2); keep < sql.length; keep++) {
      const line = `LINE 1: select '${sql.slice(0, keep)}...`;
      expect(redact(line), `first ${keep} characters`).toBe(`LINE 1: select '${REDACTED}...`);
    }
    // shorter starts are not the secret: ordinary text that happens to begin like it stays
    expect(redact(`p'a"s is fine`)).toBe(`p'a"s is fine`);
  });

  it('overlapping spellings leave no tail: the SQL form is hidden whole, not up to its first quote', () => {
    const r = createRedactor({ env: {}, secretValues: ["abcdefgh'ijkl"] });
    expect(r("x 'abcdefgh''ijkl' y")).toBe(`x '${REDACTED}' y`);
  });

  it('short secrets are hidden only whole', () => {
    const r = createRedactor({ env: {}, secretValues: ['abcde'] });
    expect(r('abcd abcde')).toBe(`abcd ${REDACTED}`);
  });
});
