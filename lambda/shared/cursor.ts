// Opaque, tamper-evident page cursors: the repository's position (a DynamoDB key, which holds an
// email) is encrypted and authenticated with AES-256-GCM, so clients can neither read nor forge
// keys, and an edited cursor is told apart from a valid one.
import { randomBytes } from 'node:crypto';
import { deriveKey } from './derive-key';
import { createSealedBox } from './sealed-box';

export interface CursorSealer {
  seal(position: string): string;
  /** The position, or undefined when the cursor was not made by us. */
  open(cursor: string): string | undefined;
}

export const createCursorSealer = (
  secret: Uint8Array,
  /** Where IVs come from; only the OpenAPI examples pass a fixed one, to keep the document stable. */
  newIv: (bytes: number) => Uint8Array = randomBytes,
): CursorSealer => {
  // A key of its own, so a cursor can never pass for a JWT MAC.
  const box = createSealedBox(deriveKey(secret, 'user-api/cursor/v1'), newIv);
  return {
    seal: (position) => box.seal(Buffer.from(position, 'utf8')),
    open: (cursor) => box.open(cursor)?.toString('utf8'),
  };
};
