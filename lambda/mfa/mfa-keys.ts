// The second factor's secrets: TOTP secrets sealed at rest, recovery codes and mfa_tokens made
// and hashed. Keys are derived from the service's secret material, one per purpose.
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { deriveKey } from '../shared/derive-key';
import { createSealedBox } from '../shared/sealed-box';
import { RECOVERY_CODE_COUNT } from './factor';

export interface MfaKeys {
  /** Sealed for this user only: a sealed secret copied to another user's factor never opens. */
  sealSecret(userId: string, secret: Uint8Array): string;
  openSecret(userId: string, sealed: string): Buffer | undefined;
  /**
   * A keyed hash (HMAC-SHA-256). A recovery code carries 80 random bits, so a fast hash is
   * enough — no one guesses 2^80 — and the key makes a leaked table useless without the secret.
   */
  hashRecoveryCode(code: string): string;
}

export const createMfaKeys = (secretMaterial: Uint8Array): MfaKeys => {
  const box = createSealedBox(deriveKey(secretMaterial, 'user-api/totp-secret/v1'));
  const recoveryKey = deriveKey(secretMaterial, 'user-api/recovery-code/v1');
  return {
    sealSecret: (userId, secret) => box.seal(secret, userId),
    openSecret: (userId, sealed) => box.open(sealed, userId),
    hashRecoveryCode: (code) =>
      createHmac('sha256', recoveryKey).update(normaliseRecoveryCode(code)).digest('base64url'),
  };
};

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

/** `xxxx-xxxx-xxxx-xxxx`: 16 base32 characters, 80 random bits. */
const newRecoveryCode = (): string => {
  const characters = [...randomBytes(16)].map((byte) => BASE32[byte % 32]).join('');
  return characters.match(/.{4}/g)?.join('-') ?? characters;
};

export const newRecoveryCodes = (): string[] => Array.from({ length: RECOVERY_CODE_COUNT }, newRecoveryCode);

/** Typed by a person: case, spaces and hyphens do not matter. */
const normaliseRecoveryCode = (code: string): string => code.toLowerCase().replace(/[\s-]/g, '');

/**
 * The mfa_token a right password earns: 256 random bits, stored only as a SHA-256 hash (plain,
 * not keyed: nothing can be guessed from a hash of 256 random bits).
 */
export const newMfaToken = (): { token: string; hash: string } => {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: hashMfaToken(token) };
};

export const hashMfaToken = (token: string): string => createHash('sha256').update(token).digest('base64url');
