// The signing key set: what the router's secret (and, locally, the key file) holds. ES256 keys,
// each with its `kid` and state, plus one symmetric key for cursors and mailed-token MACs.
// Only the router reads this; everything public about it goes out through publishedKeys().
import { ConfigurationError } from '../shared/env';
import { type Jwks, type PublicJwk, publicJwk } from './jwks';

export const KEY_SET_FORMAT = 'user-api/signing-keys/v1';

/**
 * - `next`: published, signs from `signsFrom` on (a rotation publishes it before it signs);
 * - `current`: signs until the next key's `signsFrom`;
 * - `previous`: signs no more, published until every token it signed has expired (`verifyUntil`).
 */
export type KeyState = 'next' | 'current' | 'previous';

/** An EC P-256 key as a JWK: with `d` (private) for `next` and `current`, without for `previous`. */
export interface EcJwk {
  readonly kty: 'EC';
  readonly crv: 'P-256';
  readonly x: string;
  readonly y: string;
  readonly d?: string;
}

export interface StoredKey {
  readonly kid: string;
  readonly state: KeyState;
  readonly createdAt: string;
  /** `next` and `current`: the first moment it signs. */
  readonly signsFrom?: string;
  /** `previous`: when it stopped signing, and the latest expiry any token it signed can have. */
  readonly retiredAt?: string;
  readonly verifyUntil?: string;
  readonly jwk: EcJwk;
}

export interface KeySet {
  readonly format: typeof KEY_SET_FORMAT;
  /**
   * 32 random bytes, base64url: the symmetric key behind cursors (and mailed-token MACs). Kept
   * apart from the signing keys, not derived from them, so a signing-key rotation does not
   * invalidate a cursor or a reset link.
   */
  readonly hmacSecret: string;
  readonly keys: readonly StoredKey[];
}

const BASE64URL = /^[A-Za-z0-9_-]+$/;
const isTime = (value: unknown): value is string =>
  typeof value === 'string' && !Number.isNaN(Date.parse(value));

/**
 * The stack creates the secret with a random alphanumeric placeholder, since CloudFormation cannot
 * make an EC key; the first-key-set custom resource replaces it. Anything else must be a key set.
 */
export const isPlaceholder = (text: string): boolean => !text.trimStart().startsWith('{');

const invalid = (why: string): never => {
  // Never quote the text: it holds private keys.
  throw new ConfigurationError(`The signing key set is invalid: ${why}`);
};

const parseKey = (value: unknown): StoredKey => {
  const key = (value ?? {}) as Record<string, unknown>;
  const jwk = (key.jwk ?? {}) as Record<string, unknown>;
  const state = key.state;
  if (state !== 'next' && state !== 'current' && state !== 'previous') return invalid('a key has no state');
  if (typeof key.kid !== 'string' || !publicJwk(jwk, key.kid)) return invalid('a key is not an EC P-256 key');
  if (!isTime(key.createdAt)) return invalid(`key ${key.kid} has no createdAt`);
  const hasPrivate = typeof jwk.d === 'string' && jwk.d.length === 43 && BASE64URL.test(jwk.d);
  if (state === 'previous') {
    if (!isTime(key.retiredAt) || !isTime(key.verifyUntil))
      return invalid(`key ${key.kid} has no retirement`);
  } else if (!hasPrivate || !isTime(key.signsFrom)) {
    return invalid(`key ${key.kid} (${state}) needs its private part and signsFrom`);
  }
  return {
    kid: key.kid,
    state,
    createdAt: key.createdAt,
    ...(state === 'previous'
      ? { retiredAt: key.retiredAt as string, verifyUntil: key.verifyUntil as string }
      : { signsFrom: key.signsFrom as string }),
    jwk: {
      kty: 'EC',
      crv: 'P-256',
      x: jwk.x as string,
      y: jwk.y as string,
      // A previous key never signs again: its private part is not kept.
      ...(state === 'previous' ? {} : { d: jwk.d as string }),
    },
  };
};

export const parseKeySet = (text: string): KeySet => {
  let document: Record<string, unknown>;
  try {
    document = JSON.parse(text) as Record<string, unknown>;
  } catch {
    return invalid('it is not JSON');
  }
  if (document?.format !== KEY_SET_FORMAT) return invalid(`its format is not ${KEY_SET_FORMAT}`);
  const { hmacSecret } = document;
  if (typeof hmacSecret !== 'string' || !BASE64URL.test(hmacSecret) || hmacSecret.length < 43) {
    return invalid('hmacSecret must be at least 32 bytes, base64url');
  }
  if (!Array.isArray(document.keys)) return invalid('it has no keys');
  const keys = document.keys.map(parseKey);
  const count = (state: KeyState) => keys.filter((key) => key.state === state).length;
  if (count('current') !== 1 || count('next') > 1 || count('previous') > 1) {
    return invalid('it needs exactly one current key, and at most one next and one previous');
  }
  if (new Set(keys.map((key) => key.kid)).size !== keys.length) return invalid('two keys share a kid');
  return { format: KEY_SET_FORMAT, hmacSecret, keys };
};

export const keyInState = (set: KeySet, state: KeyState): StoredKey | undefined =>
  set.keys.find((key) => key.state === state);

/** The key that signs at `now`: the next one once its time has come, else the current one. */
export const signingKeyAt = (set: KeySet, now: Date): StoredKey => {
  const next = keyInState(set, 'next');
  if (next?.signsFrom && Date.parse(next.signsFrom) <= now.getTime()) return next;
  const current = keyInState(set, 'current');
  if (!current) return invalid('it has no current key');
  return current;
};

/** Every key of the set, public members only: the JWKS and the authorizer's public keys. */
export const publishedKeys = (set: KeySet): Jwks => ({
  keys: set.keys
    .map((key) => publicJwk({ ...key.jwk }, key.kid))
    .filter((key): key is PublicJwk => key !== undefined),
});

export const hmacSecretOf = (set: KeySet): Uint8Array => Buffer.from(set.hmacSecret, 'base64url');
