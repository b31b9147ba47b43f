// The end of every successful login, whichever factors it took (login.ts after a password,
// mfa/login-with-second-factor.ts after a second factor): a session opens with the `amr` it was
// earned with (stored with it, so its refreshes keep it), `last_login` moves, the failed logins
// the success answers are cleared, and the caller gets the session's tokens.
import type { SessionsDependencies } from '../sessions/dependencies';
import { newSession, type SessionTokens, sessionTokens } from '../sessions/session-tokens';
import { InvalidCredentialsError } from '../shared/errors';
import { clearLoginFailures } from './credentials';
import type { UsersDependencies } from './dependencies';
import { profileOf, type StoredUser, type User } from './user';

export interface LoginResult extends SessionTokens {
  readonly user: User;
}

/**
 * Which failed logins a success clears: a password clears those of its own client (`email` as
 * the login was keyed); a second factor, where the owner has proved more, clears every failure
 * of the account and lifts its lock.
 */
export type ClearedFailures =
  | { readonly client: string; readonly email: string }
  | { readonly account: true }
  | undefined;

export const completeLogin = async (
  deps: Pick<UsersDependencies, 'repository' | 'tokens' | 'clock'> &
    Pick<SessionsDependencies, 'sessions' | 'refreshTokens' | 'sessionTtlSeconds' | 'newId'>,
  user: StoredUser,
  login: {
    readonly amr: readonly string[];
    readonly userAgent: string | null;
    readonly at: Date;
    readonly clears: ClearedFailures;
  },
): Promise<LoginResult> => {
  const now = login.at;
  // The session carries the tokenVersion just read: a password change racing this login leaves
  // it ended at birth, never alive under the old password.
  const { session, refreshToken } = newSession(deps, user, {
    userAgent: login.userAgent,
    amr: login.amr,
    at: now,
  });
  const { clears } = login;
  // Independent writes: one round trip, not three.
  const [loggedIn] = await Promise.all([
    deps.repository.recordLogin(user.id, now.toISOString()),
    clears === undefined
      ? undefined
      : 'account' in clears
        ? clearLoginFailures(deps, user.email)
        : deps.repository.clearClientLoginFailures(clears.email, clears.client),
    deps.sessions.create(session),
  ]);
  if (!loggedIn) throw new InvalidCredentialsError();
  const tokens = await sessionTokens(deps, loggedIn, session, refreshToken, now);
  return { ...tokens, user: profileOf(loggedIn) };
};
