// Child processes of `npm run bench`: run one to its end, keep what it printed, time it.
import { spawn } from 'node:child_process';

export interface Finished {
  readonly stdout: string;
  /** Spawn to exit, seen from outside. */
  readonly wallMs: number;
}

/** Resolves with the output of a process that exits 0; rejects with the end of its stderr otherwise. */
export const runProcess = (
  command: string,
  args: readonly string[],
  options: { readonly env?: NodeJS.ProcessEnv; readonly cwd?: string } = {},
): Promise<Finished> =>
  new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk;
    });
    child.once('error', reject);
    child.once('exit', (code) => {
      const wallMs = performance.now() - started;
      if (code === 0) resolve({ stdout, wallMs });
      else reject(new Error(`${command} ${args.join(' ')} exited ${code}:\n${stderr.slice(-3_000)}`));
    });
  });

/** The last line a child printed: where our children put their one JSON answer. */
export const lastLine = (stdout: string): string => stdout.trim().split('\n').at(-1) ?? '';
