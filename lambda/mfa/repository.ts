// The port the second factor needs from storage. store/mfa-repository.ts implements it on
// DynamoDB. Each write that the rules depend on is one conditional write or transaction, so two
// requests racing over one code, one recovery code or one mfa_token cannot both win.
import type { WriteOptions } from '../audit/event';
import type { OutboxMail } from '../mail/mail';
import type { MfaChallenge, TotpFactor } from './factor';

export interface MfaRepository {
  getFactor(userId: string): Promise<TotpFactor | undefined>;
  /** Stores a pending factor, replacing a pending one; FactorEnabledError when one is enabled. */
  putPending(factor: TotpFactor): Promise<void>;
  /**
   * Enables the pending factor (still pending and unexpired at `now`, else FactorChangedError)
   * with its first accepted step and its recovery-code hashes, and sets the user's
   * `mfa_enabled`, with `options.events` and the outbox items of `options.mails` (the notice), in
   * one transaction: no factor without its event and its notice.
   */
  enable(
    userId: string,
    step: number,
    recoveryHashes: readonly string[],
    now: Date,
    options?: WriteOptions & { readonly mails?: readonly OutboxMail[] },
  ): Promise<void>;
  /** Deletes the factor and clears the user's `mfa_enabled`, with `options.events`, in one transaction. */
  remove(userId: string, now: Date, options?: WriteOptions): Promise<void>;
  /**
   * Replaces every recovery-code hash of an enabled factor (else FactorChangedError), with
   * `options.events`, in one transaction.
   */
  replaceRecoveryCodes(
    userId: string,
    recoveryHashes: readonly string[],
    options?: WriteOptions,
  ): Promise<void>;
  /**
   * Step-up with a TOTP code, outside a login: records `step` as the enabled factor's last
   * accepted one in one conditional write, only if it is later than the stored one (else
   * CodeUsedError; FactorChangedError-free: a factor that is gone or not enabled is CodeUsedError
   * too). Two requests racing with one code: exactly one succeeds.
   */
  useCode(userId: string, step: number): Promise<void>;
  /**
   * Step-up with a recovery code, outside a login: takes the hash out of the enabled factor's
   * unused set in one conditional write, only if it is still there (else CodeUsedError).
   */
  useRecoveryCode(userId: string, recoveryHash: string): Promise<void>;

  createChallenge(challenge: MfaChallenge): Promise<void>;
  getChallenge(tokenHash: string): Promise<MfaChallenge | undefined>;
  /**
   * Claims one of the challenge's MAX_CODE_ATTEMPTS codes, atomically, BEFORE the code is
   * compared: one conditional add guarded by `attempts < MAX_CODE_ATTEMPTS` (and the challenge
   * live), so N concurrent codes are counted as N sequential ones and at most that many are ever
   * compared. False when none is left (or the challenge is gone or expired). A wrong code keeps
   * its claim; a right one consumes the challenge.
   */
  claimCode(tokenHash: string, now: Date): Promise<boolean>;
  /**
   * Consumes the live challenge (else ChallengeGoneError) and records `step` as the factor's last
   * accepted one, if it is later than the stored one (else CodeUsedError), in one transaction.
   */
  completeWithCode(challenge: MfaChallenge, step: number, now: Date): Promise<void>;
  /** Consumes the live challenge (else ChallengeGoneError) and the unused recovery code (else CodeUsedError). */
  completeWithRecoveryCode(challenge: MfaChallenge, recoveryHash: string, now: Date): Promise<void>;
}

/** A factor is already enabled. */
export class FactorEnabledError extends Error {}
/** The factor is not in the state the write expected (gone, expired, enabled or removed meanwhile). */
export class FactorChangedError extends Error {}
/** The challenge is used, void or expired. */
export class ChallengeGoneError extends Error {}
/** The code's step was already accepted, or the recovery code already used. */
export class CodeUsedError extends Error {}
