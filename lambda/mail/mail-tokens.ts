// Mailed tokens: 256 random bits in the link, stored only as an HMAC under a key of their own,
// derived from the app's secret material, so a leaked table holds nothing a link can be made from.
import { createHmac, randomBytes } from 'node:crypto';

export interface MailTokenKeys {
  /** A new token and the hash it is stored under. */
  issue(): { readonly token: string; readonly hash: string };
  hashOf(token: string): string;
}

const TOKEN_BYTES = 32;

export const createMailTokenKeys = (secret: Uint8Array): MailTokenKeys => {
  const key = createHmac('sha256', secret).update('user-api/mail-token/v1').digest();
  const hashOf = (token: string) => createHmac('sha256', key).update(token, 'utf8').digest('base64url');
  return {
    issue() {
      const token = randomBytes(TOKEN_BYTES).toString('base64url');
      return { token, hash: hashOf(token) };
    },
    hashOf,
  };
};
