// Where the server's log lines go: stdout (warnings and errors to stderr), in batches. Node writes
// to a pipe synchronously on Linux, so one write per line made every request pay a system call for
// its access line (a fifth of the CPU of a GET own user, profiled); the lines of one turn of the
// event loop now leave in one write at the end of it. Flushed at exit (process.exit, a crash), so
// only a SIGKILL can cut the last turn's lines.
import type { LogLevel } from '../lambda/shared/logger';

export type Stream = 'stdout' | 'stderr';

export interface BatchedLogWriter {
  /** The logger's `write`. */
  write(line: string, level: LogLevel): void;
  /** Writes every pending line now. */
  flush(): void;
}

export const batchedLogWriter = (
  sink: (stream: Stream, text: string) => void = (stream, text) => process[stream].write(text),
  schedule: (flush: () => void) => void = (flush) => setImmediate(flush),
): BatchedLogWriter => {
  const pending: Record<Stream, string[]> = { stdout: [], stderr: [] };
  let scheduled = false;
  const flush = () => {
    scheduled = false;
    for (const stream of ['stdout', 'stderr'] as const) {
      const lines = pending[stream].splice(0);
      if (lines.length > 0) sink(stream, `${lines.join('\n')}\n`);
    }
  };
  return {
    write(line, level) {
      pending[level === 'error' || level === 'warn' ? 'stderr' : 'stdout'].push(line);
      if (scheduled) return;
      scheduled = true;
      schedule(flush);
    },
    flush,
  };
};
