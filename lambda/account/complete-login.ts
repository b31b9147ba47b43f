// The end of every successful login, whichever factors it took (login.ts after a password,
// login-mfa.ts after a second factor): one transaction opens a session with
// the `amr` it was earned with (stored with it, so its refreshes keep it), moves `last_login`,
// and writes login.succeeded; the caller gets the session's tokens. The failed logins a success
// forgets are forgotten by the caller, through the login-attempt port.

import { auditEvent, type RequestMeta } from '../audit/event';
import { newSession, type SessionTokens, sessionTokens } from '../sessions/session-tokens';
import { InvalidCredentialsError } from '../shared/errors';
import { profileOf, type StoredUser, type User } from '../users/user';
import type { AccountDependencies } from './dependencies';

export interface LoginResult extends SessionTokens {
  readonly user: User;
}

export const completeLogin = async (
  deps: Pick<AccountDependencies, 'repository' | 'tokens' | 'clock' | 'newId'> &
    Pick<AccountDependencies, 'refreshTokens' | 'sessionTtlSeconds'>,
  user: StoredUser,
  login: {
    readonly amr: readonly string[];
    readonly meta: RequestMeta;
    readonly at: Date;
  },
): Promise<LoginResult> => {
  const now = login.at;
  // The session carries the tokenVersion just read: a password change or a disable racing this
  // login leaves it ended at birth, never alive under the old password or status.
  const { session, refreshToken } = newSession(deps, user, {
    userAgent: login.meta.userAgent,
    amr: login.amr,
    at: now,
  });
  const succeeded = auditEvent(
    { ...deps, meta: login.meta },
    {
      type: 'login.succeeded',
      userId: user.id,
      actorId: user.id,
      details: { session_id: session.id, amr: [...login.amr] },
    },
  );
  // One transaction: last_login, the new session, and login.succeeded.
  const loggedIn = await deps.repository.recordLogin(user, now.toISOString(), {
    events: [succeeded],
    session,
  });
  if (!loggedIn) throw new InvalidCredentialsError();
  const tokens = await sessionTokens(deps, loggedIn, session, refreshToken, now);
  return { ...tokens, user: profileOf(loggedIn) };
};
