// Bearer tokens, the signing half, for the router only: ES256 JWTs made with node:crypto under the
// key that signs at the moment of issue, with its `kid` (no JOSE library: a compact JWS is two
// base64url JSON parts and an r || s signature). The router also verifies (tokens sent to public
// routes) and publishes the JWKS from the same key set.
import { createPrivateKey, type KeyObject, sign } from 'node:crypto';
import type { Clock } from '../shared/clock';
import { type Jwks, TOKEN_ALGORITHM } from './jwks';
import { hmacSecretOf, type KeySet, publishedKeys, signingKeyAt } from './key-set';
import {
  type AccessTokenClaims,
  createTokenVerifier,
  importVerificationKeys,
  TOKEN_AUDIENCE,
  TOKEN_ISSUER,
  type TokenVerifier,
} from './verifier';

/** The longest access-token lifetime the router accepts (JWT_TTL_SECONDS); rotation waits it out. */
export const MAX_TOKEN_TTL_SECONDS = 24 * 3600;

/** A key set with its keys imported into node:crypto, once per load. */
export interface ImportedKeySet {
  readonly jwks: Jwks;
  readonly verifier: TokenVerifier;
  readonly hmacSecret: Uint8Array;
  /** The key that signs at `now`, with its kid. */
  signer(now: Date): { readonly kid: string; readonly key: KeyObject };
}

export const importKeySet = async (set: KeySet, clock: Clock): Promise<ImportedKeySet> => {
  const jwks = publishedKeys(set);
  const privateKeys = new Map<string, KeyObject>();
  for (const key of set.keys) {
    if (key.jwk.d === undefined) continue;
    privateKeys.set(key.kid, createPrivateKey({ key: { ...key.jwk }, format: 'jwk' }));
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

const base64UrlJson = (value: object): string =>
  Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');

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
    const signingInput = `${base64UrlJson({ alg: TOKEN_ALGORITHM, typ: 'JWT', kid })}.${base64UrlJson({
      sid,
      role,
      amr: [...amr],
      tv,
      sub,
      iss: TOKEN_ISSUER,
      aud: TOKEN_AUDIENCE,
      iat,
      exp: iat + ttlSeconds,
    })}`;
    // JWS wants the ECDSA signature as r || s (IEEE P1363), not DER.
    const signature = sign('sha256', Buffer.from(signingInput, 'ascii'), { key, dsaEncoding: 'ieee-p1363' });
    return { token: `${signingInput}.${signature.toString('base64url')}`, expiresIn: ttlSeconds };
  },
});
