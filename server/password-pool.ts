// The server's PasswordHasher: bcrypt on a pool of worker threads (piscina), so a flood of logins
// queues on the pool while the event loop keeps serving everything else. The Lambda keeps
// hashing inline (lambda/shared/passwords.ts): one request per instance has nothing to protect.
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Piscina } from 'piscina';
import type { PasswordHasher } from '../lambda/shared/passwords';

export interface PasswordPool extends PasswordHasher {
  /** Waits for the jobs in hand, then ends the threads. */
  close(): Promise<void>;
}

type Job =
  | { readonly op: 'hash'; readonly password: string; readonly cost: number }
  | { readonly op: 'compare'; readonly password: string; readonly hash: string };

/**
 * One core is left to the event loop: bcrypt on every core would make the other requests wait for
 * CPU all the same.
 */
export const defaultPoolThreads = (): number => Math.max(1, availableParallelism() - 1);

export const createPasswordPool = (cost: number, threads = defaultPoolThreads()): PasswordPool => {
  const pool = new Piscina({
    filename: join(__dirname, 'bcrypt-worker.mjs'),
    minThreads: 1,
    maxThreads: threads,
    idleTimeout: 60_000,
  });
  const run = <T>(job: Job): Promise<T> => pool.run(job) as Promise<T>;
  let dummyHash: Promise<string> | undefined;
  return {
    cost,
    hash: (password) => run<string>({ op: 'hash', password, cost }),
    verify: (password, hash) => run<boolean>({ op: 'compare', password, hash }),
    async verifyNothing(password) {
      dummyHash ??= run<string>({ op: 'hash', password: 'no user has this password', cost });
      await run<boolean>({ op: 'compare', password, hash: await dummyHash });
    },
    close: () => pool.close(),
  };
};
