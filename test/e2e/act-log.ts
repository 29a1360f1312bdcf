// Reading act's log: every line a job prints starts with `[<workflow name>/<job name>]`.

/** job name → result, from act's `🏁  Job succeeded|failed` lines */
export function jobResults(log: string): Map<string, 'succeeded' | 'failed'> {
  const jobs = new Map<string, 'succeeded' | 'failed'>();
  for (const m of log.matchAll(/^\[[^/\]]+\/([^\]]+?)\s*\] 🏁 {2}Job (succeeded|failed)$/gm)) {
    jobs.set(m[1]!, m[2] as 'succeeded' | 'failed');
  }
  return jobs;
}

/** The outputs a job's steps set, from act's `::set-output::` lines. */
export function setOutputs(log: string, job: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const re = new RegExp(`^\\[[^/\\]]+/${job}\\s*\\]\\s+⚙ {2}::set-output:: ([\\w-]+)=(.*)$`, 'gm');
  for (const m of log.matchAll(re)) outputs[m[1]!] = m[2]!;
  return outputs;
}

/** Every line one job printed, prefix included, joined by newlines. */
export function jobLines(log: string, job: string): string {
  return log
    .split('\n')
    .filter((line) => new RegExp(`^\\[[^/\\]]+/${escape(job)}\\s*\\]`).test(line))
    .join('\n');
}

/**
 * Seconds a job's step took, from act's `✅  Success - Main <step> [<Go duration>]` line: an action's
 * main part, or with phase 'Post' its post part (actions/cache saves there).
 */
export function stepSeconds(log: string, job: string, step: string, phase: 'Main' | 'Post' = 'Main'): number {
  const m = jobLines(log, job).match(new RegExp(`✅ {2}Success - ${phase} ${escape(step)} \\[([^\\]]+)\\]`));
  if (!m) throw new Error(`act's log has no successful ${phase} step "${step}" in job ${job}`);
  return goDurationSeconds(m[1]!);
}

/** Go's time.Duration text (`1m13.03s`, `871.04ms`, `12µs`) in seconds. */
export function goDurationSeconds(text: string): number {
  const units: Record<string, number> = { h: 3600, m: 60, s: 1, ms: 1e-3, µs: 1e-6, us: 1e-6, ns: 1e-9 };
  const parts = [...text.matchAll(/([\d.]+)(h|ms|m|s|µs|us|ns)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== text) throw new Error(`not a Go duration: ${text}`);
  return parts.reduce((sum, p) => sum + Number(p[1]) * units[p[2]!]!, 0);
}

const escape = (text: string): string => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
