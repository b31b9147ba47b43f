// Failed-login back-off, keyed so nobody can aim it at someone else. Pure policy: the service
// counts, this decides.
// - Per account AND client (source IP), Cognito style: the first five consecutive failures are
//   free; from the sixth that client is locked out of that account for a time that doubles with
//   each further failure, capped at 15 minutes. A stranger's guesses lock only the stranger.
// - Per account across all clients: a ceiling of 100 failures in an hour, then the account is
//   locked until the hour is over, which stops guessing spread over many addresses. Only a
//   password reset, an admin setting the password or a second-factor login lifts it sooner.
import type { AccountFailures, LoginFailures, LoginThrottleState } from './user';

export const FREE_FAILURES = 5;
const FIRST_LOCK_SECONDS = 5;
const MAX_LOCK_SECONDS = 15 * 60;
export const ACCOUNT_CEILING = 100;
export const ACCOUNT_WINDOW_SECONDS = 60 * 60;

/** How long `count` consecutive failures lock a client out, from the last failure. */
export const lockSeconds = (count: number): number =>
  count <= FREE_FAILURES
    ? 0
    : Math.min(FIRST_LOCK_SECONDS * 2 ** (count - FREE_FAILURES - 1), MAX_LOCK_SECONDS);

const secondsUntil = (epochMs: number, now: Date): number =>
  Math.max(0, Math.ceil((epochMs - now.getTime()) / 1000));

const clientRetryAfter = (failures: LoginFailures | undefined, now: Date): number =>
  failures ? secondsUntil(Date.parse(failures.lastFailedAt) + lockSeconds(failures.count) * 1000, now) : 0;

const accountRetryAfter = (account: AccountFailures | undefined, now: Date): number =>
  account?.windowStartedAt !== undefined && account.count >= ACCOUNT_CEILING
    ? secondsUntil(Date.parse(account.windowStartedAt) + ACCOUNT_WINDOW_SECONDS * 1000, now)
    : 0;

/** Seconds until this client may try this account again (0 when it may try now). */
export const retryAfterSeconds = (state: LoginThrottleState, now: Date): number =>
  Math.max(clientRetryAfter(state.client, now), accountRetryAfter(state.account, now));

/** True when this failure is the one that locks (the client out, or the whole account). */
export const lockedByFailure = (state: LoginThrottleState): boolean =>
  (state.client?.count ?? 0) > FREE_FAILURES || (state.account?.count ?? 0) >= ACCOUNT_CEILING;

/** How long the store must keep a failure record for it still to matter. */
export const failureMemorySeconds = MAX_LOCK_SECONDS + 24 * 60 * 60;
