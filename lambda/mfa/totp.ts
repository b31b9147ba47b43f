// TOTP as authenticator apps compute it (RFC 6238): SHA-1, 6 digits, 30-second steps, one step
// of clock drift either way. A code is identified by its time step, which is what the factor
// stores to refuse a replay. Written on node:crypto (an HMAC and a truncation, RFC 4226 § 5.3)
// rather than with otpauth, to keep the router's bundle under its size target; a unit test holds
// every answer here to otpauth's own.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const TOTP_PERIOD_SECONDS = 30;
const SECRET_BYTES = 20;
const DIGITS = 6;
const BASE32_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** RFC 4648 base32 without padding, as authenticator apps take a secret. */
const base32 = (bytes: Uint8Array): string => {
  let text = '';
  let value = 0;
  let bits = 0;
  for (const byte of bytes) {
    value = ((value << 8) | byte) & 0xffff;
    bits += 8;
    while (bits >= 5) {
      text += BASE32_ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) text += BASE32_ALPHABET[(value << (5 - bits)) & 31];
  return text;
};

/** The code of time step `step` (RFC 4226 HOTP with the step as its counter). */
const codeAt = (secret: Uint8Array, step: number): string => {
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(step));
  const digest = createHmac('sha1', secret).update(counter).digest();
  const offset = (digest[digest.length - 1] ?? 0) & 15;
  const binary = digest.readUInt32BE(offset) & 0x7fffffff;
  return String(binary % 10 ** DIGITS).padStart(DIGITS, '0');
};

/** 160 random bits, the size RFC 4226 recommends for SHA-1. */
export const newTotpSecret = (): Buffer => randomBytes(SECRET_BYTES);

/** What an authenticator app is given: the base32 secret and its `otpauth://` URI. */
export const provisioning = (secret: Uint8Array, issuer: string, email: string) => {
  const encoded = base32(secret);
  const e = encodeURIComponent;
  const label = issuer.length > 0 ? `${e(issuer)}:${e(email)}?issuer=${e(issuer)}&` : `${e(email)}?`;
  return {
    secret: encoded,
    otpauthUri: `otpauth://totp/${label}secret=${e(encoded)}&algorithm=SHA1&digits=${DIGITS}&period=${TOTP_PERIOD_SECONDS}`,
  };
};

/** The time step of `code` at `now` (one step of drift either way), or undefined when it is wrong. */
export const stepOfCode = (secret: Uint8Array, code: string, now: Date): number | undefined => {
  const presented = Buffer.from(code, 'utf8');
  if (code.length !== DIGITS || presented.length !== DIGITS) return undefined;
  const current = Math.floor(now.getTime() / 1000 / TOTP_PERIOD_SECONDS);
  // The current step first, then one back, then one ahead: the order otpauth tries them in.
  for (const step of [current, current - 1, current + 1]) {
    if (timingSafeEqual(presented, Buffer.from(codeAt(secret, step), 'utf8'))) return step;
  }
  return undefined;
};
