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
