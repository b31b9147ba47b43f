// The sessions repository on SQL: the SessionRepository port. A rotation is one UPDATE whose
// WHERE holds the hash it replaces, so of two racing refreshes exactly one changes the row; "end
// every session" bumps the user's token_version, so one row ends them all.
import type { WriteOptions } from '../../../audit/event';
import type { Rotation, SessionRepository } from '../../../sessions/repository';
import type { Session, SessionSummary } from '../../../sessions/session';
import type { StoredUser } from '../../../users/user';
import type { SqlClient, SqlDatabase } from '../database';
import { insertEvents } from './audit-events';
import { USER_COLUMNS, type UserRow, userOf } from './user-rows';

const SUMMARY_COLUMNS = 'id, user_id, created_at, last_used_at, expires_at, user_agent, token_version';
const SESSION_COLUMNS = `${SUMMARY_COLUMNS}, amr, refresh_hash, generation, rotated_at`;
/** The session's columns as `s_…`, beside a user's in one row. */
const PREFIXED_SESSION_COLUMNS = SESSION_COLUMNS.split(', ')
  .map((column) => `${column} AS s_${column}`)
  .join(', ');

interface SessionRow {
  id: string;
  user_id: string;
  created_at: Date;
  last_used_at: Date;
  expires_at: string | number;
  user_agent: string | null;
  token_version: number;
  amr: string[];
  refresh_hash: string;
  generation: number;
  rotated_at: Date | null;
}

type PrefixedSessionRow = { [Column in keyof SessionRow as `s_${Column}`]: SessionRow[Column] | null };

const unprefixed = (row: PrefixedSessionRow): SessionRow =>
  Object.fromEntries(
    Object.entries(row)
      .filter(([column]) => column.startsWith('s_'))
      .map(([column, value]) => [column.slice(2), value]),
  ) as unknown as SessionRow;

const summaryOf = (row: SessionRow): SessionSummary => ({
  id: row.id,
  userId: row.user_id,
  createdAt: row.created_at.toISOString(),
  lastUsedAt: row.last_used_at.toISOString(),
  // bigint: pg hands it over as a string.
  expiresAt: Number(row.expires_at),
  userAgent: row.user_agent,
  tokenVersion: row.token_version,
});

const sessionOf = (row: SessionRow): Session => ({
  ...summaryOf(row),
  amr: row.amr,
  refreshHash: row.refresh_hash,
  generation: row.generation,
  rotatedAt: row.rotated_at?.toISOString() ?? null,
});

export const insertSession = async (db: SqlClient, session: Session): Promise<void> => {
  await db.query(
    `INSERT INTO sessions (${SESSION_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
    [
      session.id,
      session.userId,
      session.createdAt,
      session.lastUsedAt,
      session.expiresAt,
      session.userAgent,
      session.tokenVersion,
      [...session.amr],
      session.refreshHash,
      session.generation,
      session.rotatedAt,
    ],
  );
};

/** Rolls back a transaction whose user is gone (internal to this module). */
class GoneError extends Error {}

export class SqlSessionRepository implements SessionRepository {
  constructor(
    private readonly db: SqlDatabase,
    private readonly options: { readonly auditRetentionDays: number },
  ) {}

  create(session: Session): Promise<void> {
    return insertSession(this.db, session);
  }

  async get(id: string): Promise<Session | undefined> {
    const { rows } = await this.db.query<SessionRow>(
      `SELECT ${SESSION_COLUMNS} FROM sessions WHERE id = $1`,
      [id],
    );
    return rows[0] && sessionOf(rows[0]);
  }

  async getWithUser(
    sessionId: string,
    userId: string,
  ): Promise<{ readonly session: Session | undefined; readonly user: StoredUser | undefined }> {
    // One round trip on every authenticated call: either row may be missing without the other.
    const { rows } = await this.db.query<UserRow & PrefixedSessionRow>(
      `SELECT u.*, s.* FROM (SELECT ${USER_COLUMNS} FROM users WHERE id = $2) u
       FULL JOIN (SELECT ${PREFIXED_SESSION_COLUMNS} FROM sessions WHERE id = $1) s ON true`,
      [sessionId, userId],
    );
    const row = rows[0];
    if (!row) return { session: undefined, user: undefined };
    return {
      session: row.s_id === null ? undefined : sessionOf(unprefixed(row)),
      user: row.id === null ? undefined : userOf(row),
    };
  }

  async rotate(id: string, { fromHash, toHash, at }: Rotation): Promise<boolean> {
    const { rowCount } = await this.db.query(
      `UPDATE sessions SET refresh_hash = $3, rotated_at = $4, last_used_at = $4, generation = generation + 1
       WHERE id = $1 AND refresh_hash = $2`,
      [id, fromHash, toHash, at],
    );
    return rowCount === 1;
  }

  async delete(id: string, options: WriteOptions = {}): Promise<void> {
    await this.db.transaction(async (tx) => {
      await tx.query('DELETE FROM sessions WHERE id = $1', [id]);
      await insertEvents(tx, options.events, this.options.auditRetentionDays);
    });
  }

  async listByUser(userId: string): Promise<readonly SessionSummary[]> {
    const { rows } = await this.db.query<SessionRow>(
      `SELECT ${SUMMARY_COLUMNS} FROM sessions WHERE user_id = $1 ORDER BY created_at DESC, id DESC`,
      [userId],
    );
    return rows.map(summaryOf);
  }

  async endAllOf(userId: string, options: WriteOptions = {}): Promise<boolean> {
    try {
      await this.db.transaction(async (tx) => {
        // `version` moves too: a user write that read the old token_version fails its version check.
        const { rowCount } = await tx.query(
          'UPDATE users SET token_version = token_version + 1, version = version + 1 WHERE id = $1',
          [userId],
        );
        if (rowCount !== 1) throw new GoneError();
        await insertEvents(tx, options.events, this.options.auditRetentionDays);
      });
      return true;
    } catch (error) {
      if (error instanceof GoneError) return false;
      throw error;
    }
  }

  async deleteAllOf(userId: string): Promise<void> {
    await this.db.query('DELETE FROM sessions WHERE user_id = $1', [userId]);
  }
}
