// The one spelling of a compact JWS we accept: three unpadded base64url parts whose last
// character leaves no unused bits set. jose would decode `…A=`, `…B` and `…A` to the same bytes;
// refusing the variants means anything keyed on a token's text (a cache, a revocation list, the
// authorizer's result cache) sees one token as one string.
const BASE64URL_PART = /^[A-Za-z0-9_-]+$/;
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** True when `part` is base64url as an encoder writes it: no padding, zero unused trailing bits. */
export const isCanonicalBase64Url = (part: string): boolean => {
  if (!BASE64URL_PART.test(part)) return false;
  const remainder = part.length % 4;
  if (remainder === 1) return false;
  if (remainder === 0) return true;
  const last = ALPHABET.indexOf(part.charAt(part.length - 1));
  // Two trailing characters carry 8 bits (4 unused); three carry 16 (2 unused).
  const unusedBits = remainder === 2 ? 0b1111 : 0b11;
  return (last & unusedBits) === 0;
};

export const isCanonicalCompactJws = (token: string): boolean => {
  const parts = token.split('.');
  return parts.length === 3 && parts.every(isCanonicalBase64Url);
};

/** `Bearer <token>` with exactly one space and a canonical token, or undefined. */
export const canonicalBearerToken = (authorization: string | undefined): string | undefined => {
  const match = /^Bearer ([^\s]+)$/i.exec(authorization ?? '');
  const token = match?.[1];
  return token !== undefined && isCanonicalCompactJws(token) ? token : undefined;
};
