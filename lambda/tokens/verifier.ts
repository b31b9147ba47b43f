// Bearer tokens, the verifying half: ES256 JWTs checked against published public keys only, with
// node:crypto and no JOSE library. The authorizer bundles this module and nothing that can sign
// (issuer.ts does that). Public keys are imported once per key set, not once per token.
// Every check jose's jwtVerify made with our options is made here, and a few more: the compact
// form is the canonical one, `crit`, `b64` and foreign key headers are refused, `typ` is JWT.
import { createPublicKey, type KeyObject, verify as verifySignature } from 'node:crypto';
import type { Clock } from '../shared/clock';
import { canonicalBearerToken, isCanonicalCompactJws } from './compact-jws';
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

/** The published keys, imported into node:crypto, by `kid`. */
export type VerificationKeys = ReadonlyMap<string, KeyObject>;

export interface TokenVerifier {
  verify(token: string): Promise<TokenClaims>;
}

export const EC_P256 = { name: 'ECDSA', namedCurve: 'P-256' } as const;

export const importVerificationKeys = async (jwks: Jwks): Promise<VerificationKeys> =>
  new Map(
    jwks.keys.map(({ kid, kty, crv, x, y }) => {
      const key = createPublicKey({ key: { kty, crv, x, y }, format: 'jwk' });
      if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1')
        throw new InvalidTokenError(`The published key ${kid} is not a P-256 key`);
      return [kid, key] as const;
    }),
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
 * tokens never carry them; a token that has one is refused outright.
 */
const FOREIGN_KEY_HEADERS = ['jku', 'x5u', 'jwk', 'x5c', 'x5t', 'x5t#S256'] as const;

/** A JSON object, as JOSE means it: not an array, not null, a plain object. */
const isJsonObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' &&
  value !== null &&
  Object.prototype.toString.call(value) === '[object Object]' &&
  (Object.getPrototypeOf(value) === null || Object.getPrototypeOf(Object.getPrototypeOf(value)) === null);

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

/** A base64url part as a JSON object, or the error `code` to refuse it with. */
const jsonPart = (part: string, code: string): Record<string, unknown> => {
  let parsed: unknown;
  try {
    parsed = JSON.parse(strictUtf8.decode(Buffer.from(part, 'base64url')));
  } catch {
    throw new InvalidTokenError(code);
  }
  if (!isJsonObject(parsed)) throw new InvalidTokenError(code);
  return parsed;
};

/** A NumericDate claim: absent, or a number (jose's rule; isTokenClaims then wants integers). */
const numericDate = (payload: Record<string, unknown>, claim: string): number | undefined => {
  const value = payload[claim];
  if (value === undefined) return undefined;
  if (typeof value !== 'number') throw new InvalidTokenError('ERR_JWT_CLAIM_VALIDATION_FAILED');
  return value;
};

const ES256_SIGNATURE_BYTES = 64;

/**
 * Verification only, all the authorizer needs. `clock` decides expiry, so that tests move time
 * instead of waiting. Refusals are InvalidTokenError with jose's error codes, as before.
 */
export const createTokenVerifier = (keys: VerificationKeys, clock: Clock): TokenVerifier => ({
  async verify(token) {
    // One spelling only: three unpadded, canonical base64url parts (compact-jws.ts).
    if (typeof token !== 'string' || !isCanonicalCompactJws(token))
      throw new InvalidTokenError('ERR_JWS_INVALID');
    const [encodedHeader = '', encodedPayload = '', encodedSignature = ''] = token.split('.');
    const header = jsonPart(encodedHeader, 'ERR_JWS_INVALID');
    // No extensions are understood, so none may be critical; an unencoded payload is never a JWT.
    if ('crit' in header || 'b64' in header) throw new InvalidTokenError('ERR_JWS_INVALID');
    // Pinned: the key decides the algorithm, never the token's header (no HS256, no none).
    if (typeof header.alg !== 'string' || header.alg === '') throw new InvalidTokenError('ERR_JWS_INVALID');
    if (header.alg !== TOKEN_ALGORITHM) throw new InvalidTokenError('ERR_JOSE_ALG_NOT_ALLOWED');
    if ('typ' in header && header.typ !== 'JWT')
      throw new InvalidTokenError('ERR_JWT_CLAIM_VALIDATION_FAILED');
    for (const member of FOREIGN_KEY_HEADERS) {
      if (member in header) throw new InvalidTokenError(`The token names its own key (${member})`);
    }
    const key = typeof header.kid === 'string' ? keys.get(header.kid) : undefined;
    if (!key) throw new InvalidTokenError('The token was not signed by a published key');
    // JWS carries ECDSA signatures as r || s (IEEE P1363), 32 bytes each for P-256.
    const signature = Buffer.from(encodedSignature, 'base64url');
    const signed =
      signature.length === ES256_SIGNATURE_BYTES &&
      verifySignature(
        'sha256',
        Buffer.from(`${encodedHeader}.${encodedPayload}`, 'ascii'),
        { key, dsaEncoding: 'ieee-p1363' },
        signature,
      );
    if (!signed) throw new InvalidTokenError('ERR_JWS_SIGNATURE_VERIFICATION_FAILED');

    const payload = jsonPart(encodedPayload, 'ERR_JWT_INVALID');
    // Required: a token without exp must not live forever; iss and aud are ours.
    for (const claim of ['sub', 'exp', 'iat', 'iss', 'aud']) {
      if (!Object.hasOwn(payload, claim)) throw new InvalidTokenError('ERR_JWT_CLAIM_VALIDATION_FAILED');
    }
    if (payload.iss !== TOKEN_ISSUER) throw new InvalidTokenError('ERR_JWT_CLAIM_VALIDATION_FAILED');
    const aud = payload.aud;
    if (!(aud === TOKEN_AUDIENCE || (Array.isArray(aud) && aud.includes(TOKEN_AUDIENCE))))
      throw new InvalidTokenError('ERR_JWT_CLAIM_VALIDATION_FAILED');
    const now = Math.floor(clock().getTime() / 1000);
    numericDate(payload, 'iat');
    const nbf = numericDate(payload, 'nbf');
    // No clock tolerance, as with jose's default.
    if (nbf !== undefined && nbf > now) throw new InvalidTokenError('ERR_JWT_CLAIM_VALIDATION_FAILED');
    const exp = numericDate(payload, 'exp');
    if (exp !== undefined && exp <= now) throw new InvalidTokenError('ERR_JWT_EXPIRED');
    if (!isTokenClaims(payload)) throw new InvalidTokenError('The token claims are malformed');
    return pickClaims(payload);
  },
});

/** `Authorization: Bearer <token>` → the token, or undefined when the header is not of that form. */
export const bearerToken = (authorization: string | undefined): string | undefined =>
  canonicalBearerToken(authorization);
