// The second factor as the domain knows it: a TOTP factor (pending until its first code is
// verified), the recovery codes that stand in for it, and a login's pending second step.
// Plain data; the secret only ever sealed.

export interface TotpFactor {
  readonly userId: string;
  /** The TOTP secret, sealed (AES-256-GCM, bound to the user id): never stored in the clear. */
  readonly sealedSecret: string;
  readonly state: 'pending' | 'enabled';
  /** Epoch seconds after which a pending enrolment is void. */
  readonly pendingExpiresAt: number | null;
  /** The last accepted time step: a code at or before it is refused (no replay). */
  readonly lastStep: number | null;
  /** Keyed hashes of the unused recovery codes. */
  readonly recoveryHashes: readonly string[];
}

/** The step between a right password and the second factor, found by the hash of its mfa_token. */
export interface MfaChallenge {
  readonly tokenHash: string;
  readonly userId: string;
  /** Epoch seconds. */
  readonly expiresAt: number;
  /** Codes claimed so far; at MAX_CODE_ATTEMPTS the challenge is void. */
  readonly attempts: number;
  /**
   * The user's tokenVersion when the password step passed: a password change or reset, "log out
   * everywhere", a disable or a deletion moves it, and so voids the challenge.
   */
  readonly tokenVersion: number;
  /** The known device's hash when the password step came from one (users/known-devices.ts). */
  readonly device?: string | undefined;
}

export const PENDING_ENROLMENT_SECONDS = 10 * 60;
export const CHALLENGE_SECONDS = 5 * 60;
export const MAX_CODE_ATTEMPTS = 5;
export const RECOVERY_CODE_COUNT = 10;

export const epochSeconds = (at: Date): number => Math.floor(at.getTime() / 1000);

export const isLiveChallenge = (challenge: MfaChallenge, now: Date): boolean =>
  challenge.expiresAt > epochSeconds(now) && challenge.attempts < MAX_CODE_ATTEMPTS;
