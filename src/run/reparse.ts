import type { ShardLog } from './shard-log.js';

/**
 * dbt tells at info level why it could not reuse a saved parse — "Unable to do partial parsing
 * because of a version mismatch", "… because profile has changed", "… because config vars,
 * config profile, or config target have changed", "… because env vars used in dbt_project.yml
 * have changed", "… because a project dependency has been added", "… because saved manifest not
 * found. Starting full parse." — and then parses the whole project. Nothing is printed when the
 * saved parse is used.
 */
const UNABLE = /Unable to do partial parsing because (.+?)\.?\s*$/;

/** dbt's reason when `line` says it is parsing the project again, else null. */
export function reparseReason(line: string): string | null {
  // eslint-disable-next-line no-control-regex
  const m = UNABLE.exec(line.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, ''));
  return m ? m[1]!.trim() : null;
}

/** Notes, per chunk, dbt's reason for parsing the project again. */
export class ReparseWatch {
  /** the chunk dbt is running now */
  chunk = 0;
  readonly reasons = new Map<number, string>();
  constructor(log: ShardLog) {
    log.onDbtLine = (line) => {
      const reason = reparseReason(line);
      if (reason !== null && !this.reasons.has(this.chunk)) this.reasons.set(this.chunk, reason);
    };
  }
}
