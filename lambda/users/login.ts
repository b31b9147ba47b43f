// Use case: log in with email and password. Unknown email and wrong password cost the same and
// answer the same; failures feed the back-off (login-throttle.ts), a success clears it.
import { InvalidCredentialsError } from '../shared/errors';
import { activeLoginFailures, loginFailed, passwordMatches, refuseWhileLocked } from './credentials';
import type { UsersDependencies } from './dependencies';
import { profileOf, type User } from './user';

export interface LoginResult {
  readonly token: string;
  readonly expiresIn: number;
  readonly user: User;
}

export const login = async (
  deps: Pick<UsersDependencies, 'repository' | 'passwords' | 'tokens' | 'clock'>,
  email: string,
  password: string,
  /** The source IP: the back-off is per account and client. */
  client: string,
): Promise<LoginResult> => {
  const now = deps.clock();
  const [failures, user] = await Promise.all([
    activeLoginFailures(deps, email, client, now),
    deps.repository.getByEmail(email),
  ]);
  // During a lock even the right password is refused, so guessing gains nothing.
  refuseWhileLocked(failures, now);

  if (!(await passwordMatches(deps, user, password)) || !user) {
    throw await loginFailed(deps, email, client, failures, now, new InvalidCredentialsError());
  }
  // Independent writes: one round trip, not two.
  const [loggedIn] = await Promise.all([
    deps.repository.recordLogin(user.id, now.toISOString()),
    failures.client ? deps.repository.clearClientLoginFailures(email, client) : undefined,
  ]);
  if (!loggedIn) throw new InvalidCredentialsError();
  const { token, expiresIn } = await deps.tokens.issue(loggedIn, now);
  return { token, expiresIn, user: profileOf(loggedIn) };
};
