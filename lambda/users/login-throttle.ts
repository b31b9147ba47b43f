// Failed-login back-off, keyed so nobody can aim it at someone else. Pure policy: the store
// counts (login-attempts.ts, claimed before each check), this decides.
// - Per account AND client (source IP), Cognito style: the first five consecutive failures are
//   free; from the sixth that client is locked out of that account for a time that doubles with
//   each further failure, capped at 15 minutes. A stranger's guesses lock only the stranger.
// - Per account across all clients: a ceiling of 100 failures in an hour, then the account is
//   locked until the hour is over, which stops guessing spread over many addresses. Only a
//   password reset, an admin setting the password or a second-factor login lifts it sooner.
export const FREE_FAILURES = 5;
const FIRST_LOCK_SECONDS = 5;
const MAX_LOCK_SECONDS = 15 * 60;
export const ACCOUNT_CEILING = 100;
export const ACCOUNT_WINDOW_SECONDS = 60 * 60;
/**
 * How long an attempt past the free failures holds its client while it is checked (a bcrypt
 * compare): no second attempt of that client is checked meanwhile. Its failure replaces the hold
 * with the lock; a success lifts it; a crash leaves it to lapse.
 */
export const HOLD_SECONDS = 30;

/** How long `count` consecutive failures lock a client out, from the last failure. */
export const lockSeconds = (count: number): number =>
  count <= FREE_FAILURES
    ? 0
    : Math.min(FIRST_LOCK_SECONDS * 2 ** (count - FREE_FAILURES - 1), MAX_LOCK_SECONDS);

/** How long the store must keep a failure record for it still to matter. */
export const failureMemorySeconds = MAX_LOCK_SECONDS + 24 * 60 * 60;
