// Item kind: a known device `device#<sha-256 of the device token>` — whose it is, the user's
// tokenVersion when it was named, and `expires_at` (the table's TTL attribute). The token itself
// is never stored.
import type { KnownDevice } from '../../users/known-devices';
import { attributesOf, type Item } from '../attributes';

export const deviceKey = (hash: string) => ({ id: `device#${hash}` });

export const itemFromDevice = ({ hash, userId, tokenVersion, expiresAt }: KnownDevice) => ({
  ...deviceKey(hash),
  ...{ user_id: userId, token_version: tokenVersion, expires_at: expiresAt },
});

export const deviceFromItem = (hash: string, item: Item): KnownDevice => {
  const { string, number } = attributesOf(item, 'known device');
  const [tokenVersion, expiresAt] = [number('token_version'), number('expires_at')];
  return { hash, userId: string('user_id'), tokenVersion, expiresAt };
};
