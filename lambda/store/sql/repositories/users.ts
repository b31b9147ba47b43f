// The users repository on SQL: the UserRepository port with a unique email by constraint, the
// version check in the UPDATE's own WHERE, the last-admin rule under row locks on the active
// admins, and every write's events and effects (mails, tokens, cleared failures, the session of
// a login) in its one transaction. Nothing is read and then written outside a transaction.
import type { AuditEvent } from '../../../audit/event';
import { InvalidTokenError } from '../../../mail/errors';
import type { MailEffects, MailingUserRepository } from '../../../mail/repository';
import type { UserSessionRepository } from '../../../sessions/repository';
import { InvalidPositionError } from '../../../shared/paging';
import { EmailTakenError, LastAdminError } from '../../../users/errors';
import {
  StaleVersionError,
  type UserListQuery,
  type UserRepository,
  type UserWriteOptions,
  type WriteEffects,
} from '../../../users/repository';
import { isActiveAdmin, profileOf, type StoredUser } from '../../../users/user';
import { type SqlClient, type SqlDatabase, sqlStateOf, UNIQUE_VIOLATION } from '../database';
import { insertEvents, type WritingRepositoryOptions } from './audit-events';
import { clearAccountFailures } from './login-attempts';
import { insertOutbox, insertTokens, spendToken } from './mail';
import { insertSession } from './sessions';
import { selectUser, USER_COLUMNS, type UserRow, userOf } from './user-rows';

const userValues = (user: StoredUser): unknown[] => [
  user.id,
  user.email,
  user.name,
  user.role,
  user.status,
  user.emailVerified,
  user.mfaEnabled,
  user.lastLogin,
  user.createdAt,
  user.updatedAt,
  user.version,
  user.passwordHash,
  user.tokenVersion,
];

/** Runs a write whose unique violation on the email means another user has it. */
const guardingEmail = async <T>(write: Promise<T>): Promise<T> => {
  try {
    return await write;
  } catch (error) {
    if (
      sqlStateOf(error) === UNIQUE_VIOLATION &&
      /email/.test(String((error as { constraint?: string }).constraint))
    )
      throw new EmailTakenError();
    throw error;
  }
};

/**
 * Refuses a write that would leave no active admin: the active admins' rows are locked (in id
 * order, so two such writes never deadlock) and counted, so two admins demoting each other at
 * once are serialized and the second finds itself the last.
 */
const keepAnAdmin = async (tx: SqlClient, leaving: string): Promise<void> => {
  const { rows } = await tx.query<{ id: string }>(
    "SELECT id FROM users WHERE role = 'admin' AND status = 'active' ORDER BY id FOR UPDATE",
  );
  if (rows.every((row) => row.id === leaving)) throw new LastAdminError();
};

/** A page of the listing ends with the last email it showed. */
const afterOf = (position: string): string => {
  let parsed: unknown;
  try {
    parsed = JSON.parse(position);
  } catch {
    throw new InvalidPositionError();
  }
  if (!Array.isArray(parsed) || parsed.length !== 1 || typeof parsed[0] !== 'string')
    throw new InvalidPositionError();
  return parsed[0];
};

/** The first string after every string that starts with `prefix`, in code point (byte) order. */
const pastPrefix = (prefix: string): string => {
  const points = Array.from(prefix);
  const last = points.pop()?.codePointAt(0) ?? 0;
  return points.join('') + String.fromCodePoint(last + 1);
};

export class SqlUserRepository implements UserSessionRepository, MailingUserRepository {
  constructor(
    private readonly db: SqlDatabase,
    private readonly options: WritingRepositoryOptions,
  ) {}

  /** A write's effects and events, inside its transaction; a spent token first, so a used one fails it. */
  private async effects(
    tx: SqlClient,
    effects: (WriteEffects & MailEffects) | undefined,
    events?: readonly AuditEvent[],
  ) {
    if (effects?.spendToken) {
      const { token, nowEpoch } = effects.spendToken;
      if (!(await spendToken(tx, token, nowEpoch))) throw new InvalidTokenError();
    }
    await insertTokens(tx, effects?.newTokens);
    await insertOutbox(tx, effects?.mails, this.options.newId, this.options.clock());
    if (effects?.clearLoginFailures)
      await clearAccountFailures(tx, effects.clearLoginFailures.email, effects.clearLoginFailures);
    await insertEvents(tx, events, this.options.auditRetentionDays);
  }

  getById(id: string): Promise<StoredUser | undefined> {
    return selectUser(this.db, id);
  }

  async getByEmail(email: string): Promise<StoredUser | undefined> {
    const { rows } = await this.db.query<UserRow>(`SELECT ${USER_COLUMNS} FROM users WHERE email = $1`, [
      email,
    ]);
    return rows[0] && userOf(rows[0]);
  }

  async create(user: StoredUser, options: UserWriteOptions & MailEffects = {}): Promise<void> {
    await this.db.transaction(async (tx) => {
      await this.effects(tx, options);
      await guardingEmail(
        tx.query(
          `INSERT INTO users (${USER_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
          userValues(user),
        ),
      );
      await insertEvents(tx, options.events, this.options.auditRetentionDays);
    });
  }

  async replace(
    previous: StoredUser,
    next: StoredUser,
    options: UserWriteOptions & MailEffects = {},
  ): Promise<void> {
    await this.db.transaction(async (tx) => {
      if (isActiveAdmin(previous) && !isActiveAdmin(next)) await keepAnAdmin(tx, previous.id);
      const { rowCount } = await guardingEmail(
        tx.query(
          `UPDATE users SET email = $2, name = $3, role = $4, status = $5, email_verified = $6,
             mfa_enabled = $7, last_login = $8, created_at = $9, updated_at = $10, version = $11,
             password_hash = $12, token_version = $13
           WHERE id = $1 AND version = $14`,
          [...userValues(next), previous.version],
        ),
      );
      if (rowCount !== 1) throw new StaleVersionError();
      await this.effects(tx, options, options.events);
    });
  }

  async delete(...[user, options = {}]: Parameters<UserRepository['delete']>) {
    await this.db.transaction(async (tx) => {
      if (isActiveAdmin(user)) await keepAnAdmin(tx, user.id);
      const { rowCount } = await tx.query('DELETE FROM users WHERE id = $1 AND version = $2', [
        user.id,
        user.version,
      ]);
      if (rowCount !== 1) throw new StaleVersionError();
      if (options.clearFailures) await clearAccountFailures(tx, user.email, options.clearFailures);
      await insertEvents(tx, options.events, this.options.auditRetentionDays);
    });
  }

  async recordLogin(...[user, at, options = {}]: Parameters<UserSessionRepository['recordLogin']>) {
    return this.db.transaction(async (tx) => {
      const { rows } = await tx.query<UserRow>(
        `UPDATE users SET last_login = $2, version = version + 1 WHERE id = $1 RETURNING ${USER_COLUMNS}`,
        [user.id, at],
      );
      const row = rows[0];
      if (!row) return undefined;
      if (options.session) await insertSession(tx, options.session);
      await insertEvents(tx, options.events, this.options.auditRetentionDays);
      return userOf(row);
    });
  }

  async list(query: UserListQuery) {
    const params: unknown[] = [];
    const where: string[] = [];
    const add = (condition: (n: number) => string, value: unknown) => {
      params.push(value);
      where.push(condition(params.length));
    };
    if (query.status !== undefined) add((n) => `status = $${n}`, query.status);
    if (query.emailPrefix) {
      add((n) => `email >= $${n}`, query.emailPrefix);
      add((n) => `email < $${n}`, pastPrefix(query.emailPrefix));
    }
    if (query.position !== undefined) add((n) => `email > $${n}`, afterOf(query.position));
    params.push(query.limit + 1);
    const { rows } = await this.db.query<UserRow>(
      `SELECT ${USER_COLUMNS} FROM users ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY email LIMIT $${params.length}`,
      params,
    );
    const users = rows.slice(0, query.limit).map((row) => profileOf(userOf(row)));
    const last = users.at(-1);
    return { users, nextPosition: rows.length > query.limit && last ? JSON.stringify([last.email]) : null };
  }
}
