// A session, as the domain knows it: one login, from the password (and second factor) to its
// end. Plain data; the refresh token itself is never kept, only the hash of the current one.

/** How long a retried, already rotated refresh token still gets the current one back. */
export const REFRESH_GRACE_SECONDS = 30;

/** The longest `User-Agent` a session keeps. */
export const USER_AGENT_MAX_CHARACTERS = 256;

export interface Session {
  /** UUID v4; the `sid` of its access tokens and the first part of its refresh tokens. */
  readonly id: string;
  readonly userId: string;
  /** ISO 8601. */
  readonly createdAt: string;
  /** ISO 8601: the login, then the latest rotation of its refresh token. */
  readonly lastUsedAt: string;
  /** Epoch seconds: the session ends then, whatever happens before (the table's TTL attribute). */
  readonly expiresAt: number;
  readonly userAgent: string | null;
  /** The user's tokenVersion at login: a password change, a disable or "log out everywhere" bumps it. */
  readonly tokenVersion: number;
  /** How the login was authenticated (`pwd`, `otp`). */
  readonly amr: readonly string[];
  /** Hash of the current refresh token's secret. */
  readonly refreshHash: string;
  /** How many times the refresh token was rotated (0 after login). */
  readonly generation: number;
  /** ISO 8601 of the last rotation, or null before the first. */
  readonly rotatedAt: string | null;
}

/** What a listing shows: no hash, nothing a token could be rebuilt from. */
export type SessionSummary = Pick<
  Session,
  'id' | 'userId' | 'createdAt' | 'lastUsedAt' | 'expiresAt' | 'userAgent' | 'tokenVersion'
>;

export const epochSeconds = (at: Date): number => Math.floor(at.getTime() / 1000);

/**
 * Live: not past its expiry (TTL removes expired items only eventually), and opened under the
 * user's current tokenVersion, so one bump ends every session of the user without touching them.
 */
export const isLive = (
  session: Pick<SessionSummary, 'userId' | 'expiresAt' | 'tokenVersion'>,
  user: { readonly id: string; readonly tokenVersion: number },
  now: Date,
): boolean =>
  session.userId === user.id &&
  session.tokenVersion === user.tokenVersion &&
  session.expiresAt > epochSeconds(now);

/** The `User-Agent` as kept: at most 256 characters (whole code points), none when absent or blank. */
export const keptUserAgent = (userAgent: string | null | undefined): string | null => {
  const trimmed = userAgent?.trim();
  return trimmed ? Array.from(trimmed).slice(0, USER_AGENT_MAX_CHARACTERS).join('') : null;
};
