// Password checks and the failed-login back-off they feed: login, its second factor and the
// current-password check of a self-service change share them, so a guess costs the same wherever
// it is made. Every attempt is claimed before it is checked (login-attempts.ts), so a burst is
// counted exactly as the same attempts one after another.
import { auditEvent, type RequestMeta } from '../audit/event';
import { TooManyAttemptsError, ValidationError } from '../shared/errors';
import type { UsersDependencies } from './dependencies';
import type { AttemptClaim } from './login-attempts';

export type { AttemptClaim } from './login-attempts';

import {
  ACCOUNT_CEILING,
  ACCOUNT_WINDOW_SECONDS,
  FREE_FAILURES,
  failureMemorySeconds,
  HOLD_SECONDS,
  lockSeconds,
} from './login-throttle';
import { normalisePassword } from './password-rules';
import { PASSWORD_MAX_BYTES } from './schemas';
import type { StoredUser } from './user';

type CredentialDependencies = Pick<UsersDependencies, 'repository' | 'passwords'>;
type FailureDependencies = Pick<UsersDependencies, 'attempts' | 'audit' | 'clock' | 'newId'>;

/** Who failed, and how: the facts of the login.failed (and login.locked) events. */
export interface FailedAttempt {
  readonly email: string;
  /** The source IP: the back-off is per account and client. */
  readonly client: string;
  /** The account, when the email has one. */
  readonly userId: string | null;
  readonly reason: 'wrong_password' | 'unknown_email' | 'wrong_current_password' | 'wrong_second_factor';
  readonly meta: RequestMeta;
}

/**
 * Compares in NFKC. Hashes stored before passwords were normalised were made from the text as
 * typed: when the presented text is not already NFKC, the text as typed is tried too, so those
 * users still log in the way they always did. Constant work: an unknown user, or an over-long
 * password, costs the same compares.
 */
export const passwordMatches = async (
  deps: CredentialDependencies,
  user: StoredUser | undefined,
  password: string,
): Promise<boolean> => {
  const normalised = normalisePassword(password);
  const candidates = normalised === password ? [normalised] : [normalised, password];
  let matched = false;
  for (const candidate of candidates) {
    // bcrypt would compare only the first 72 bytes; a longer password can never be the stored one.
    if (matched || !user || Buffer.byteLength(candidate, 'utf8') > PASSWORD_MAX_BYTES) {
      await deps.passwords.verifyNothing(candidate);
    } else {
      matched = await deps.passwords.verify(candidate, user.passwordHash);
    }
  }
  return matched;
};

/** Whose back-off an attempt counts in: its source IP, or a known device (device-tokens.ts). */
export interface AttemptSource {
  /** The source IP: the events' and, without a device, the back-off's key. */
  readonly ip: string;
  /** A known device's key: limited by that device's own failures only, not by the ceiling. */
  readonly device?: string | undefined;
}

/**
 * Claims one attempt at `email` before anything is compared: a 429 (with Retry-After) when this
 * client is locked out or the account is at its ceiling. A locked client learns nothing, not
 * even whether this guess was right. The claim must end in `attemptFailed` or `giveBackAttempt`.
 */
export const claimAttempt = async (
  deps: Pick<UsersDependencies, 'attempts'>,
  email: string,
  source: AttemptSource,
  now: Date,
): Promise<AttemptClaim> => {
  const outcome = await deps.attempts.claim({
    email,
    client: source.device === undefined ? source.ip : `device#${source.device}`,
    at: now.toISOString(),
    free: FREE_FAILURES,
    holdSeconds: HOLD_SECONDS,
    ceiling:
      source.device === undefined
        ? { limit: ACCOUNT_CEILING, windowSeconds: ACCOUNT_WINDOW_SECONDS }
        : undefined,
    keepForSeconds: failureMemorySeconds,
  });
  if ('refused' in outcome) throw new TooManyAttemptsError(outcome.refused.retryAfterSeconds);
  return outcome.claimed;
};

/** The attempt was right (or never checked): its claim is given back; a login also forgets its client's failures. */
export const giveBackAttempt = (
  deps: Pick<UsersDependencies, 'attempts'>,
  claim: AttemptClaim,
  options: { readonly clearClient: boolean },
): Promise<void> => deps.attempts.giveBack(claim, options);

/**
 * The claimed attempt failed: its count stands, the lock its count earns is set, and
 * login.failed (with login.locked when this failure locks the client out, or the whole account)
 * is recorded with the counts the claim took; once it locks, the answer becomes a 429 instead of
 * `otherwise`.
 */
export const attemptFailed = async (
  deps: FailureDependencies,
  attempt: FailedAttempt,
  claim: AttemptClaim,
  now: Date,
  otherwise: Error,
): Promise<Error> => {
  const lock = lockSeconds(claim.count);
  await deps.attempts.failed(
    claim,
    lock > 0 ? new Date(now.getTime() + lock * 1000).toISOString() : undefined,
  );
  const accountCount = claim.accountCount ?? 0;
  const accountLock =
    claim.windowStartedAt !== undefined && accountCount >= ACCOUNT_CEILING
      ? Math.ceil((Date.parse(claim.windowStartedAt) + ACCOUNT_WINDOW_SECONDS * 1000 - now.getTime()) / 1000)
      : 0;
  const seconds = Math.max(1, lock, accountLock);
  const locked = lock > 0 || accountLock > 0;
  const context = { ...deps, meta: attempt.meta };
  // The reason stays in the event; no answer ever tells an unknown email from a wrong password.
  const about = { userId: attempt.userId, actorId: null, outcome: 'failure' } as const;
  const counts = { count: claim.count, account_count: accountCount };
  await deps.audit.record([
    auditEvent(context, { type: 'login.failed', ...about, details: { reason: attempt.reason, ...counts } }),
    ...(locked
      ? [
          auditEvent(context, {
            type: 'login.locked',
            ...about,
            details: { scope: accountLock > 0 ? 'account' : 'client', seconds, ...counts },
          }),
        ]
      : []),
  ]);
  return locked ? new TooManyAttemptsError(seconds) : otherwise;
};

/**
 * Clears every failure of the account, from every client, and lifts its lock. Called when the
 * owner has proved themselves some other way: a password reset, an admin setting the password,
 * a second-factor login.
 */
export const clearLoginFailures = async (
  deps: Pick<UsersDependencies, 'attempts' | 'clock'>,
  email: string,
): Promise<void> => {
  await deps.attempts.clearAccount(email, deps.clock().toISOString(), failureMemorySeconds);
};

/** A self-service change of email or password proves the current password; a wrong one is a failed login. */
export const confirmCurrentPassword = async (
  deps: CredentialDependencies & FailureDependencies,
  caller: StoredUser,
  currentPassword: string | undefined,
  client: string,
  now: Date,
  meta: RequestMeta,
): Promise<void> => {
  if (currentPassword === undefined) {
    throw new ValidationError('Changing your own email or password needs your current password.', [
      { path: 'current_password', message: 'is required to change your own email or password' },
    ]);
  }
  const claim = await claimAttempt(deps, caller.email, { ip: client }, now);
  if (await passwordMatches(deps, caller, currentPassword)) {
    await giveBackAttempt(deps, claim, { clearClient: false });
    return;
  }
  throw await attemptFailed(
    deps,
    { email: caller.email, client, userId: caller.id, reason: 'wrong_current_password', meta },
    claim,
    now,
    new ValidationError('The current password is incorrect.', [
      { path: 'current_password', message: 'is incorrect' },
    ]),
  );
};
