// The mail flows' own rows on SQL: throttle slots claimed with one conditional upsert, mailed
// tokens looked up by their keyed hash, and a token issued with its outbox row and its events in
// one transaction. The inserts other repositories' transactions carry (outbox rows, new tokens)
// live here too, so every write of a mail or a token goes through one place.
import type { AuditEvent } from '../../../audit/event';
import type { MailToken, OutboxMail, TokenPurpose } from '../../../mail/mail';
import type { MailRepository } from '../../../mail/repository';
import type { IdSource } from '../../../shared/clock';
import type { SqlClient, SqlDatabase } from '../database';
import { insertEvents, type WritingRepositoryOptions } from './audit-events';

/** Outbox rows outlive every retry of their sending; the token in them is blanked once sent. */
export const OUTBOX_KEEP_SECONDS = 7 * 24 * 3600;
/** A decoy row lives only until the next sweep. */
const DECOY_SECONDS = 60;

export const insertOutbox = async (
  db: SqlClient,
  mails: readonly OutboxMail[] | undefined,
  newId: IdSource,
  at: Date,
): Promise<void> => {
  for (const mail of mails ?? []) {
    await db.query(
      `INSERT INTO outbox (id, kind, to_address, name, token, created_at, next_attempt_at, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $6, $7)`,
      [
        newId(),
        mail.kind,
        mail.to,
        mail.name,
        mail.token ?? null,
        at.toISOString(),
        new Date(at.getTime() + OUTBOX_KEEP_SECONDS * 1000).toISOString(),
      ],
    );
  }
};

/** Stores new tokens; a reset token deletes the user's older reset tokens, voiding them. */
export const insertTokens = async (
  db: SqlClient,
  tokens: readonly MailToken[] | undefined,
): Promise<void> => {
  for (const token of tokens ?? []) {
    if (token.purpose === 'reset-password')
      await db.query("DELETE FROM mail_tokens WHERE user_id = $1 AND purpose = 'reset-password'", [
        token.userId,
      ]);
    await db.query(
      'INSERT INTO mail_tokens (hash, purpose, user_id, mailed_to, expires_at) VALUES ($1, $2, $3, $4, $5)',
      [token.hash, token.purpose, token.userId, token.email, token.expiresAt],
    );
  }
};

/** Spends a token: true when this call deleted it, live; false when it was used, voided or expired. */
export const spendToken = async (db: SqlClient, token: MailToken, nowEpoch: number): Promise<boolean> => {
  const { rowCount } = await db.query('DELETE FROM mail_tokens WHERE hash = $1 AND expires_at > $2', [
    token.hash,
    nowEpoch,
  ]);
  return rowCount === 1;
};

/** How many rows issuing a token of this purpose writes: token, outbox, event (+ voiding the older). */
const issuedRowCount = (purpose: TokenPurpose): number => (purpose === 'reset-password' ? 4 : 3);

interface TokenRow {
  purpose: TokenPurpose;
  user_id: string;
  mailed_to: string;
  expires_at: string | number;
}

export class SqlMailRepository implements MailRepository {
  constructor(
    private readonly db: SqlDatabase,
    private readonly options: WritingRepositoryOptions,
  ) {}

  async claimMailSlot(
    ...[kind, email, nowEpoch, windowSeconds]: Parameters<MailRepository['claimMailSlot']>
  ) {
    const { rows } = await this.db.query(
      `INSERT INTO mail_throttle (kind, email, expires_at) VALUES ($1, $2, $3)
       ON CONFLICT (kind, email) DO UPDATE SET expires_at = excluded.expires_at
       WHERE mail_throttle.expires_at <= $4
       RETURNING 1`,
      [kind, email, nowEpoch + windowSeconds, nowEpoch],
    );
    return rows.length === 1;
  }

  async getToken(hash: string): Promise<MailToken | undefined> {
    const { rows } = await this.db.query<TokenRow>(
      'SELECT purpose, user_id, mailed_to, expires_at FROM mail_tokens WHERE hash = $1',
      [hash],
    );
    const row = rows[0];
    return (
      row && {
        hash,
        purpose: row.purpose,
        userId: row.user_id,
        email: row.mailed_to,
        // bigint: pg hands it over as a string.
        expiresAt: Number(row.expires_at),
      }
    );
  }

  async issueToken(token: MailToken, mail: OutboxMail, events: readonly AuditEvent[]): Promise<void> {
    await this.db.transaction(async (tx) => {
      await insertTokens(tx, [token]);
      await insertOutbox(tx, [mail], this.options.newId, this.options.clock());
      await insertEvents(tx, events, this.options.auditRetentionDays);
    });
  }

  async issueNothing(purpose: TokenPurpose, hash: string, nowEpoch: number): Promise<void> {
    await this.db.transaction(async (tx) => {
      for (let n = 0; n < issuedRowCount(purpose); n += 1)
        await tx.query(
          `INSERT INTO mail_decoys (hash, n, expires_at) VALUES ($1, $2, $3)
           ON CONFLICT (hash, n) DO UPDATE SET expires_at = excluded.expires_at`,
          [hash, n, nowEpoch + DECOY_SECONDS],
        );
    });
  }
}
