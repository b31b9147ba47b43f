// The end of every successful login, whichever factors it took (login.ts after a password,
// login-mfa.ts after a second factor): one transaction opens a session with
// the `amr` it was earned with (stored with it, so its refreshes keep it), moves `last_login`,
// and writes login.succeeded; the caller gets the session's tokens and a device token (the one
// presented when it was valid, else a new one). The failed logins a success
// forgets are forgotten by the caller, through the login-attempt port.

import { auditEvent, type RequestMeta } from '../audit/event';
import { newSession, type SessionTokens, sessionTokens } from '../sessions/session-tokens';
import { InvalidCredentialsError } from '../shared/errors';
import { DEVICE_TOKEN_SECONDS, newDeviceToken } from '../users/known-devices';
import { profileOf, type StoredUser, type User } from '../users/user';
import type { AccountDependencies } from './dependencies';

export interface LoginResult extends SessionTokens {
  readonly user: User;
  /** The device token to keep (known-devices.ts): the one presented, or a new one. */
  readonly deviceToken: string;
}

export const completeLogin = async (
  deps: Pick<AccountDependencies, 'repository' | 'devices' | 'tokens' | 'clock' | 'newId'> &
    Pick<AccountDependencies, 'refreshTokens' | 'sessionTtlSeconds'>,
  user: StoredUser,
  login: {
    readonly amr: readonly string[];
    readonly meta: RequestMeta;
    readonly at: Date;
    /** A valid device token the login came with: answered again, not replaced. */
    readonly deviceToken?: string | undefined;
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
  const [tokens, deviceToken] = await Promise.all([
    sessionTokens(deps, loggedIn, session, refreshToken, now),
    login.deviceToken ?? rememberNewDevice(deps, loggedIn, now),
  ]);
  return { ...tokens, user: profileOf(loggedIn), deviceToken };
};

/** Names the device this login came from: only its hash is stored, bound to the user as now. */
const rememberNewDevice = async (
  deps: Pick<AccountDependencies, 'devices'>,
  user: StoredUser,
  now: Date,
): Promise<string> => {
  const { token, hash } = newDeviceToken();
  await deps.devices.remember({
    hash,
    userId: user.id,
    tokenVersion: user.tokenVersion,
    expiresAt: Math.floor(now.getTime() / 1000) + DEVICE_TOKEN_SECONDS,
  });
  return token;
};
