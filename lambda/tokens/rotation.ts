// Making and rotating signing keys. A rotation publishes a new key first and lets it sign only
// after every cache of the published keys has seen it; the old key stays published until every
// token it signed has expired, and the next rotation removes it. Used by `npm run
// rotate-signing-key`, the stack's first-key-set custom resource and the local stack.
import { randomBytes } from 'node:crypto';
import { calculateJwkThumbprint } from 'jose';
import { MAX_TOKEN_TTL_SECONDS } from './issuer';
import { AUTHORIZER_CACHE_TTL_SECONDS, JWKS_MAX_AGE_SECONDS, KEY_SET_REFRESH_SECONDS } from './jwks';
import { type EcJwk, KEY_SET_FORMAT, type KeySet, keyInState, type StoredKey } from './key-set';
import { EC_P256 } from './verifier';

/**
 * How long a new key is published before it signs. A Lambda's copy of the key set is at most
 * 2 × KEY_SET_REFRESH_SECONDS old (the secrets extension's cache, then the function's own); a
 * downstream service's copy of the JWKS adds its max-age; the authorizer's verdict cache is added
 * on top as a margin. By then every verifier anywhere knows the new key.
 */
export const PUBLISH_DELAY_SECONDS =
  2 * KEY_SET_REFRESH_SECONDS + JWKS_MAX_AGE_SECONDS + AUTHORIZER_CACHE_TTL_SECONDS;

/** Clocks of the machines that sign and verify may disagree by this much. */
export const CLOCK_SKEW_SECONDS = 60;

/** Where a key set is kept: a Secrets Manager secret pair, the local key file, memory. */
export interface KeySetStore {
  /** Undefined while no key set exists yet (the stack's placeholder, a missing file). */
  read(): Promise<KeySet | undefined>;
  /** Publishes the public keys, then stores the key set. */
  write(set: KeySet): Promise<void>;
}

export class RotationRefusedError extends Error {}

const iso = (ms: number): string => new Date(ms).toISOString();

/** A fresh P-256 key pair; its kid is the RFC 7638 thumbprint of the public key. */
export const generateSigningKey = async (now: Date, signsFrom: Date): Promise<StoredKey> => {
  const pair = await crypto.subtle.generateKey(EC_P256, true, ['sign', 'verify']);
  const { x, y, d } = await crypto.subtle.exportKey('jwk', pair.privateKey);
  if (!x || !y || !d) throw new Error('WebCrypto exported an incomplete EC key');
  const jwk: EcJwk = { kty: 'EC', crv: 'P-256', x, y, d };
  return {
    kid: await calculateJwkThumbprint({ kty: 'EC', crv: 'P-256', x, y }),
    state: 'current',
    createdAt: now.toISOString(),
    signsFrom: signsFrom.toISOString(),
    jwk,
  };
};

/** The first key set: one key that signs at once (nothing was published before it). */
export const newKeySet = async (now: Date): Promise<KeySet> => ({
  format: KEY_SET_FORMAT,
  hmacSecret: randomBytes(32).toString('base64url'),
  keys: [await generateSigningKey(now, now)],
});

/**
 * The set as it stands at `now`: once the next key signs, it is the current one and the old
 * current one is the previous, published until the tokens it signed can all have expired.
 */
export const settle = (set: KeySet, now: Date): KeySet => {
  const next = keyInState(set, 'next');
  const current = keyInState(set, 'current');
  if (!next?.signsFrom || !current || Date.parse(next.signsFrom) > now.getTime()) return set;
  const retiredAt = Date.parse(next.signsFrom);
  const { d: _private, ...publicPart } = current.jwk;
  const previous: StoredKey = {
    kid: current.kid,
    state: 'previous',
    createdAt: current.createdAt,
    retiredAt: iso(retiredAt),
    verifyUntil: iso(retiredAt + (MAX_TOKEN_TTL_SECONDS + CLOCK_SKEW_SECONDS) * 1000),
    jwk: publicPart,
  };
  return {
    ...set,
    keys: [...set.keys.filter((key) => key.state === 'previous'), previous, { ...next, state: 'current' }],
  };
};

export interface Rotation {
  readonly set: KeySet;
  readonly published: StoredKey;
  /** The previous key this rotation stopped publishing, if any. */
  readonly removed?: StoredKey;
}

/** One rotation step, or a refusal that says when it may run. */
export const rotateKeySet = async (stored: KeySet, now: Date): Promise<Rotation> => {
  const set = settle(stored, now);
  const pending = keyInState(set, 'next');
  if (pending) {
    const retired = Date.parse(pending.signsFrom ?? '') + (MAX_TOKEN_TTL_SECONDS + CLOCK_SKEW_SECONDS) * 1000;
    throw new RotationRefusedError(
      `Key ${pending.kid} is published and starts signing at ${pending.signsFrom}; the key it replaces ` +
        `stays published until ${iso(retired)}. Rotate again after that.`,
    );
  }
  const previous = keyInState(set, 'previous');
  if (previous?.verifyUntil && Date.parse(previous.verifyUntil) > now.getTime()) {
    throw new RotationRefusedError(
      `Key ${previous.kid} stopped signing at ${previous.retiredAt}; tokens it signed may be valid until ` +
        `${previous.verifyUntil}, so it stays published until then. Rotate again after that.`,
    );
  }
  const fresh = await generateSigningKey(now, new Date(now.getTime() + PUBLISH_DELAY_SECONDS * 1000));
  const published: StoredKey = { ...fresh, state: 'next' };
  return {
    set: { ...set, keys: [...set.keys.filter((key) => key.state === 'current'), published] },
    published,
    ...(previous ? { removed: previous } : {}),
  };
};

/** Reads, rotates and writes back a store's key set. */
export const rotateSigningKey = async (store: KeySetStore, now: Date): Promise<Rotation> => {
  const stored = await store.read();
  if (!stored) {
    throw new RotationRefusedError(
      'There is no key set to rotate yet: a deployed stack makes one during `cdk deploy`, the local stack on its first start.',
    );
  }
  const rotation = await rotateKeySet(stored, now);
  await store.write(rotation.set);
  return rotation;
};

/** Makes sure a store holds a key set; returns it. */
export const ensureKeySet = async (store: KeySetStore, now: Date): Promise<KeySet> => {
  const existing = await store.read();
  if (existing) return existing;
  const set = await newKeySet(now);
  await store.write(set);
  return set;
};

/** One line per key, public facts only: what the rotation command prints. */
export const describeKeySet = (stored: KeySet, now: Date): string[] =>
  settle(stored, now).keys.map((key) => {
    if (key.state === 'previous') {
      return `previous ${key.kid}: signs no more since ${key.retiredAt}, published until at least ${key.verifyUntil}`;
    }
    if (key.state === 'next') return `next     ${key.kid}: published, signs from ${key.signsFrom}`;
    return `current  ${key.kid}: signs now (since ${key.signsFrom})`;
  });
