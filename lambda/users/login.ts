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
): Promise<LoginResult> => {
  const now = deps.clock();
  const [failures, user] = await Promise.all([
    activeLoginFailures(deps, email, now),
    deps.repository.getByEmail(email),
  ]);
  // During a lock even the right password is refused, so guessing gains nothing.
  refuseWhileLocked(failures, now);

  if (!user || !(await passwordMatches(deps, user, password))) {
    if (!user) await deps.passwords.verifyNothing(password);
    throw await loginFailed(deps, email, now, new InvalidCredentialsError());
  }
  // Independent writes: one round trip, not two.
  const [loggedIn] = await Promise.all([
    deps.repository.recordLogin(user.id, now.toISOString()),
    failures ? deps.repository.clearLoginFailures(email) : undefined,
  ]);
  if (!loggedIn) throw new InvalidCredentialsError();
  const { token, expiresIn } = await deps.tokens.issue(
    { sub: loggedIn.id, role: loggedIn.role, amr: ['pwd'], tv: loggedIn.tokenVersion },
    now,
  );
  return { token, expiresIn, user: profileOf(loggedIn) };
};
