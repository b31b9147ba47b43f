// Bearer tokens: HS256 JWTs made and checked with jose. The key is imported once per cold
// start (verifying with an imported CryptoKey is ~2.5x faster than passing raw bytes).
import { errors as joseErrors, jwtVerify, SignJWT } from 'jose';
import { type Clock, systemClock } from './clock';
import { canonicalBearerToken } from './compact-jws';

export const TOKEN_ISSUER = 'user-api';
export const TOKEN_AUDIENCE = 'user-api';
const ALGORITHM = 'HS256';

export type TokenRole = 'user' | 'admin';

/** What a verified token says; the router still checks it against the stored user. */
export interface TokenClaims {
  readonly sub: string;
  readonly role: TokenRole;
  /** Token version: the user's `token_version` when the token was issued; a password change bumps it. */
  readonly tv: number;
  /** The session the token belongs to: the router refuses the token once the session has ended. */
  readonly sid: string;
  /** How the session was authenticated: `["pwd"]`, or `["pwd","otp"]` after a second factor. */
  readonly amr: readonly string[];
  readonly iat: number;
  readonly exp: number;
}

export class InvalidTokenError extends Error {}

/** An HMAC key imported into WebCrypto (Node's global `crypto`). */
export type SigningKey = Awaited<ReturnType<typeof crypto.subtle.importKey>>;

export interface TokenVerifier {
  verify(token: string): Promise<TokenClaims>;
}

export interface TokenService extends TokenVerifier {
  issue(
    subject: {
      id: string;
      role: TokenRole;
      tokenVersion: number;
      sessionId: string;
      amr: readonly string[];
    },
    now: Date,
  ): Promise<{ token: string; expiresIn: number }>;
}

export const importSigningKey = (secret: Uint8Array): Promise<SigningKey> =>
  crypto.subtle.importKey('raw', secret, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);

/** The claim types a token must carry; also checks what the authorizer hands the router. */
export const isTokenClaims = (
  payload: Record<string, unknown>,
): payload is Record<string, unknown> & TokenClaims =>
  typeof payload.sub === 'string' &&
  (payload.role === 'user' || payload.role === 'admin') &&
  Number.isSafeInteger(payload.tv) &&
  (payload.tv as number) >= 0 &&
  typeof payload.sid === 'string' &&
  Array.isArray(payload.amr) &&
  payload.amr.every((method) => typeof method === 'string') &&
  Number.isSafeInteger(payload.iat) &&
  Number.isSafeInteger(payload.exp);

/**
 * Verification only, all the authorizer needs: kept apart from `issue` so that the authorizer's
 * bundle leaves jose's signing code out (its size and cold start are budgeted: docs/PERFORMANCE.md).
 */
export const createTokenVerifier = (key: SigningKey, clock: Clock = systemClock): TokenVerifier => ({
  async verify(token) {
    try {
      const { payload } = await jwtVerify(token, key, {
        // Pinned: without it jose would accept any HMAC algorithm for this key.
        algorithms: [ALGORITHM],
        issuer: TOKEN_ISSUER,
        audience: TOKEN_AUDIENCE,
        // jose checks exp only when present; a token without one must not live forever.
        requiredClaims: ['sub', 'exp', 'iat'],
        currentDate: clock(),
      });
      if (!isTokenClaims(payload)) throw new InvalidTokenError('The token claims are malformed');
      const { sub, role, tv, sid, amr, iat, exp } = payload;
      return { sub, role, tv, sid, amr, iat, exp };
    } catch (error) {
      if (error instanceof InvalidTokenError) throw error;
      if (error instanceof joseErrors.JOSEError) throw new InvalidTokenError(error.code);
      throw error;
    }
  },
});

export const createTokenService = (
  key: SigningKey,
  ttlSeconds: number,
  clock: Clock = systemClock,
): TokenService => ({
  ...createTokenVerifier(key, clock),
  async issue(subject, now) {
    const iat = Math.floor(now.getTime() / 1000);
    const token = await new SignJWT({
      role: subject.role,
      tv: subject.tokenVersion,
      sid: subject.sessionId,
      amr: [...subject.amr],
    })
      .setProtectedHeader({ alg: ALGORITHM, typ: 'JWT' })
      .setSubject(subject.id)
      .setIssuer(TOKEN_ISSUER)
      .setAudience(TOKEN_AUDIENCE)
      .setIssuedAt(iat)
      .setExpirationTime(iat + ttlSeconds)
      .sign(key);
    return { token, expiresIn: ttlSeconds };
  },
});

/** `Authorization: Bearer <token>` → the token, or undefined when the header is not of that form. */
export const bearerToken = (authorization: string | undefined): string | undefined =>
  canonicalBearerToken(authorization);
