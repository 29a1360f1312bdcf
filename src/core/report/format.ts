/** Small helpers shared by the report's renderers and files. */

/** Seconds to the millisecond, as dbt writes them. */
export const round3 = (n: number): number => Math.round(n * 1000) / 1000;

/** `4.2s`, `2m 03s`, `1h 02m`: short enough for a table cell. */
export function formatDuration(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '–';
  if (seconds < 60) return `${seconds < 10 ? seconds.toFixed(1) : Math.round(seconds)}s`;
  const total = Math.round(seconds);
  if (total < 3600) return `${Math.floor(total / 60)}m ${pad2(total % 60)}s`;
  return `${Math.floor(total / 3600)}h ${pad2(Math.floor((total % 3600) / 60))}m`;
}

const pad2 = (n: number): string => String(n).padStart(2, '0');

/** A table cell: pipes escaped, line breaks flattened, long text cut. */
export function cell(text: string, max = 120): string {
  const flat = text
    .replace(/\r?\n+/g, ' ')
    .replace(/\|/g, '\\|')
    .trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/** How much of dbt's message a failure shows: in summary.md (a block per failure) and on a terminal line. */
export const SUMMARY_MESSAGE_CHARS = 2000;
export const TERMINAL_MESSAGE_CHARS = 600;

/**
 * dbt's whole message — every line, the cause included — cut at `max` characters on a line or
 * word boundary when one is near, so a long compiled-SQL excerpt does not flood the screen.
 */
export function shortMessage(message: string, max: number): string {
  const text = message
    .replace(/\r\n?/g, '\n')
    .replace(/[ \t]+$/gm, '')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
  if (text.length <= max) return text;
  const head = text.slice(0, max);
  const cut = Math.max(head.lastIndexOf('\n'), head.lastIndexOf(' '));
  return `${cut > max * 0.8 ? head.slice(0, cut) : head}… (${text.length - (cut > max * 0.8 ? cut : max)} more characters in run_results.json)`;
}

/** Inline code that survives backticks inside the text. */
export function code(text: string): string {
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((m) => m.length));
  const fence = '`'.repeat(longest + 1);
  return longest > 0 ? `${fence} ${text} ${fence}` : `${fence}${text}${fence}`;
}

/** A fenced block whose fence is longer than any backtick run in the text. */
export function fenced(text: string, lang = ''): string {
  const longest = Math.max(2, ...(text.match(/`+/g) ?? []).map((m) => m.length));
  const fence = '`'.repeat(longest + 1);
  return `${fence}${lang}\n${text.replace(/\s+$/, '')}\n${fence}`;
}

export { STATUS_ICON, iconFor } from './status.js';

/** Relative difference, e.g. `+23%`, for planned-vs-actual. */
export function percentDelta(actual: number, planned: number): string {
  if (planned <= 0) return 'n/a';
  const d = Math.round(((actual - planned) / planned) * 100);
  return `${d >= 0 ? '+' : ''}${d}%`;
}
