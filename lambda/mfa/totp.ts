// TOTP as authenticator apps compute it (RFC 6238): SHA-1, 6 digits, 30-second steps, one step
// of clock drift either way. A code is identified by its time step, which is what the factor
// stores to refuse a replay.
import { randomBytes } from 'node:crypto';
import { Secret, TOTP } from 'otpauth';

export const TOTP_PERIOD_SECONDS = 30;
const SECRET_BYTES = 20;

const totpOf = (secret: Uint8Array, issuer = '', label = ''): TOTP =>
  new TOTP({
    issuer,
    label,
    algorithm: 'SHA1',
    digits: 6,
    period: TOTP_PERIOD_SECONDS,
    secret: Secret.fromHex(Buffer.from(secret).toString('hex')),
  });

/** 160 random bits, the size RFC 4226 recommends for SHA-1. */
export const newTotpSecret = (): Buffer => randomBytes(SECRET_BYTES);

/** What an authenticator app is given: the base32 secret and its `otpauth://` URI. */
export const provisioning = (secret: Uint8Array, issuer: string, email: string) => {
  const totp = totpOf(secret, issuer, email);
  return { secret: totp.secret.base32, otpauthUri: totp.toString() };
};

/** The time step of `code` at `now` (one step of drift either way), or undefined when it is wrong. */
export const stepOfCode = (secret: Uint8Array, code: string, now: Date): number | undefined => {
  const delta = totpOf(secret).validate({ token: code, timestamp: now.getTime(), window: 1 });
  if (delta === null) return undefined;
  return Math.floor(now.getTime() / 1000 / TOTP_PERIOD_SECONDS) + delta;
};
