// Authenticated encryption (AES-256-GCM) of small values into one URL-safe string: page cursors,
// TOTP secrets at rest. An edited or foreign box never opens; `context` (additional authenticated
// data) binds a box to what it belongs to, so it cannot be moved to another owner.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';

export interface SealedBox {
  /** `<iv + ciphertext>.<tag>`, both base64url. */
  seal(plain: Uint8Array, context?: string): string;
  /** The plain bytes, or undefined when the box was not sealed with this key and context. */
  open(sealed: string, context?: string): Buffer | undefined;
}

const CIPHER = 'aes-256-gcm';
const IV_BYTES = 12;
const TAG_BYTES = 16;

export const createSealedBox = (
  key: Uint8Array,
  /** Where IVs come from; only the OpenAPI examples pass a fixed one, to keep the document stable. */
  newIv: (bytes: number) => Uint8Array = randomBytes,
): SealedBox => ({
  seal(plain, context = '') {
    const iv = newIv(IV_BYTES);
    const cipher = createCipheriv(CIPHER, key, iv);
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const sealed = Buffer.concat([iv, cipher.update(plain), cipher.final()]);
    return `${sealed.toString('base64url')}.${cipher.getAuthTag().toString('base64url')}`;
  },
  open(box, context = '') {
    const [payload, tag, ...rest] = box.split('.');
    if (!payload || !tag || rest.length > 0) return undefined;
    const sealed = Buffer.from(payload, 'base64url');
    const authTag = Buffer.from(tag, 'base64url');
    // Node decodes base64 leniently; only the one canonical spelling of each part is ours.
    if (sealed.toString('base64url') !== payload || authTag.toString('base64url') !== tag) return undefined;
    if (sealed.length <= IV_BYTES || authTag.length !== TAG_BYTES) return undefined;
    try {
      const decipher = createDecipheriv(CIPHER, key, sealed.subarray(0, IV_BYTES));
      decipher.setAAD(Buffer.from(context, 'utf8'));
      decipher.setAuthTag(authTag);
      return Buffer.concat([decipher.update(sealed.subarray(IV_BYTES)), decipher.final()]);
    } catch {
      return undefined;
    }
  },
});
