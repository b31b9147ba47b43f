// Use case: log in with email and password. Unknown email and wrong password cost the same and
// answer the same; failures feed the back-off (login-throttle.ts), a success clears this
// client's. A user with a second factor gets a challenge instead of a session, and the failures
// stay counted until the second factor passes.
import { type SecondFactorRequired, startSecondFactor } from '../mfa/login-with-second-factor';
import type { MfaRepository } from '../mfa/repository';
import type { SessionsDependencies } from '../sessions/dependencies';
import { InvalidCredentialsError } from '../shared/errors';
import { completeLogin, type LoginResult } from './complete-login';
import { activeLoginFailures, loginFailed, passwordMatches, refuseWhileLocked } from './credentials';
import type { UsersDependencies } from './dependencies';

export type { LoginResult } from './complete-login';

export const login = async (
  deps: Pick<UsersDependencies, 'repository' | 'passwords' | 'tokens' | 'clock'> &
    Pick<SessionsDependencies, 'sessions' | 'refreshTokens' | 'sessionTtlSeconds' | 'newId'> & {
      readonly mfa: MfaRepository;
    },
  email: string,
  password: string,
  /** The source IP: the back-off is per account and client. */
  client: string,
  userAgent: string | null,
): Promise<LoginResult | SecondFactorRequired> => {
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
  if (user.mfaEnabled) return startSecondFactor(deps, user, now);
  return completeLogin(deps, user, {
    amr: ['pwd'],
    userAgent,
    at: now,
    clears: failures.client ? { email, client } : undefined,
  });
};
