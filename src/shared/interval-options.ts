import { badInput } from '../core/errors.js';
import { CHUNK_UNITS, DATETIME_FORMATS } from '../core/interval/index.js';
import { ARRAY_FORMATS, parseExtraVars } from '../core/vars/index.js';
import { bool, custom, int, maybeBool, oneOf, text, type RawOptions } from './options.js';
import type { IntervalInputs } from './shard-vars.js';

/**
 * The options that decide a shard's interval and `--vars`. run takes them, and plan too: the
 * plan's `dbt parse` must use the shards' vars (dbt discards a saved parse made with other vars).
 */
const START = text({
  name: 'start',
  value: 'DATETIME',
  description: 'interval start (ISO 8601 or a date = midnight), with --end',
});
const END = text({ name: 'end', value: 'DATETIME', description: 'interval end, exclusive' });
const TIMEZONE = text({ name: 'timezone', value: 'IANA', description: 'time zone of the interval' }, 'UTC');
const DATETIME_FORMAT = oneOf(
  { name: 'datetime-format', value: 'FORMAT', description: 'how start_dttm/end_dttm reach dbt: offset or naive' },
  DATETIME_FORMATS,
  'offset',
);
const CHUNK = oneOf(
  {
    name: 'chunk',
    value: 'UNIT',
    description: 'split the interval and run the pieces in time order: none, hour, day, week, month',
  },
  CHUNK_UNITS,
  'none',
);
const VARS = custom({ name: 'vars', value: 'OBJ', description: 'extra dbt vars, a YAML or JSON object' }, (v) =>
  parseExtraVars(v, '--vars'),
);
const FORWARD_INPUTS = bool(
  {
    name: 'forward-inputs',
    value: 'BOOL',
    description: 'in a workflow_dispatch run, pass the other dispatch inputs as vars',
  },
  true,
);
const ARRAY_FORMAT = oneOf(
  {
    name: 'array-format',
    value: 'FORMAT',
    description: 'array vars as tuple strings: compat ("a","b") or sql (\'a\',\'b\')',
  },
  ARRAY_FORMATS,
  'compat',
);
const INTERVAL_ENV = bool(
  {
    name: 'interval-env',
    value: 'BOOL',
    description:
      "keep start_dttm/end_dttm at the whole interval and give each chunk's dbt its own in DBT_MATRIX_START_DTTM/DBT_MATRIX_END_DTTM, so every chunk reuses the plan's parse (models must read the env vars: see the README, Chunked backfills)",
  },
  false,
);
const OVERLAP = maybeBool({
  name: 'overlap',
  value: 'BOOL',
  description: 'the overlap var (default: true for scheduled runs, else false)',
});
const MAX_INTERVAL_DAYS = int(
  { name: 'max-interval-days', value: 'N', description: 'longest interval accepted' },
  { min: 1 },
  366,
);

export const INTERVAL_OPTIONS = [
  START,
  END,
  TIMEZONE,
  DATETIME_FORMAT,
  CHUNK,
  VARS,
  FORWARD_INPUTS,
  ARRAY_FORMAT,
  INTERVAL_ENV,
  OVERLAP,
  MAX_INTERVAL_DAYS,
];

/** Each problem is one line naming the option, the value and what was expected. */
export function parseIntervalInputs(raw: RawOptions): IntervalInputs {
  const start = START.read(raw) ?? undefined;
  const end = END.read(raw) ?? undefined;
  if ((start === undefined) !== (end === undefined)) {
    throw start === undefined
      ? badInput('--start', '(missing)', 'a start together with --end')
      : badInput('--end', '(missing)', 'an end together with --start');
  }
  return {
    start,
    end,
    timezone: TIMEZONE.read(raw),
    datetimeFormat: DATETIME_FORMAT.read(raw),
    chunk: CHUNK.read(raw),
    vars: VARS.read(raw),
    forwardInputs: FORWARD_INPUTS.read(raw),
    arrayFormat: ARRAY_FORMAT.read(raw),
    intervalEnv: INTERVAL_ENV.read(raw),
    overlap: OVERLAP.read(raw),
    maxIntervalDays: MAX_INTERVAL_DAYS.read(raw),
  };
}
