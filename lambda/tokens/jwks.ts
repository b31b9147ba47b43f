// The public half of the signing keys, as RFC 7517 publishes it: what the JWKS route serves, what
// the authorizer reads, and what any other service may verify tokens with. Only the members named
// here ever leave this module, so a private member (`d`) cannot be published by accident.
import { ConfigurationError } from '../shared/env';

export const TOKEN_ALGORITHM = 'ES256';

/** One P-256 public key, exactly as published. */
export interface PublicJwk {
  readonly kty: 'EC';
  readonly crv: 'P-256';
  readonly x: string;
  readonly y: string;
  readonly kid: string;
  readonly alg: typeof TOKEN_ALGORITHM;
  readonly use: 'sig';
}

export interface Jwks {
  readonly keys: readonly PublicJwk[];
}

const BASE64URL = /^[A-Za-z0-9_-]+$/;

/** The public members of an EC P-256 key (private or public), or undefined when it is not one. */
export const publicJwk = (jwk: Record<string, unknown>, kid: string): PublicJwk | undefined => {
  const { kty, crv, x, y } = jwk;
  if (kty !== 'EC' || crv !== 'P-256') return undefined;
  // 32-byte coordinates: 43 base64url characters.
  if (typeof x !== 'string' || typeof y !== 'string' || x.length !== 43 || y.length !== 43) return undefined;
  if (!BASE64URL.test(x) || !BASE64URL.test(y) || !BASE64URL.test(kid)) return undefined;
  return { kty, crv, x, y, kid, alg: TOKEN_ALGORITHM, use: 'sig' };
};

/**
 * Reads a published key set (the authorizer's public-keys secret). A document that carries any
 * private member is refused outright: it means the wrong secret was wired to this reader.
 */
export const parseJwks = (text: string): Jwks => {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch {
    throw new ConfigurationError('The public keys document is not JSON');
  }
  const keys = (document as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(keys) || keys.length === 0) {
    throw new ConfigurationError('The public keys document lists no keys');
  }
  return {
    keys: keys.map((key: Record<string, unknown>) => {
      if (key === null || typeof key !== 'object' || 'd' in key) {
        throw new ConfigurationError('The public keys document holds something other than public keys');
      }
      const parsed = typeof key.kid === 'string' ? publicJwk(key, key.kid) : undefined;
      if (!parsed || key.alg !== TOKEN_ALGORITHM) {
        throw new ConfigurationError('The public keys document holds a key that is not an ES256 public key');
      }
      return parsed;
    }),
  };
};

/** `Cache-Control: public, max-age` of the JWKS route: how stale a verifier's copy may be. */
export const JWKS_MAX_AGE_SECONDS = 300;

/**
 * A warm Lambda re-reads its keys when its copy is older than this; the secrets extension
 * caches them for as long again. Together they bound how late a Lambda sees a rotation.
 */
export const KEY_SET_REFRESH_SECONDS = 300;

/**
 * How long API Gateway may reuse an authorizer verdict for the same Authorization header.
 * Safe to cache: the router re-checks expiry and revocation (ended session, deleted user,
 * password change, role change) against the stored user and session on every call, so a cached
 * "allow" never grants more than that user has now. The local gateway honours the same TTL.
 */
export const AUTHORIZER_CACHE_TTL_SECONDS = 300;
