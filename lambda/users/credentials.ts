// Password checks and the failed-login back-off they feed: login and the current-password check
// of a self-service change share them, so a guess costs the same wherever it is made.
import { type AuditEvent, auditEvent, type RequestMeta } from '../audit/event';
import { TooManyAttemptsError, ValidationError } from '../shared/errors';
import type { UsersDependencies } from './dependencies';
import { FREE_FAILURES, failureMemorySeconds, lockSeconds, retryAfterSeconds } from './login-throttle';
import { PASSWORD_MAX_BYTES } from './schemas';
import type { LoginFailures, StoredUser } from './user';

type CredentialDependencies = Pick<UsersDependencies, 'repository' | 'passwords'>;
type FailureDependencies = Pick<UsersDependencies, 'repository' | 'clock' | 'newId'>;

/** Who failed, and how: the facts of the login.failed (and login.locked) events. */
export interface FailedAttempt {
  readonly email: string;
  /** The account, when the email has one. */
  readonly userId: string | null;
  readonly reason: 'wrong_password' | 'unknown_email' | 'wrong_current_password';
  readonly meta: RequestMeta;
}

/** Constant work: an over-long password costs one bcrypt compare too. */
export const passwordMatches = async (
  deps: CredentialDependencies,
  user: StoredUser,
  password: string,
): Promise<boolean> => {
  // bcrypt would compare only the first 72 bytes; a longer password can never be the stored one.
  if (Buffer.byteLength(password, 'utf8') > PASSWORD_MAX_BYTES) {
    await deps.passwords.verifyNothing(password);
    return false;
  }
  return deps.passwords.verify(password, user.passwordHash);
};

/** The failures that still count at `now` (older ones are forgotten, whatever TTL has not yet removed). */
export const activeLoginFailures = async (
  deps: CredentialDependencies,
  email: string,
  now: Date,
): Promise<LoginFailures | undefined> => {
  const failures = await deps.repository.getLoginFailures(email);
  const forgotten =
    failures && Date.parse(failures.lastFailedAt) + failureMemorySeconds * 1000 <= now.getTime();
  return forgotten ? undefined : failures;
};

/** Throws the 429 while the account is locked. */
export const refuseWhileLocked = (failures: LoginFailures | undefined, now: Date): void => {
  const retryAfter = retryAfterSeconds(failures, now);
  if (retryAfter > 0) throw new TooManyAttemptsError(retryAfter);
};

/**
 * Counts a failure, with its login.failed event (and login.locked once it locks the account) in
 * the same write; from the sixth in a row the answer becomes a 429 instead of `otherwise`.
 */
export const loginFailed = async (
  deps: FailureDependencies,
  attempt: FailedAttempt,
  now: Date,
  otherwise: Error,
): Promise<Error> => {
  const context = { ...deps, meta: attempt.meta };
  // The reason stays in the event; no answer ever tells an unknown email from a wrong password.
  const about = { userId: attempt.userId, actorId: null, outcome: 'failure' } as const;
  const eventsFor = (count: number): AuditEvent[] => [
    auditEvent(context, { type: 'login.failed', ...about, details: { reason: attempt.reason, count } }),
    ...(count > FREE_FAILURES
      ? [
          auditEvent(context, {
            type: 'login.locked',
            ...about,
            details: { seconds: lockSeconds(count), count },
          }),
        ]
      : []),
  ];
  const failures = await deps.repository.addLoginFailure(
    attempt.email,
    now.toISOString(),
    failureMemorySeconds,
    eventsFor,
  );
  return failures.count > FREE_FAILURES ? new TooManyAttemptsError(lockSeconds(failures.count)) : otherwise;
};

/** A self-service change of email or password proves the current password; a wrong one is a failed login. */
export const confirmCurrentPassword = async (
  deps: CredentialDependencies & FailureDependencies,
  caller: StoredUser,
  currentPassword: string | undefined,
  now: Date,
  meta: RequestMeta,
): Promise<void> => {
  if (currentPassword === undefined) {
    throw new ValidationError('Changing your own email or password needs your current password.', [
      { path: 'current_password', message: 'is required to change your own email or password' },
    ]);
  }
  refuseWhileLocked(await activeLoginFailures(deps, caller.email, now), now);
  if (await passwordMatches(deps, caller, currentPassword)) return;
  throw await loginFailed(
    deps,
    { email: caller.email, userId: caller.id, reason: 'wrong_current_password', meta },
    now,
    new ValidationError('The current password is incorrect.', [
      { path: 'current_password', message: 'is incorrect' },
    ]),
  );
};
