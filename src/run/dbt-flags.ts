import { badInput } from '../core/errors.js';

/**
 * Extra dbt flags a team's CI passes (`--fail-fast`, `--warn-error`, `--empty`, …): each given
 * flag becomes argv elements of every dbt invocation of a shard, never a shell string. Only
 * flags on this list are accepted, so a typo or a flag that would undo the plan fails before
 * dbt starts. `value`: the flag takes one value (`--log-level warn` or `--log-level=warn`);
 * `retry`: `dbt retry` accepts it too (retry restores the other flags from run_results.json).
 */
interface KnownFlag {
  value: boolean;
  retry: boolean;
  /** dbt-core minor that added it, for the message when an older dbt rejects it */
  since?: string;
}

const KNOWN_FLAGS: Readonly<Record<string, KnownFlag>> = {
  '--fail-fast': { value: false, retry: true },
  '-x': { value: false, retry: true },
  '--no-fail-fast': { value: false, retry: true },
  '--warn-error': { value: false, retry: true },
  '--warn-error-options': { value: true, retry: true },
  '--empty': { value: false, retry: false },
  '--no-empty': { value: false, retry: false },
  '--store-failures': { value: false, retry: false },
  '--sample': { value: true, retry: false, since: '1.10' },
  '--debug': { value: false, retry: true },
  '--quiet': { value: false, retry: true },
  '-q': { value: false, retry: true },
  '--no-quiet': { value: false, retry: true },
  '--log-level': { value: true, retry: true },
  '--log-level-file': { value: true, retry: true },
  '--log-format': { value: true, retry: true },
  '--log-format-file': { value: true, retry: true },
  '--use-colors': { value: false, retry: true },
  '--no-use-colors': { value: false, retry: true },
  '--use-colors-file': { value: false, retry: true },
  '--no-use-colors-file': { value: false, retry: true },
  '--print': { value: false, retry: true },
  '--no-print': { value: false, retry: true },
  '--printer-width': { value: true, retry: true },
  '--partial-parse': { value: false, retry: true },
  '--no-partial-parse': { value: false, retry: true },
  '--static-parser': { value: false, retry: true },
  '--no-static-parser': { value: false, retry: true },
  '--version-check': { value: false, retry: true },
  '--no-version-check': { value: false, retry: true },
  '--show-all-deprecations': { value: false, retry: true },
  '--cache-selected-only': { value: false, retry: true },
  '--no-cache-selected-only': { value: false, retry: true },
  '--populate-cache': { value: false, retry: true },
  '--no-populate-cache': { value: false, retry: true },
  '--favor-state': { value: false, retry: true },
  '--no-favor-state': { value: false, retry: true },
  '--send-anonymous-usage-stats': { value: false, retry: true },
  '--no-send-anonymous-usage-stats': { value: false, retry: true },
};

/** Flags dbt-matrix sets itself, with the input to use instead. */
const OWN_FLAGS: Readonly<Record<string, string>> = {
  '--select': "the plan decides each shard's nodes (plan --select)",
  '-s': "the plan decides each shard's nodes (plan --select)",
  '--models': "the plan decides each shard's nodes (plan --select)",
  '-m': "the plan decides each shard's nodes (plan --select)",
  '--exclude': "the plan decides each shard's nodes (plan --exclude)",
  '--selector': "the plan decides each shard's nodes (plan --selector)",
  '--resource-type': "the plan decides each shard's nodes (plan --select resource_type:…)",
  '--resource-types': "the plan decides each shard's nodes (plan --select resource_type:…)",
  '--exclude-resource-type': "the plan decides each shard's nodes (plan --exclude resource_type:…)",
  '--exclude-resource-types': "the plan decides each shard's nodes (plan --exclude resource_type:…)",
  '--indirect-selection': 'the plan places every test (run uses --indirect-selection empty)',
  '--vars': 'use --vars',
  '--threads': 'use plan --threads',
  '--target': 'use --target',
  '-t': 'use --target',
  '--profiles-dir': 'use --profiles-dir',
  '--project-dir': 'use --project-dir',
  '--profile': 'set `profile:` in dbt_project.yml',
  '--target-path': 'each shard has its own target folder',
  '--log-path': 'each shard has its own log folder (dbt.log is in the shard artifact)',
  '--full-refresh': 'use --full-refresh',
  '-f': 'use --full-refresh',
  '--defer': 'use --defer',
  '--state': 'use --state',
  '--defer-state': 'use --state',
  '--event-time-start': 'microbatch models get the interval (--start/--end) as event-time flags',
  '--event-time-end': 'microbatch models get the interval (--start/--end) as event-time flags',
};

export interface DbtFlags {
  /** argv elements for `dbt build` */
  build: string[];
  /** the subset `dbt retry` accepts */
  retry: string[];
}

export const NO_DBT_FLAGS: DbtFlags = { build: [], retry: [] };

/**
 * Parses the `dbt-flags` input: one flag per line (action) or per `--dbt-flags` (CLI), each
 * `--flag`, `--flag value` or `--flag=value`. The value is one argv element as written (JSON for
 * --warn-error-options keeps its spaces).
 */
export function parseDbtFlags(items: readonly string[]): DbtFlags {
  const out: DbtFlags = { build: [], retry: [] };
  for (const item of items) {
    const text = item.trim();
    if (text === '') continue;
    const m = /^(-{1,2}[A-Za-z][A-Za-z0-9-]*)(?:(?:=|\s+)([\s\S]+))?$/.exec(text);
    if (!m)
      throw badInput(
        '--dbt-flags',
        item,
        'one dbt flag per item, e.g. --fail-fast or --warn-error-options={"error": "all"}',
      );
    const name = m[1]!;
    const value = m[2]?.trim();
    const own = OWN_FLAGS[name];
    if (own !== undefined)
      throw badInput('--dbt-flags', item, `a flag dbt-matrix does not set itself (${name}: ${own})`);
    const known = KNOWN_FLAGS[name];
    if (known === undefined)
      throw badInput(
        '--dbt-flags',
        item,
        `one of ${Object.keys(KNOWN_FLAGS)
          .filter((f) => f.startsWith('--'))
          .join(', ')}`,
      );
    if (known.value && (value === undefined || value === ''))
      throw badInput('--dbt-flags', item, `${name} with a value (${name}=VALUE)`);
    if (!known.value && value !== undefined) throw badInput('--dbt-flags', item, `${name} alone (it takes no value)`);
    const argv = value === undefined ? [name] : [name, value];
    out.build.push(...argv);
    if (known.retry) out.retry.push(...argv);
  }
  return out;
}
