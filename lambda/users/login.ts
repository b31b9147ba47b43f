// Use case: log in with email and password. Unknown email and wrong password cost the same and
// answer the same; failures feed the back-off (login-throttle.ts), a success clears it.
import type { SessionsDependencies } from '../sessions/dependencies';
import { newSession, type SessionTokens, sessionTokens } from '../sessions/session-tokens';
import { InvalidCredentialsError } from '../shared/errors';
import { activeLoginFailures, loginFailed, passwordMatches, refuseWhileLocked } from './credentials';
import type { UsersDependencies } from './dependencies';
import { profileOf, type User } from './user';

export interface LoginResult extends SessionTokens {
  readonly user: User;
}

export const login = async (
  deps: Pick<UsersDependencies, 'repository' | 'passwords' | 'tokens' | 'clock'> &
    Pick<SessionsDependencies, 'sessions' | 'refreshTokens' | 'sessionTtlSeconds' | 'newId'>,
  email: string,
  password: string,
  /** The source IP: the back-off is per account and client. */
  client: string,
  userAgent: string | null,
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
  // The session carries the tokenVersion just read: a password change racing this login leaves
  // it ended at birth, never alive under the old password.
  const { session, refreshToken } = newSession(deps, user, { userAgent, amr: ['pwd'], at: now });
  // Independent writes: one round trip, not three.
  const [loggedIn] = await Promise.all([
    deps.repository.recordLogin(user.id, now.toISOString()),
    failures.client ? deps.repository.clearClientLoginFailures(email, client) : undefined,
    deps.sessions.create(session),
  ]);
  if (!loggedIn) throw new InvalidCredentialsError();
  const tokens = await sessionTokens(deps, loggedIn, session, refreshToken, now);
  return { ...tokens, user: profileOf(loggedIn) };
};
