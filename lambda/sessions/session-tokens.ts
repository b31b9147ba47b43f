// What a login, a second factor and a refresh all answer: an access token bound to the session,
// and the session's current refresh token.
import type { StoredUser } from '../users/user';
import type { SessionsDependencies } from './dependencies';
import { epochSeconds, keptUserAgent, type Session } from './session';

export interface SessionTokens {
  readonly token: string;
  /** Seconds until the access token expires. */
  readonly expiresIn: number;
  readonly refreshToken: string;
  /** Seconds until the session (and so its refresh token) expires. */
  readonly refreshExpiresIn: number;
}

/** A new session of `user` and its first refresh token; nothing is stored yet. */
export const newSession = (
  deps: Pick<SessionsDependencies, 'refreshTokens' | 'sessionTtlSeconds' | 'newId'>,
  user: StoredUser,
  login: { readonly userAgent: string | null; readonly amr: readonly string[]; readonly at: Date },
): { readonly session: Session; readonly refreshToken: string } => {
  const id = deps.newId();
  const { token, hash } = deps.refreshTokens.first(id);
  const at = login.at.toISOString();
  return {
    session: {
      id,
      userId: user.id,
      createdAt: at,
      lastUsedAt: at,
      expiresAt: epochSeconds(login.at) + deps.sessionTtlSeconds,
      userAgent: keptUserAgent(login.userAgent),
      tokenVersion: user.tokenVersion,
      amr: login.amr,
      refreshHash: hash,
      generation: 0,
      rotatedAt: null,
    },
    refreshToken: token,
  };
};

export const sessionTokens = async (
  deps: Pick<SessionsDependencies, 'tokens'>,
  user: StoredUser,
  session: Session,
  refreshToken: string,
  now: Date,
): Promise<SessionTokens> => {
  const { token, expiresIn } = await deps.tokens.issue(
    { sub: user.id, sid: session.id, role: user.role, amr: session.amr, tv: user.tokenVersion },
    now,
  );
  return { token, expiresIn, refreshToken, refreshExpiresIn: session.expiresAt - epochSeconds(now) };
};
