import { createWriteStream, promises as fs, type WriteStream } from 'node:fs';
import path from 'node:path';
import type { Redactor } from '../io/redact.js';
import type { Logger } from '../shared/log.js';

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;?]*[A-Za-z]/g;

/**
 * The shard's dbt.log and its live output: every line is redacted before it goes anywhere.
 * The live log keeps dbt's colours (the Actions log renders them); the file drops them.
 * Lines are written in arrival order; `close()` waits until everything is on disk.
 */
export class ShardLog {
  /** told every line of dbt output (redacted), e.g. to notice that dbt parsed the project again */
  onDbtLine: ((line: string) => void) | null = null;

  private constructor(
    private readonly stream: WriteStream,
    private readonly redact: Redactor,
    private readonly live: Logger,
  ) {}

  static async open(file: string, redact: Redactor, live: Logger): Promise<ShardLog> {
    await fs.mkdir(path.dirname(file), { recursive: true });
    const stream = createWriteStream(file, { flags: 'w' });
    await new Promise<void>((resolve, reject) => {
      stream.once('open', () => resolve());
      stream.once('error', reject);
    });
    return new ShardLog(stream, redact, live);
  }

  /** a line of dbt output */
  dbt(line: string): void {
    const safe = this.redact(line);
    this.live.info(safe);
    this.stream.write(`${safe.replace(ANSI, '')}\n`);
    this.onDbtLine?.(safe);
  }

  /** a line of our own (attempts, signals, chunk results), marked so it stands out in dbt.log */
  note(message: string): void {
    const safe = this.redact(message);
    this.live.info(safe);
    this.stream.write(`[dbt-matrix] ${safe}\n`);
  }

  warn(message: string): void {
    const safe = this.redact(message);
    this.live.warning(safe);
    this.stream.write(`[dbt-matrix] warning: ${safe}\n`);
  }

  close(): Promise<void> {
    return new Promise((resolve, reject) => this.stream.end((err?: Error | null) => (err ? reject(err) : resolve())));
  }
}
