// The second factor's repository on SQL: the MfaRepository port. Each rule is the WHERE of one
// statement (a pending factor is replaced only while pending, a step accepted only if later than
// the last, a recovery code removed only if present), and enabling, removing and completing a
// login are transactions, so two requests racing over one code or one challenge cannot both win.
import { epochSeconds, MAX_CODE_ATTEMPTS, type MfaChallenge, type TotpFactor } from '../../../mfa/factor';
import {
  ChallengeGoneError,
  CodeUsedError,
  FactorChangedError,
  FactorEnabledError,
  type MfaRepository,
} from '../../../mfa/repository';
import type { SqlClient, SqlDatabase } from '../database';
import { insertEvents } from './audit-events';

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

export class SqlMfaRepository implements MfaRepository {
  constructor(
    private readonly db: SqlDatabase,
    private readonly options: { readonly auditRetentionDays: number },
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
    });
  }

  async remove(...[userId, now, options = {}]: Parameters<MfaRepository['remove']>) {
    await this.db.transaction(async (tx) => {
      await tx.query('DELETE FROM totp_factors WHERE user_id = $1', [userId]);
      await setMfaEnabled(tx, userId, false, now);
      await insertEvents(tx, options.events, this.options.auditRetentionDays);
    });
  }

  async replaceRecoveryCodes(userId: string, recoveryHashes: readonly string[]): Promise<void> {
    await changedOne(
      this.db,
      "UPDATE totp_factors SET recovery_hashes = $2 WHERE user_id = $1 AND state = 'enabled'",
      [userId, [...recoveryHashes]],
      () => new FactorChangedError(),
    );
  }

  async createChallenge(challenge: MfaChallenge): Promise<void> {
    await this.db.query(
      `INSERT INTO mfa_challenges (token_hash, user_id, expires_at, attempts) VALUES ($1, $2, $3, $4)
       ON CONFLICT (token_hash) DO UPDATE SET user_id = $2, expires_at = $3, attempts = $4`,
      [challenge.tokenHash, challenge.userId, challenge.expiresAt, challenge.attempts],
    );
  }

  async getChallenge(tokenHash: string): Promise<MfaChallenge | undefined> {
    const { rows } = await this.db.query<ChallengeRow>(
      'SELECT user_id, expires_at, attempts FROM mfa_challenges WHERE token_hash = $1',
      [tokenHash],
    );
    const row = rows[0];
    return (
      row && { tokenHash, userId: row.user_id, expiresAt: Number(row.expires_at), attempts: row.attempts }
    );
  }

  async countWrongCode(tokenHash: string): Promise<void> {
    // Already gone (used, or swept): nothing left to count against.
    await this.db.query('UPDATE mfa_challenges SET attempts = attempts + 1 WHERE token_hash = $1', [
      tokenHash,
    ]);
  }

  async completeWithCode(challenge: MfaChallenge, step: number, now: Date): Promise<void> {
    await this.complete(challenge, now, (tx) =>
      changedOne(
        tx,
        "UPDATE totp_factors SET last_step = $2 WHERE user_id = $1 AND state = 'enabled' AND last_step < $2",
        [challenge.userId, step],
        () => new CodeUsedError(),
      ),
    );
  }

  async completeWithRecoveryCode(challenge: MfaChallenge, recoveryHash: string, now: Date): Promise<void> {
    await this.complete(challenge, now, (tx) =>
      changedOne(
        tx,
        `UPDATE totp_factors SET recovery_hashes = array_remove(recovery_hashes, $2)
         WHERE user_id = $1 AND state = 'enabled' AND $2 = ANY (recovery_hashes)`,
        [challenge.userId, recoveryHash],
        () => new CodeUsedError(),
      ),
    );
  }

  /** Consumes the live challenge and the code in one transaction: the challenge's failure first. */
  private complete(challenge: MfaChallenge, now: Date, useCode: (tx: SqlClient) => Promise<void>) {
    return this.db.transaction(async (tx) => {
      await changedOne(
        tx,
        'DELETE FROM mfa_challenges WHERE token_hash = $1 AND user_id = $2 AND attempts < $3 AND expires_at > $4',
        [challenge.tokenHash, challenge.userId, MAX_CODE_ATTEMPTS, epochSeconds(now)],
        () => new ChallengeGoneError(),
      );
      await useCode(tx);
    });
  }
}
