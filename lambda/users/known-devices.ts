// Known devices (SPEC "Known devices"): OWASP's device cookie against aimed lockouts. A login
// answers with a device token; presented again in a later `POST /login` for the same account,
// it makes that attempt count in the device's own back-off only, so strangers filling the
// account's hourly ceiling or their addresses' back-off never lock the owner out of a device
// they signed in from before. Never a credential on its own: the password (and the second
// factor) are still asked. Stored only as a hash; bound to the user and to their tokenVersion,
// so a password change or reset, "log out everywhere", a disable or a deletion voids them all.
import { createHash, randomBytes } from 'node:crypto';

/** How long a device stays known after the login that named it. */
export const DEVICE_TOKEN_SECONDS = 180 * 24 * 60 * 60;

/**
 * A device as stored: `hash` (SHA-256 of the token, base64url, the only form kept), whose it is,
 * the user's tokenVersion when it was named (a later bump voids it), and when it expires (epoch s).
 */
export type KnownDevice = Readonly<
  Record<'hash' | 'userId', string> & Record<'tokenVersion' | 'expiresAt', number>
>;

/** The port to the store. */
export interface KnownDevices {
  remember(device: KnownDevice): Promise<void>;
  /** Strongly consistent; undefined when unknown (or expired and not yet removed). */
  find(hash: string): Promise<KnownDevice | undefined>;
}

export const hashDeviceToken = (token: string): string =>
  createHash('sha256').update(token).digest('base64url');

export const newDeviceToken = (): { readonly token: string; readonly hash: string } => {
  const token = randomBytes(32).toString('base64url');
  return { token, hash: hashDeviceToken(token) };
};

/** The device's hash when `device` is a live device of `user` as the user is now. */
export const knownDeviceOf = (
  device: KnownDevice | undefined,
  user: { readonly id: string; readonly tokenVersion: number } | undefined,
  now: Date,
): string | undefined =>
  device !== undefined &&
  user !== undefined &&
  device.userId === user.id &&
  device.tokenVersion === user.tokenVersion &&
  device.expiresAt > Math.floor(now.getTime() / 1000)
    ? device.hash
    : undefined;
