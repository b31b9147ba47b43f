// Bearer tokens, the signing half, for the router only: ES256 JWTs made with jose under the key
// that signs at the moment of issue, with its `kid`. The router also verifies (tokens sent to
// public routes) and publishes the JWKS from the same key set.
import { SignJWT } from 'jose';
import { hmacSecretOf, type KeySet, publishedKeys, signingKeyAt } from '../keys/key-set';
import type { Clock } from './clock';
import { type Jwks, TOKEN_ALGORITHM } from './jwks';
import {
  type AccessTokenClaims,
  createTokenVerifier,
  EC_P256,
  importVerificationKeys,
  TOKEN_AUDIENCE,
  TOKEN_ISSUER,
  type TokenVerifier,
  type WebCryptoKey,
} from './tokens';

/** The longest access-token lifetime the router accepts (JWT_TTL_SECONDS); rotation waits it out. */
export const MAX_TOKEN_TTL_SECONDS = 24 * 3600;

/** A key set with its keys imported into WebCrypto, once per load. */
export interface ImportedKeySet {
  readonly jwks: Jwks;
  readonly verifier: TokenVerifier;
  readonly hmacSecret: Uint8Array;
  /** The key that signs at `now`, with its kid. */
  signer(now: Date): { readonly kid: string; readonly key: WebCryptoKey };
}

export const importKeySet = async (set: KeySet, clock: Clock): Promise<ImportedKeySet> => {
  const jwks = publishedKeys(set);
  const privateKeys = new Map<string, WebCryptoKey>();
  for (const key of set.keys) {
    if (key.jwk.d === undefined) continue;
    privateKeys.set(key.kid, await crypto.subtle.importKey('jwk', { ...key.jwk }, EC_P256, false, ['sign']));
  }
  return {
    jwks,
    verifier: createTokenVerifier(await importVerificationKeys(jwks), clock),
    hmacSecret: hmacSecretOf(set),
    signer(now) {
      const { kid } = signingKeyAt(set, now);
      const key = privateKeys.get(kid);
      if (!key) throw new Error(`The signing key ${kid} has no private part`);
      return { kid, key };
    },
  };
};

export interface IssuedToken {
  readonly token: string;
  readonly expiresIn: number;
}

export interface TokenService extends TokenVerifier {
  issue(claims: AccessTokenClaims, now: Date): Promise<IssuedToken>;
  /** What `GET /.well-known/jwks.json` serves. */
  publishedKeys(): Promise<Jwks>;
}

/** `keys` hands out the latest imported key set (refreshed by the caller's policy). */
export const createTokenService = (
  keys: () => Promise<ImportedKeySet>,
  ttlSeconds: number,
): TokenService => ({
  async verify(token) {
    return (await keys()).verifier.verify(token);
  },
  async publishedKeys() {
    return (await keys()).jwks;
  },
  async issue({ sub, sid, role, amr, tv }, now) {
    const { kid, key } = (await keys()).signer(now);
    const iat = Math.floor(now.getTime() / 1000);
    const token = await new SignJWT({ sid, role, amr: [...amr], tv })
      .setProtectedHeader({ alg: TOKEN_ALGORITHM, typ: 'JWT', kid })
      .setSubject(sub)
      .setIssuer(TOKEN_ISSUER)
      .setAudience(TOKEN_AUDIENCE)
      .setIssuedAt(iat)
      .setExpirationTime(iat + ttlSeconds)
      .sign(key);
    return { token, expiresIn: ttlSeconds };
  },
});
