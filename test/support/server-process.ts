// `npm run serve` as a container runs it: node itself (never npm, which keeps SIGTERM to itself),
// a child process with a clean environment, its JSON log lines collected. For the server suites.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CollectedProcess, spawnCollecting } from './child-process';

const ROOT = join(__dirname, '..', '..');

export interface ServerProcess extends CollectedProcess {
  /** Every log line (JSON objects; warnings and errors go to stderr, the rest to stdout). */
  readonly logLines: () => Record<string, unknown>[];
  /** Sends `signal` (SIGTERM by default) and waits for the exit code. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** What a container's environment has: none of the variables the Jest harness and other suites set. */
export const cleanEnv = (): NodeJS.ProcessEnv => {
  const env: NodeJS.ProcessEnv = {};
  for (const name of ['PATH', 'HOME', 'LANG', 'TMPDIR']) if (process.env[name]) env[name] = process.env[name];
  return env;
};

export const newDataDir = (): string => mkdtempSync(join(tmpdir(), 'user-api-serve-'));

export const startServerProcess = (env: Record<string, string>, args: string[] = []): ServerProcess => {
  const run = spawnCollecting(
    'bash',
    ['-c', 'exec "$0" --import tsx server/index.ts "$@"', process.execPath, ...args],
    { cwd: ROOT, env: { ...cleanEnv(), PORT: '0', HOST: '127.0.0.1', ...env } },
  );
  const { child, stdout, stderr, exit } = run;
  const logLines = () =>
    `${stdout()}\n${stderr()}`
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  return {
    ...run,
    logLines,
    stop: (signal = 'SIGTERM') => {
      if (child.exitCode === null) child.kill(signal);
      return exit;
    },
  };
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The server's URL once it logs that it serves the API (its store open). */
export const waitForServing = async (server: ServerProcess, timeoutMs = 60_000): Promise<string> => {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const serving = server.logLines().find((line) => line.message === 'Serving');
    if (typeof serving?.url === 'string') return serving.url;
    if (server.child.exitCode !== null)
      throw new Error(`the server exited (${server.child.exitCode}): ${server.stderr()}`);
    await sleep(50);
  }
  throw new Error(`the server did not come up: ${server.stdout()} ${server.stderr()}`);
};
