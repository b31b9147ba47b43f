// Use case: log in with email and password. Unknown email and wrong password cost the same and
// answer the same; failures feed the back-off (login-throttle.ts), a success clears it. A user
// with a second factor gets a challenge instead of a token, and the failures stay counted until
// the second factor passes.
import { type SecondFactorRequired, startSecondFactor } from '../mfa/login-with-second-factor';
import type { MfaRepository } from '../mfa/repository';
import { InvalidCredentialsError } from '../shared/errors';
import { completeLogin, type LoginResult } from './complete-login';
import { activeLoginFailures, loginFailed, passwordMatches, refuseWhileLocked } from './credentials';
import type { UsersDependencies } from './dependencies';

export type { LoginResult } from './complete-login';

export const login = async (
  deps: Pick<UsersDependencies, 'repository' | 'passwords' | 'tokens' | 'clock'> & {
    readonly mfa: MfaRepository;
  },
  email: string,
  password: string,
): Promise<LoginResult | SecondFactorRequired> => {
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
  if (user.mfaEnabled) return startSecondFactor(deps, user, now);
  return completeLogin(deps, user, { amr: ['pwd'], hadFailures: failures !== undefined });
};
