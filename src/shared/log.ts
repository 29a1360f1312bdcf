/**
 * Where entries report progress. The action implements it over @actions/core (groups fold in
 * the job log), the CLI over stdout/stderr, tests collect lines.
 */
export interface Logger {
  info(message: string): void;
  warning(message: string): void;
  error(message: string): void;
  group<T>(name: string, fn: () => Promise<T>): Promise<T>;
}

export const consoleLogger = (quiet = false): Logger => ({
  info: (m) => {
    if (!quiet) process.stdout.write(`${m}\n`);
  },
  warning: (m) => process.stderr.write(`warning: ${m}\n`),
  error: (m) => process.stderr.write(`error: ${m}\n`),
  group: async (name, fn) => {
    if (!quiet) process.stdout.write(`── ${name}\n`);
    return fn();
  },
});

/** Collects lines; for tests. */
export function memoryLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  return {
    lines,
    info: (m) => lines.push(m),
    warning: (m) => lines.push(`warning: ${m}`),
    error: (m) => lines.push(`error: ${m}`),
    group: async (name, fn) => {
      lines.push(`group: ${name}`);
      return fn();
    },
  };
}
