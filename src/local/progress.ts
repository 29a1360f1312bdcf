/**
 * The live view of a `local` run: per shard its state, nodes done / total and elapsed time.
 * On a terminal the block is redrawn in place (ANSI, throttled); otherwise (CI logs, pipes) one
 * plain line per state change. dbt's own output never reaches the screen: it is in each shard's
 * dbt.log, and only its "N of M" result lines are counted here.
 */
/** `skipped`: every node of the shard sits below a failure, so it was not started (as dbt build skips them); `not run`: cancelled before it started */
export type ShardState = 'queued' | 'running' | 'passed' | 'failed' | 'cancelled' | 'skipped' | 'not run';

export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
  rows?: number;
}

interface Row {
  id: string;
  stage: number | 'final';
  state: ShardState;
  nodes: number;
  chunks: number;
  done: number;
  startedAt: number | null;
  endedAt: number | null;
}

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;?]*[A-Za-z]/g;
/** `12:00:01  3 of 14 OK created sql table model main.x ... [OK in 0.1s]` — not the START lines */
const RESULT_LINE = /(?:^|\s)(\d+) of (\d+) (?!START\b)[A-Z]/;

/** The "N of M" position of a dbt result line, or null for any other line. */
export function parseResultLine(line: string): { index: number; total: number } | null {
  const m = RESULT_LINE.exec(line.replace(ANSI, ''));
  return m ? { index: Number(m[1]), total: Number(m[2]) } : null;
}

/** `chunk 2/5 [...]`, the group title runShard gives each chunk */
const CHUNK_TITLE = /^chunk \d+\/(\d+)\b/;

export class Progress {
  private readonly rows = new Map<string, Row>();
  private readonly tty: boolean;
  private readonly t0: number;
  private drawn = 0;
  private timer: NodeJS.Timeout | undefined;
  private lastDraw = 0;
  private pending: NodeJS.Timeout | undefined;
  private header = '';

  constructor(
    private readonly out: ProgressStream,
    private readonly now: () => number = Date.now,
    private readonly throttleMs = 120,
  ) {
    this.tty = out.isTTY === true;
    this.t0 = now();
    if (this.tty) {
      // the elapsed column moves even when dbt is quiet
      this.timer = setInterval(() => this.redraw(), 1000);
      this.timer.unref();
    }
  }

  addShard(id: string, stage: number | 'final', nodes: number): void {
    this.rows.set(id, { id, stage, state: 'queued', nodes, chunks: 1, done: 0, startedAt: null, endedAt: null });
  }

  /** a headline such as "stage 1 of 2: 3 shards, 3 at once" */
  stage(text: string): void {
    this.header = text;
    if (this.tty) this.scheduleDraw();
    else this.print(text);
  }

  start(id: string): void {
    this.update(id, { state: 'running', startedAt: this.now() }, true);
  }

  /** runShard's group title per chunk: a chunked shard runs its nodes once per chunk */
  chunk(id: string, title: string): void {
    const m = CHUNK_TITLE.exec(title);
    if (m) this.update(id, { chunks: Number(m[1]) }, false);
  }

  dbtLine(id: string, line: string): void {
    const row = this.rows.get(id);
    if (!row || parseResultLine(line) === null) return;
    this.update(id, { done: Math.min(row.done + 1, row.nodes * row.chunks) }, false);
  }

  finish(id: string, state: Exclude<ShardState, 'queued' | 'running'>): void {
    this.update(id, { state, endedAt: this.now() }, true);
  }

  /** a line of our own (a warning, a stage note) above the live block */
  message(text: string): void {
    if (!this.tty) return this.print(text);
    this.erase();
    this.out.write(`${text}\n`);
    this.draw();
  }

  /** final redraw; stops the clock */
  close(): void {
    clearInterval(this.timer);
    clearTimeout(this.pending);
    if (this.tty) this.draw();
  }

  /** the state of one shard (for tests and the end summary) */
  get(id: string): Readonly<Row> | undefined {
    return this.rows.get(id);
  }

  private update(id: string, patch: Partial<Row>, stateChange: boolean): void {
    const row = this.rows.get(id);
    if (!row) return;
    Object.assign(row, patch);
    if (this.tty) this.scheduleDraw();
    else if (stateChange) this.print(this.rowText(row));
  }

  private print(text: string): void {
    this.out.write(`[${seconds(this.now() - this.t0).padStart(7)}] ${text}\n`);
  }

  private scheduleDraw(): void {
    if (this.pending) return;
    const wait = Math.max(0, this.lastDraw + this.throttleMs - this.now());
    this.pending = setTimeout(() => {
      this.pending = undefined;
      this.redraw();
    }, wait);
  }

  private redraw(): void {
    this.erase();
    this.draw();
  }

  private erase(): void {
    if (this.drawn > 0) this.out.write(`\u001b[${this.drawn}A\u001b[J`);
    this.drawn = 0;
  }

  private draw(): void {
    this.lastDraw = this.now();
    const width = Math.max(20, (this.out.columns || 100) - 1);
    const lines = this.blockLines().map((l) => (l.length > width ? `${l.slice(0, width - 1)}…` : l));
    this.out.write(lines.map((l) => `${l}\n`).join(''));
    this.drawn = lines.length;
  }

  /** Rows of the active stage (and a count for the rest), bounded by the terminal height. */
  private blockLines(): string[] {
    const all = [...this.rows.values()];
    if (all.length === 0) return []; // planning: nothing to show yet
    const active = all.filter((r) => r.state === 'running' || (r.state === 'queued' && r.stage === this.activeStage()));
    const finished = all.filter((r) => r.state !== 'queued' && r.state !== 'running');
    const room = Math.max(3, (this.out.rows || 30) - 4);
    const shown = [...active, ...finished.slice(-Math.max(0, room - active.length))].slice(0, room);
    shown.sort((a, b) => stageKey(a) - stageKey(b) || (a.id < b.id ? -1 : 1));
    const counts = countStates(all);
    const head = `${this.header}${this.header ? '  ·  ' : ''}${counts}  ·  ${seconds(this.now() - this.t0)}`;
    return [head, ...shown.map((r) => `  ${this.rowText(r)}`)];
  }

  private activeStage(): number | 'final' | null {
    return [...this.rows.values()].find((r) => r.state === 'running')?.stage ?? null;
  }

  private rowText(r: Row): string {
    const total = r.nodes * r.chunks;
    const elapsed = r.startedAt === null ? '' : seconds((r.endedAt ?? this.now()) - r.startedAt);
    const icon = ICON[r.state];
    return `${icon} ${r.id.padEnd(8)} ${r.state.padEnd(9)} ${`${r.done}/${total} nodes`.padEnd(15)} ${elapsed}`.trimEnd();
  }
}

const ICON: Record<ShardState, string> = {
  queued: '·',
  running: '▶',
  passed: '✔',
  failed: '✘',
  cancelled: '■',
  skipped: '»',
  'not run': '-',
};

const stageKey = (r: Row): number => (r.stage === 'final' ? Number.MAX_SAFE_INTEGER : r.stage);

const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)}s`;

function countStates(rows: readonly Row[]): string {
  const order: ShardState[] = ['running', 'queued', 'passed', 'failed', 'cancelled', 'skipped', 'not run'];
  return order
    .map((s) => [s, rows.filter((r) => r.state === s).length] as const)
    .filter(([, n]) => n > 0)
    .map(([s, n]) => `${n} ${s}`)
    .join(', ');
}
