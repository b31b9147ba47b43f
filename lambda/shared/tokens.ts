// Bearer tokens, the verifying half: ES256 JWTs checked with jose against published public keys
// only. The authorizer bundles this module and nothing that can sign (token-issuer.ts does that).
// Public keys are imported into WebCrypto once per key set, not once per token.
import { type JWTHeaderParameters, errors as joseErrors, jwtVerify } from 'jose';
import type { Clock } from './clock';
import { canonicalBearerToken } from './compact-jws';
import { type Jwks, TOKEN_ALGORITHM } from './jwks';

export const TOKEN_ISSUER = 'user-api';
export const TOKEN_AUDIENCE = 'user-api';

export type TokenRole = 'user' | 'admin';
/** RFC 8176 authentication method references: `pwd`, then `otp` after a second factor. */
export const AUTHENTICATION_METHODS: readonly string[] = ['pwd', 'otp'];

/** What the router puts in an access token. */
export interface AccessTokenClaims {
  readonly sub: string;
  /** The session the token belongs to: the router refuses the token once the session has ended. */
  readonly sid: string;
  readonly role: TokenRole;
  /** How the session was authenticated: `["pwd"]`, or `["pwd","otp"]` after a second factor. */
  readonly amr: readonly string[];
  /** Token version: the user's `token_version` when the token was issued; a password change bumps it. */
  readonly tv: number;
}

/** What a verified token says; the router still checks it against the stored user. */
export interface TokenClaims extends AccessTokenClaims {
  readonly iat: number;
  readonly exp: number;
}

export class InvalidTokenError extends Error {}

/** A key imported into WebCrypto (Node's global `crypto`). */
export type WebCryptoKey = Awaited<ReturnType<typeof crypto.subtle.importKey>>;

/** The published keys, imported, by `kid`. */
export type VerificationKeys = ReadonlyMap<string, WebCryptoKey>;

export interface TokenVerifier {
  verify(token: string): Promise<TokenClaims>;
}

export const EC_P256 = { name: 'ECDSA', namedCurve: 'P-256' } as const;

export const importVerificationKeys = async (jwks: Jwks): Promise<VerificationKeys> =>
  new Map(
    await Promise.all(
      jwks.keys.map(
        async ({ kid, kty, crv, x, y }) =>
          [
            kid,
            await crypto.subtle.importKey('jwk', { kty, crv, x, y }, EC_P256, false, ['verify']),
          ] as const,
      ),
    ),
  );

const AMR = new Set<unknown>(AUTHENTICATION_METHODS);

/** The claim types a token must carry; also checks what the authorizer hands the router. */
export const isTokenClaims = (
  payload: Record<string, unknown>,
): payload is Record<string, unknown> & TokenClaims =>
  typeof payload.sub === 'string' &&
  typeof payload.sid === 'string' &&
  (payload.role === 'user' || payload.role === 'admin') &&
  Array.isArray(payload.amr) &&
  payload.amr.length > 0 &&
  payload.amr.every((method) => AMR.has(method)) &&
  Number.isSafeInteger(payload.tv) &&
  (payload.tv as number) >= 0 &&
  Number.isSafeInteger(payload.iat) &&
  Number.isSafeInteger(payload.exp);

/** Exactly the claims we know, in a fresh object: nothing else a token carried travels on. */
export const pickClaims = (claims: TokenClaims): TokenClaims => ({
  sub: claims.sub,
  sid: claims.sid,
  role: claims.role,
  amr: [...claims.amr],
  tv: claims.tv,
  iat: claims.iat,
  exp: claims.exp,
});

/**
 * Header members that point a verifier at key material chosen by whoever made the token. Our
 * tokens never carry them; jose would ignore them, but a token that has one is refused outright.
 */
const FOREIGN_KEY_HEADERS = ['jku', 'x5u', 'jwk', 'x5c', 'x5t', 'x5t#S256'] as const;

const keyFor =
  (keys: VerificationKeys) =>
  (header: JWTHeaderParameters): WebCryptoKey => {
    for (const member of FOREIGN_KEY_HEADERS) {
      if (member in header) throw new InvalidTokenError(`The token names its own key (${member})`);
    }
    const key = typeof header.kid === 'string' ? keys.get(header.kid) : undefined;
    if (!key) throw new InvalidTokenError('The token was not signed by a published key');
    return key;
  };

/**
 * Verification only, all the authorizer needs. `clock` decides expiry, so that tests move time
 * instead of waiting.
 */
export const createTokenVerifier = (keys: VerificationKeys, clock: Clock): TokenVerifier => {
  const resolve = keyFor(keys);
  return {
    async verify(token) {
      try {
        const { payload } = await jwtVerify(token, resolve, {
          // Pinned: the key decides the algorithm, never the token's header (no HS256, no none).
          algorithms: [TOKEN_ALGORITHM],
          issuer: TOKEN_ISSUER,
          audience: TOKEN_AUDIENCE,
          // jose checks exp only when present; a token without one must not live forever.
          requiredClaims: ['sub', 'exp', 'iat'],
          currentDate: clock(),
        });
        if (!isTokenClaims(payload)) throw new InvalidTokenError('The token claims are malformed');
        return pickClaims(payload);
      } catch (error) {
        if (error instanceof InvalidTokenError) throw error;
        if (error instanceof joseErrors.JOSEError) throw new InvalidTokenError(error.code);
        throw error;
      }
    },
  };
};

/** `Authorization: Bearer <token>` → the token, or undefined when the header is not of that form. */
export const bearerToken = (authorization: string | undefined): string | undefined =>
  canonicalBearerToken(authorization);
