// The end of every successful login, whichever factors it took (login.ts after a password,
// mfa/login-with-second-factor.ts after a second factor): `last_login` moves, the failed-login
// count is cleared, and the caller gets a token that says how it authenticated (`amr`).
import { InvalidCredentialsError } from '../shared/errors';
import type { UsersDependencies } from './dependencies';
import { profileOf, type StoredUser, type User } from './user';

export interface LoginResult {
  readonly token: string;
  readonly expiresIn: number;
  readonly user: User;
}

export const completeLogin = async (
  deps: Pick<UsersDependencies, 'repository' | 'tokens' | 'clock'>,
  user: StoredUser,
  login: { readonly amr: readonly string[]; readonly hadFailures: boolean },
): Promise<LoginResult> => {
  const now = deps.clock();
  // Independent writes: one round trip, not two.
  const [loggedIn] = await Promise.all([
    deps.repository.recordLogin(user.id, now.toISOString()),
    login.hadFailures ? deps.repository.clearLoginFailures(user.email) : undefined,
  ]);
  if (!loggedIn) throw new InvalidCredentialsError();
  const { token, expiresIn } = await deps.tokens.issue({ ...loggedIn, amr: login.amr }, now);
  return { token, expiresIn, user: profileOf(loggedIn) };
};
