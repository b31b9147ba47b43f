// Opaque, tamper-evident page cursors: the repository's position (a DynamoDB key, which holds an
// email) is encrypted and authenticated with AES-256-GCM, so clients can neither read nor forge
// keys, and an edited cursor is told apart from a valid one.
import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';

export interface CursorSealer {
  seal(position: string): string;
  /** The position, or undefined when the cursor was not made by us. */
  open(cursor: string): string | undefined;
}

const CIPHER = 'aes-256-gcm';
const IV_BYTES = 12;
const TAG_BYTES = 16;

export const createCursorSealer = (
  secret: Uint8Array,
  /** Where IVs come from; only the OpenAPI examples pass a fixed one, to keep the document stable. */
  newIv: (bytes: number) => Uint8Array = randomBytes,
): CursorSealer => {
  // A key of its own, derived from the signing secret, so a cursor can never pass for a JWT MAC.
  const key = createHmac('sha256', secret).update('user-api/cursor/v1').digest();
  return {
    /** `<iv + ciphertext>.<tag>`, both base64url. */
    seal(position) {
      const iv = newIv(IV_BYTES);
      const cipher = createCipheriv(CIPHER, key, iv);
      const sealed = Buffer.concat([iv, cipher.update(position, 'utf8'), cipher.final()]);
      return `${sealed.toString('base64url')}.${cipher.getAuthTag().toString('base64url')}`;
    },
    open(cursor) {
      const [payload, tag, ...rest] = cursor.split('.');
      if (!payload || !tag || rest.length > 0) return undefined;
      const sealed = Buffer.from(payload, 'base64url');
      const authTag = Buffer.from(tag, 'base64url');
      // Node decodes base64 leniently; only the one canonical spelling of each part is ours.
      if (sealed.toString('base64url') !== payload || authTag.toString('base64url') !== tag) return undefined;
      if (sealed.length <= IV_BYTES || authTag.length !== TAG_BYTES) return undefined;
      try {
        const decipher = createDecipheriv(CIPHER, key, sealed.subarray(0, IV_BYTES));
        decipher.setAuthTag(authTag);
        return Buffer.concat([decipher.update(sealed.subarray(IV_BYTES)), decipher.final()]).toString('utf8');
      } catch {
        return undefined;
      }
    },
  };
};
