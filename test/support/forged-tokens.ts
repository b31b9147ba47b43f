// Hand-made tokens for authentication tests: valid claims to break one at a time, signatures
// with chosen keys and algorithms (the set's own keys, foreign keys, HMAC secrets, the public key
// as an HMAC secret), headers that point at other keys, unsigned and edited tokens.
import { createPublicKey } from 'node:crypto';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import type { PublicJwk } from '../../lambda/tokens/jwks';
import { type KeySet, publishedKeys, signingKeyAt } from '../../lambda/tokens/key-set';

const base64url = (part: unknown): string => Buffer.from(JSON.stringify(part)).toString('base64url');

/** Claims that would pass every check but the one a test breaks. */
export const claimsFor = (sub: string, overrides: Record<string, unknown> = {}): Record<string, unknown> => {
  const now = Math.floor(Date.now() / 1000);
  return {
    sub,
    role: 'admin',
    tv: 0,
    // A session id no login made: a token that passes the authorizer still needs a live session.
    sid: '22222222-2222-4222-8222-222222222222',
    amr: ['pwd'],
    iat: now,
    exp: now + 600,
    iss: 'user-api',
    aud: 'user-api',
    ...overrides,
  };
};

const defined = (claims: Record<string, unknown>) =>
  Object.fromEntries(Object.entries(claims).filter(([, value]) => value !== undefined));

type Header = Record<string, unknown>;

/**
 * Signs `claims` (a claim set to undefined is left out) with a key of the set, ES256 and its kid
 * as the router does: the signing key now, or the key named by `kid`. `header` adds members.
 */
export const signToken = async (
  claims: Record<string, unknown>,
  keys: KeySet,
  { kid, header = {} }: { kid?: string; header?: Header } = {},
): Promise<string> => {
  const stored = kid ? keys.keys.find((key) => key.kid === kid) : signingKeyAt(keys, new Date());
  if (!stored?.jwk.d) throw new Error(`no private key ${kid ?? '(signing)'} in the set`);
  const key = await crypto.subtle.importKey(
    'jwk',
    { ...stored.jwk },
    { name: 'ECDSA', namedCurve: 'P-256' },
    false,
    ['sign'],
  );
  return new SignJWT(defined(claims))
    .setProtectedHeader({ alg: 'ES256', typ: 'JWT', kid: stored.kid, ...header })
    .sign(key);
};

/** A valid ES256 signature by a key that is not in the set; the kid is the set's own unless given. */
export const foreignKeyToken = async (
  claims: Record<string, unknown>,
  { kid, header = () => ({}) }: { kid: string; header?: (publicJwk: Header) => Header },
): Promise<string> => {
  const pair = await generateKeyPair('ES256', { extractable: true });
  const publicJwk = await exportJWK(pair.publicKey);
  return new SignJWT(defined(claims))
    .setProtectedHeader({ alg: 'ES256', typ: 'JWT', kid, ...header(publicJwk as Header) })
    .sign(pair.privateKey);
};

/** An HMAC-signed token (HS256 was this API's algorithm before ES256; it must now be refused). */
export const hmacToken = (
  claims: Record<string, unknown>,
  secret: string | Uint8Array,
  { alg = 'HS256', kid }: { alg?: string; kid?: string } = {},
): Promise<string> =>
  new SignJWT(defined(claims))
    .setProtectedHeader({ alg, typ: 'JWT', ...(kid ? { kid } : {}) })
    .sign(typeof secret === 'string' ? new TextEncoder().encode(secret) : secret);

/**
 * Algorithm confusion: HS256 keyed with the published public key itself, in each form a naive
 * verifier might feed its HMAC (the PEM, the JWK as JSON, the raw point), with the key's kid.
 */
export const confusedTokens = async (
  claims: Record<string, unknown>,
  keys: KeySet,
): Promise<[form: string, token: string][]> => {
  const [jwk] = publishedKeys(keys).keys as PublicJwk[];
  if (!jwk) throw new Error('the set has no key');
  const pem = createPublicKey({ key: { ...jwk }, format: 'jwk' }).export({ type: 'spki', format: 'pem' });
  const raw = Buffer.concat([Buffer.of(4), Buffer.from(jwk.x, 'base64url'), Buffer.from(jwk.y, 'base64url')]);
  return Promise.all(
    (
      [
        ['the PEM', String(pem)],
        ['the JWK as JSON', JSON.stringify(jwk)],
        ['the raw point', raw],
      ] as const
    ).map(
      async ([form, secret]) => [form, await hmacToken(claims, secret, { kid: jwk.kid })] as [string, string],
    ),
  );
};

/** `alg: none`: a header and claims with an empty signature. */
export const unsignedToken = (claims: Record<string, unknown>, header: Header = {}): string =>
  `${base64url({ alg: 'none', typ: 'JWT', ...header })}.${base64url(claims)}.`;

export const claimsOf = (token: string): Record<string, unknown> =>
  JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8'));

/** A genuine token with its claims edited after signing: the signature no longer covers them. */
export const editedToken = (token: string, edit: Record<string, unknown>): string => {
  const [header, , signature] = token.split('.');
  return `${header}.${base64url({ ...claimsOf(token), ...edit })}.${signature}`;
};
