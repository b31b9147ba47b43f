// Password checks and the failed-login back-off they feed: login and the current-password check
// of a self-service change share them, so a guess costs the same wherever it is made.
import { TooManyAttemptsError, ValidationError } from '../shared/errors';
import type { UsersDependencies } from './dependencies';
import { FREE_FAILURES, failureMemorySeconds, lockSeconds, retryAfterSeconds } from './login-throttle';
import { PASSWORD_MAX_BYTES } from './schemas';
import type { LoginFailures, StoredUser } from './user';

type CredentialDependencies = Pick<UsersDependencies, 'repository' | 'passwords'>;

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

/** Counts a failure; from the sixth in a row the answer becomes a 429 instead of `otherwise`. */
export const loginFailed = async (
  deps: CredentialDependencies,
  email: string,
  now: Date,
  otherwise: Error,
): Promise<Error> => {
  const failures = await deps.repository.addLoginFailure(email, now.toISOString(), failureMemorySeconds);
  return failures.count > FREE_FAILURES ? new TooManyAttemptsError(lockSeconds(failures.count)) : otherwise;
};

/** A self-service change of email or password proves the current password; a wrong one is a failed login. */
export const confirmCurrentPassword = async (
  deps: CredentialDependencies,
  caller: StoredUser,
  currentPassword: string | undefined,
  now: Date,
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
    caller.email,
    now,
    new ValidationError('The current password is incorrect.', [
      { path: 'current_password', message: 'is incorrect' },
    ]),
  );
};
