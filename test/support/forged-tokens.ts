// Hand-made tokens for authentication tests: valid claims to break one at a time, signatures
// with chosen keys and algorithms, unsigned and edited tokens.
import { SignJWT } from 'jose';

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

/** Signs `claims` as given; a claim set to undefined is left out. */
export const signToken = (
  claims: Record<string, unknown>,
  { secret, alg = 'HS256' }: { secret: string; alg?: string },
): Promise<string> => {
  const defined = Object.fromEntries(Object.entries(claims).filter(([, value]) => value !== undefined));
  return new SignJWT(defined).setProtectedHeader({ alg, typ: 'JWT' }).sign(new TextEncoder().encode(secret));
};

/** `alg: none`: a header and claims with an empty signature. */
export const unsignedToken = (claims: Record<string, unknown>): string =>
  `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url(claims)}.`;

export const claimsOf = (token: string): Record<string, unknown> =>
  JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8'));

/** A genuine token with its claims edited after signing: the signature no longer covers them. */
export const editedToken = (token: string, edit: Record<string, unknown>): string => {
  const [header, , signature] = token.split('.');
  return `${header}.${base64url({ ...claimsOf(token), ...edit })}.${signature}`;
};
