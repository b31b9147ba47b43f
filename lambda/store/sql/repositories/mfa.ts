// The second factor's repository on SQL: the MfaRepository port. Each rule is the WHERE of one
// statement (a pending factor is replaced only while pending, a step accepted only if later than
// the last, a recovery code removed only if present, a challenge's code claimed only while one of
// its five is left), and enabling, removing and completing a login are transactions, so two
// requests racing over one code or one challenge cannot both win.
import { epochSeconds, MAX_CODE_ATTEMPTS, type MfaChallenge, type TotpFactor } from '../../../mfa/factor';
import {
  ChallengeGoneError,
  CodeUsedError,
  FactorChangedError,
  FactorEnabledError,
  type MfaRepository,
} from '../../../mfa/repository';
import type { SqlClient, SqlDatabase } from '../database';
import { insertEvents, type WritingRepositoryOptions } from './audit-events';
import { insertOutbox } from './mail';

interface FactorRow {
  user_id: string;
  sealed_secret: string;
  state: TotpFactor['state'];
  pending_expires_at: string | number | null;
  last_step: string | number | null;
  recovery_hashes: string[];
}

interface ChallengeRow {
  user_id: string;
  expires_at: string | number;
  attempts: number;
  token_version: number;
  device: string | null;
}

/** bigint columns: pg hands them over as strings. */
const numberOrNull = (value: string | number | null): number | null =>
  value === null ? null : Number(value);

/** Runs one statement of a rule; no row changed means the rule refused it. */
const changedOne = async (db: SqlClient, text: string, params: unknown[], refused: () => Error) => {
  const { rowCount } = await db.query(text, params);
  if (rowCount !== 1) throw refused();
};

const setMfaEnabled = (tx: SqlClient, userId: string, enabled: boolean, now: Date) =>
  changedOne(
    tx,
    'UPDATE users SET mfa_enabled = $2, updated_at = $3, version = version + 1 WHERE id = $1',
    [userId, enabled, now.toISOString()],
    () => new FactorChangedError(),
  );

/** A TOTP step, accepted only if later than the factor's last. */
const acceptStep = (db: SqlClient, userId: string, step: number) =>
  changedOne(
    db,
    "UPDATE totp_factors SET last_step = $2 WHERE user_id = $1 AND state = 'enabled' AND last_step < $2",
    [userId, step],
    () => new CodeUsedError(),
  );

/** A recovery code, taken out of the unused set only if it is still there. */
const takeRecoveryCode = (db: SqlClient, userId: string, recoveryHash: string) =>
  changedOne(
    db,
    `UPDATE totp_factors SET recovery_hashes = array_remove(recovery_hashes, $2)
     WHERE user_id = $1 AND state = 'enabled' AND $2 = ANY (recovery_hashes)`,
    [userId, recoveryHash],
    () => new CodeUsedError(),
  );

export class SqlMfaRepository implements MfaRepository {
  constructor(
    private readonly db: SqlDatabase,
    private readonly options: WritingRepositoryOptions,
  ) {}

  async getFactor(userId: string): Promise<TotpFactor | undefined> {
    const { rows } = await this.db.query<FactorRow>(
      'SELECT user_id, sealed_secret, state, pending_expires_at, last_step, recovery_hashes FROM totp_factors WHERE user_id = $1',
      [userId],
    );
    const row = rows[0];
    return (
      row && {
        userId: row.user_id,
        sealedSecret: row.sealed_secret,
        state: row.state,
        pendingExpiresAt: numberOrNull(row.pending_expires_at),
        lastStep: numberOrNull(row.last_step),
        recoveryHashes: row.recovery_hashes,
      }
    );
  }

  async putPending(factor: TotpFactor): Promise<void> {
    await changedOne(
      this.db,
      `INSERT INTO totp_factors (user_id, sealed_secret, state, pending_expires_at, last_step, recovery_hashes)
       VALUES ($1, $2, 'pending', $3, NULL, '{}')
       ON CONFLICT (user_id) DO UPDATE SET sealed_secret = excluded.sealed_secret,
         pending_expires_at = excluded.pending_expires_at, last_step = NULL, recovery_hashes = '{}'
       WHERE totp_factors.state = 'pending'`,
      [factor.userId, factor.sealedSecret, factor.pendingExpiresAt],
      () => new FactorEnabledError(),
    );
  }

  async enable(...[userId, step, recoveryHashes, now, options = {}]: Parameters<MfaRepository['enable']>) {
    await this.db.transaction(async (tx) => {
      await changedOne(
        tx,
        `UPDATE totp_factors SET state = 'enabled', last_step = $2, recovery_hashes = $3, pending_expires_at = NULL
         WHERE user_id = $1 AND state = 'pending' AND pending_expires_at > $4`,
        [userId, step, [...recoveryHashes], epochSeconds(now)],
        () => new FactorChangedError(),
      );
      await setMfaEnabled(tx, userId, true, now);
      await insertEvents(tx, options.events, this.options.auditRetentionDays);
      await insertOutbox(tx, options.mails, this.options.newId, this.options.clock());
    });
  }

  async remove(...[userId, now, options = {}]: Parameters<MfaRepository['remove']>) {
    await this.db.transaction(async (tx) => {
      await tx.query('DELETE FROM totp_factors WHERE user_id = $1', [userId]);
      await setMfaEnabled(tx, userId, false, now);
      await insertEvents(tx, options.events, this.options.auditRetentionDays);
    });
  }

  async replaceRecoveryCodes(
    ...[userId, recoveryHashes, options = {}]: Parameters<MfaRepository['replaceRecoveryCodes']>
  ) {
    await this.db.transaction(async (tx) => {
      await changedOne(
        tx,
        "UPDATE totp_factors SET recovery_hashes = $2 WHERE user_id = $1 AND state = 'enabled'",
        [userId, [...recoveryHashes]],
        () => new FactorChangedError(),
      );
      await insertEvents(tx, options.events, this.options.auditRetentionDays);
    });
  }

  async useCode(userId: string, step: number): Promise<void> {
    await acceptStep(this.db, userId, step);
  }

  async useRecoveryCode(userId: string, recoveryHash: string): Promise<void> {
    await takeRecoveryCode(this.db, userId, recoveryHash);
  }

  async createChallenge(challenge: MfaChallenge): Promise<void> {
    await this.db.query(
      `INSERT INTO mfa_challenges (token_hash, user_id, expires_at, attempts, token_version, device)
       VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (token_hash) DO UPDATE SET user_id = $2, expires_at = $3, attempts = $4,
         token_version = $5, device = $6`,
      [
        challenge.tokenHash,
        challenge.userId,
        challenge.expiresAt,
        challenge.attempts,
        challenge.tokenVersion,
        challenge.device ?? null,
      ],
    );
  }

  async getChallenge(tokenHash: string): Promise<MfaChallenge | undefined> {
    const { rows } = await this.db.query<ChallengeRow>(
      'SELECT user_id, expires_at, attempts, token_version, device FROM mfa_challenges WHERE token_hash = $1',
      [tokenHash],
    );
    const row = rows[0];
    return (
      row && {
        tokenHash,
        userId: row.user_id,
        expiresAt: Number(row.expires_at),
        attempts: row.attempts,
        tokenVersion: row.token_version,
        ...(row.device !== null && { device: row.device }),
      }
    );
  }

  async claimCode(tokenHash: string, now: Date): Promise<boolean> {
    const { rowCount } = await this.db.query(
      `UPDATE mfa_challenges SET attempts = attempts + 1
       WHERE token_hash = $1 AND attempts < $2 AND expires_at > $3`,
      [tokenHash, MAX_CODE_ATTEMPTS, epochSeconds(now)],
    );
    return rowCount === 1;
  }

  async completeWithCode(challenge: MfaChallenge, step: number, now: Date): Promise<void> {
    await this.complete(challenge, now, (tx) => acceptStep(tx, challenge.userId, step));
  }

  async completeWithRecoveryCode(challenge: MfaChallenge, recoveryHash: string, now: Date): Promise<void> {
    await this.complete(challenge, now, (tx) => takeRecoveryCode(tx, challenge.userId, recoveryHash));
  }

  /**
   * Consumes the live challenge and the code in one transaction: the challenge's failure first.
   * Every code compared claimed one of the attempts first (claimCode), so the one completing may
   * be the last of them.
   */
  private complete(challenge: MfaChallenge, now: Date, useCode: (tx: SqlClient) => Promise<void>) {
    return this.db.transaction(async (tx) => {
      await changedOne(
        tx,
        'DELETE FROM mfa_challenges WHERE token_hash = $1 AND user_id = $2 AND attempts <= $3 AND expires_at > $4',
        [challenge.tokenHash, challenge.userId, MAX_CODE_ATTEMPTS, epochSeconds(now)],
        () => new ChallengeGoneError(),
      );
      await useCode(tx);
    });
  }
}
