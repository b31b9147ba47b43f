// Failed-login back-off, Cognito style: the first five consecutive failures are free; from the
// sixth on the account is locked for a time that doubles with each further failure, capped.
// Pure policy: the service counts, this decides.
import type { LoginFailures } from './user';

export const FREE_FAILURES = 5;
const FIRST_LOCK_SECONDS = 5;
const MAX_LOCK_SECONDS = 15 * 60;

/** How long `count` consecutive failures lock the account, from the last failure. */
export const lockSeconds = (count: number): number =>
  count <= FREE_FAILURES
    ? 0
    : Math.min(FIRST_LOCK_SECONDS * 2 ** (count - FREE_FAILURES - 1), MAX_LOCK_SECONDS);

/** Seconds until a login may be tried again (0 when it may be tried now). */
export const retryAfterSeconds = (failures: LoginFailures | undefined, now: Date): number => {
  if (!failures) return 0;
  const lockedUntil = Date.parse(failures.lastFailedAt) + lockSeconds(failures.count) * 1000;
  return Math.max(0, Math.ceil((lockedUntil - now.getTime()) / 1000));
};

/** How long the store must keep a failure record for it still to matter. */
export const failureMemorySeconds = MAX_LOCK_SECONDS + 24 * 60 * 60;
