// Password checks and the failed-login back-off they feed: login and the current-password check
// of a self-service change share them, so a guess costs the same wherever it is made.
import { type AuditEvent, auditEvent, type RequestMeta } from '../audit/event';
import { TooManyAttemptsError, ValidationError } from '../shared/errors';
import type { UsersDependencies } from './dependencies';
import {
  ACCOUNT_CEILING,
  ACCOUNT_WINDOW_SECONDS,
  failureMemorySeconds,
  lockedByFailure,
  retryAfterSeconds,
} from './login-throttle';
import { normalisePassword } from './password-rules';
import { PASSWORD_MAX_BYTES } from './schemas';
import type { LoginThrottleState, StoredUser } from './user';

type CredentialDependencies = Pick<UsersDependencies, 'repository' | 'passwords'>;
type FailureDependencies = Pick<UsersDependencies, 'repository' | 'clock' | 'newId'>;

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

/** The failures that still count at `now` (older or cleared ones are forgotten, whatever TTL has not yet removed). */
export const activeLoginFailures = async (
  deps: CredentialDependencies,
  email: string,
  client: string,
  now: Date,
): Promise<LoginThrottleState> => {
  const { client: fromClient, account } = await deps.repository.getLoginFailures(email, client);
  const forgotten =
    fromClient &&
    (Date.parse(fromClient.lastFailedAt) + failureMemorySeconds * 1000 <= now.getTime() ||
      (account?.clearedAt !== undefined && fromClient.lastFailedAt <= account.clearedAt));
  return { client: forgotten ? undefined : fromClient, account };
};

/** Throws the 429 while this client is locked out of the account, or the account is locked. */
export const refuseWhileLocked = (state: LoginThrottleState, now: Date): void => {
  const retryAfter = retryAfterSeconds(state, now);
  if (retryAfter > 0) throw new TooManyAttemptsError(retryAfter);
};

/**
 * Counts a failure, for this client and for the account, with its login.failed event (and
 * login.locked when this failure locks the client out, or the whole account) in the same
 * transaction as the counts; once it locks, the answer becomes a 429 instead of `otherwise`.
 */
export const loginFailed = async (
  deps: FailureDependencies,
  attempt: FailedAttempt,
  before: LoginThrottleState,
  now: Date,
  otherwise: Error,
): Promise<Error> => {
  const context = { ...deps, meta: attempt.meta };
  // The reason stays in the event; no answer ever tells an unknown email from a wrong password.
  const about = { userId: attempt.userId, actorId: null, outcome: 'failure' } as const;
  const eventsFor = (state: LoginThrottleState): AuditEvent[] => {
    const counts = { count: state.client?.count ?? 0, account_count: state.account?.count ?? 0 };
    return [
      auditEvent(context, { type: 'login.failed', ...about, details: { reason: attempt.reason, ...counts } }),
      ...(lockedByFailure(state)
        ? [
            auditEvent(context, {
              type: 'login.locked',
              ...about,
              details: {
                scope: counts.account_count >= ACCOUNT_CEILING ? 'account' : 'client',
                seconds: Math.max(1, retryAfterSeconds(state, now)),
                ...counts,
              },
            }),
          ]
        : []),
    ];
  };
  const state = await deps.repository.addLoginFailure(
    {
      email: attempt.email,
      client: attempt.client,
      at: now.toISOString(),
      clearedAt: before.account?.clearedAt,
      keepForSeconds: failureMemorySeconds,
      windowSeconds: ACCOUNT_WINDOW_SECONDS,
    },
    eventsFor,
  );
  return lockedByFailure(state)
    ? new TooManyAttemptsError(Math.max(1, retryAfterSeconds(state, now)))
    : otherwise;
};

/**
 * Clears every failure of the account, from every client, and lifts its lock. Called when the
 * owner has proved themselves some other way: a password reset, an admin setting the password,
 * a second-factor login.
 */
export const clearLoginFailures = async (
  deps: Pick<UsersDependencies, 'repository' | 'clock'>,
  email: string,
): Promise<void> => {
  await deps.repository.clearLoginFailures(email, deps.clock().toISOString(), failureMemorySeconds);
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
  const failures = await activeLoginFailures(deps, caller.email, client, now);
  refuseWhileLocked(failures, now);
  if (await passwordMatches(deps, caller, currentPassword)) return;
  throw await loginFailed(
    deps,
    { email: caller.email, client, userId: caller.id, reason: 'wrong_current_password', meta },
    failures,
    now,
    new ValidationError('The current password is incorrect.', [
      { path: 'current_password', message: 'is incorrect' },
    ]),
  );
};
