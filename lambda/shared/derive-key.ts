// Keys derived from the service's secret material, one per purpose: HMAC-SHA-256 over a label,
// so a key of one use (cursors, TOTP secrets at rest, recovery-code hashes) never serves another.
import { createHmac } from 'node:crypto';

export const deriveKey = (secret: Uint8Array, label: string): Buffer =>
  createHmac('sha256', secret).update(label).digest();
