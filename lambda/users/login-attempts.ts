// The port for failed-login counting: attempts are claimed before they are checked. A store
// (store/login-attempt-repository.ts on DynamoDB; any other store the same way) implements it
// with single-item atomic updates, never a read-then-write: N concurrent attempts must be
// treated exactly as N sequential ones, every failure recorded, and a contended item must never
// turn into an error. The policy (how many are free, how long a lock lasts) is login-throttle.ts's;
// the store is told it in each request.

/** Who is trying: an account (by email, known or not) from one client. */
export interface AttemptKey {
  readonly email: string;
  /**
   * Whose back-off this is: `ip#<source IP>`, or `device#<hash>` for a known device (which is
   * limited by its own failures only, and not by the account's ceiling).
   */
  readonly client: string;
}

export interface ClaimRequest extends AttemptKey {
  /** ISO time of the attempt. */
  readonly at: string;
  /** Failures a client may have before it is held (the first FREE are not). */
  readonly free: number;
  /** How long an attempt past the free ones holds the client while it is checked (seconds). */
  readonly holdSeconds: number;
  /** The account's ceiling across clients, per window; absent for a known device. */
  readonly ceiling?: { readonly limit: number; readonly windowSeconds: number } | undefined;
  /** How long a client's record matters after its last attempt (seconds). */
  readonly keepForSeconds: number;
}

/** An attempt that was claimed: it must end in `failed` or `giveBack`. */
export interface AttemptClaim extends AttemptKey {
  readonly at: string;
  /** The client's consecutive failures including this attempt. */
  readonly count: number;
  /** The account's failures in its window including this attempt, when the ceiling was claimed. */
  readonly accountCount?: number | undefined;
  /** The window the account claim counted in (its start), to give it back in the same one. */
  readonly windowStartedAt?: string | undefined;
  /** The hold this claim set (ISO), when past the free failures. */
  readonly heldUntil?: string | undefined;
  readonly keepForSeconds: number;
}

/** Refused before any check: this client is locked out, or the account is at its ceiling. */
export interface AttemptRefused {
  readonly retryAfterSeconds: number;
  readonly scope: 'client' | 'account';
}

export type ClaimOutcome = { readonly claimed: AttemptClaim } | { readonly refused: AttemptRefused };

export interface LoginAttempts {
  /**
   * Claims one attempt, atomically, BEFORE the password or code is compared. For the client, one
   * conditional update of its record: while it has fewer than `free` failures, an atomic add
   * guarded by `count < free`; past them, an add that also sets `held_until = at + holdSeconds`
   * guarded by `held_until <= at` (so only one attempt at a time is in flight for a held client,
   * and none while it is locked out). A record older than the account's last clear, or older
   * than `keepForSeconds`, starts over at 1. Then, with `ceiling`, one conditional update of
   * the account's record: an add guarded by `count < limit` in the open window, or a new window
   * at 1. If the account refuses, the client's claim is given back before answering. Refusals
   * change nothing; a claim that loses a race to another claim is re-decided on the state that
   * won (the guards are ranges, not versions, so a burst does not make them fail), and after a
   * few rounds is refused, never an error.
   */
  claim(request: ClaimRequest): Promise<ClaimOutcome>;
  // A store client that retries a timed-out add which had in fact landed counts that attempt
  // twice: an over-count (a lock a little early), never an under-count. DynamoDB's SDK does so
  // only when an answer takes longer than its request timeout.
  /**
   * The claimed attempt failed: its count stands, and the client's record takes `last_failed_at`
   * and `held_until = lockedUntil` (the lock its claimed count earns; absent within the free
   * failures). A record cleared meanwhile is recreated at 1, so no failure is lost.
   */
  failed(claim: AttemptClaim, lockedUntil: string | undefined): Promise<void>;
  /**
   * The claimed attempt succeeded, or was never checked: the account's claim is given back (an
   * atomic subtract, in the same window only). With `clearClient` the client's record is deleted
   * (a success forgets that client's failures, and only that client's); without it the
   * client's claim is given back (subtract, and its hold removed if it is still this claim's).
   */
  giveBack(claim: AttemptClaim, options: { readonly clearClient: boolean }): Promise<void>;
  /** Forgets every failure of the account, from every client, as of `at` (one write). */
  clearAccount(email: string, at: string, keepForSeconds: number): Promise<void>;
}
