// Opaque, tamper-evident page cursors: the repository's position (a DynamoDB key) is sealed
// with an HMAC, so clients never see or forge keys, and an edited cursor is told apart from
// a valid one.
import { createHmac, timingSafeEqual } from 'node:crypto';

export interface CursorSealer {
  seal(position: string): string;
  /** The position, or undefined when the cursor was not made by us. */
  open(cursor: string): string | undefined;
}

export const createCursorSealer = (secret: Uint8Array): CursorSealer => {
  // A key of its own, derived from the signing secret, so a cursor MAC can never pass for a JWT MAC.
  const key = createHmac('sha256', secret).update('user-api/cursor/v1').digest();
  const mac = (payload: string) => createHmac('sha256', key).update(payload).digest();
  return {
    seal(position) {
      const payload = Buffer.from(position, 'utf8').toString('base64url');
      return `${payload}.${mac(payload).toString('base64url')}`;
    },
    open(cursor) {
      const [payload, signature, ...rest] = cursor.split('.');
      if (!payload || !signature || rest.length > 0) return undefined;
      const expected = mac(payload);
      const given = Buffer.from(signature, 'base64url');
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
      return Buffer.from(payload, 'base64url').toString('utf8');
    },
  };
};
