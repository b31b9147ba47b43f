// Use case: log in with email and password. Unknown email and wrong password cost the same and
// answer the same; failures feed the back-off (login-throttle.ts), a success clears it. A
// disabled account's status is told only to whoever has its password. Every outcome is an event.
// A success opens a session: its item is written in the same transaction as last_login, this
// client's failures forgotten, and login.succeeded.
import { auditEvent, type RequestMeta } from '../audit/event';
import type { SessionsDependencies } from '../sessions/dependencies';
import { newSession, type SessionTokens, sessionTokens } from '../sessions/session-tokens';
import { AccountDisabledError, InvalidCredentialsError } from '../shared/errors';
import { activeLoginFailures, loginFailed, passwordMatches, refuseWhileLocked } from './credentials';
import type { UsersDependencies } from './dependencies';
import { profileOf, type User } from './user';

export interface LoginResult extends SessionTokens {
  readonly user: User;
}

export const login = async (
  deps: Pick<UsersDependencies, 'repository' | 'audit' | 'passwords' | 'tokens' | 'clock' | 'newId'> &
    Pick<SessionsDependencies, 'refreshTokens' | 'sessionTtlSeconds'>,
  email: string,
  password: string,
  /** The source IP: the back-off is per account and client. */
  client: string,
  /** Where the request came from: its events, and the session's User-Agent. */
  meta: RequestMeta,
): Promise<LoginResult> => {
  const now = deps.clock();
  const [failures, user] = await Promise.all([
    activeLoginFailures(deps, email, client, now),
    deps.repository.getByEmail(email),
  ]);
  // During a lock even the right password is refused, so guessing gains nothing.
  refuseWhileLocked(failures, now);

  if (!(await passwordMatches(deps, user, password)) || !user) {
    const attempt = {
      email,
      client,
      userId: user?.id ?? null,
      reason: user ? 'wrong_password' : 'unknown_email',
      meta,
    } as const;
    throw await loginFailed(deps, attempt, failures, now, new InvalidCredentialsError());
  }
  const context = { ...deps, meta };
  if (user.status === 'disabled') {
    await deps.audit.record([
      auditEvent(context, {
        type: 'login.failed',
        userId: user.id,
        actorId: null,
        outcome: 'failure',
        details: { reason: 'account_disabled' },
      }),
    ]);
    throw new AccountDisabledError();
  }
  // The session carries the tokenVersion just read: a password change or a disable racing this
  // login leaves it ended at birth, never alive under the old password or status.
  const { session, refreshToken } = newSession(deps, user, {
    userAgent: meta.userAgent,
    amr: ['pwd'],
    at: now,
  });
  // One transaction: last_login, the new session, this client's failures forgotten, and login.succeeded.
  const succeeded = auditEvent(context, {
    type: 'login.succeeded',
    userId: user.id,
    actorId: user.id,
    details: { session_id: session.id },
  });
  const loggedIn = await deps.repository.recordLogin(user, now.toISOString(), {
    events: [succeeded],
    clearClient: failures.client ? client : undefined,
    session,
  });
  if (!loggedIn) throw new InvalidCredentialsError();
  const tokens = await sessionTokens(deps, loggedIn, session, refreshToken, now);
  return { ...tokens, user: profileOf(loggedIn) };
};
