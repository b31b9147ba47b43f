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
  type ClearFailures,
  type LoginFailure,
  StaleVersionError,
  type UserListQuery,
  type UserRepository,
  type UserWriteOptions,
  type WriteEffects,
} from '../../../users/repository';
import { isActiveAdmin, type LoginThrottleState, profileOf, type StoredUser } from '../../../users/user';
import type { Item } from '../../attributes';
import {
  accountFailuresFromItem,
  loginFailuresFromItem,
  nextFailureCounts,
} from '../../items/login-failure-items';
import { type SqlClient, type SqlDatabase, sqlStateOf, UNIQUE_VIOLATION } from '../database';
import { insertEvents, type WritingRepositoryOptions } from './audit-events';
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

const clearAccount = async (tx: SqlClient, email: string, { at, keepForSeconds }: ClearFailures) => {
  const expiresAt = Math.floor(Date.parse(at) / 1000) + keepForSeconds;
  await tx.query(
    `INSERT INTO login_failures_by_account (email, cleared_at, expires_at) VALUES ($1, $2, $3)
     ON CONFLICT (email) DO UPDATE SET cleared_at = $2, expires_at = $3,
       failure_count = NULL, window_started_at = NULL, last_failed_at = NULL`,
    [email, at, expiresAt],
  );
};

interface ClientFailureRow {
  failure_count: number;
  last_failed_at: Date;
  expires_at: string | number;
}
interface AccountFailureRow {
  failure_count: number | null;
  window_started_at: Date | null;
  last_failed_at: Date | null;
  cleared_at: Date | null;
  expires_at: string | number;
}

/** The rows in the shape the failure rules (shared with DynamoDB) read. */
const clientItem = (row: ClientFailureRow | undefined): Item | undefined =>
  row && {
    failure_count: row.failure_count,
    last_failed_at: row.last_failed_at.toISOString(),
    expires_at: Number(row.expires_at),
  };
const accountItem = (row: AccountFailureRow | undefined): Item | undefined =>
  row && {
    ...(row.failure_count !== null && { failure_count: row.failure_count }),
    ...(row.window_started_at && { window_started_at: row.window_started_at.toISOString() }),
    ...(row.last_failed_at && { last_failed_at: row.last_failed_at.toISOString() }),
    ...(row.cleared_at && { cleared_at: row.cleared_at.toISOString() }),
    expires_at: Number(row.expires_at),
  };

const stateOf = (client: Item | undefined, account: Item | undefined): LoginThrottleState => ({
  client: client ? loginFailuresFromItem(client) : undefined,
  account: account ? accountFailuresFromItem(account) : undefined,
});

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
      await clearAccount(tx, effects.clearLoginFailures.email, effects.clearLoginFailures);
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
      if (options.clearFailures) await clearAccount(tx, user.email, options.clearFailures);
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
      if (options.clearClient !== undefined)
        await tx.query('DELETE FROM login_failures_by_client WHERE email = $1 AND client = $2', [
          user.email,
          options.clearClient,
        ]);
      if (options.clearFailures) await clearAccount(tx, user.email, options.clearFailures);
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

  async getLoginFailures(email: string, client: string): Promise<LoginThrottleState> {
    const [fromClient, account] = await Promise.all([
      this.db.query<ClientFailureRow>(
        'SELECT failure_count, last_failed_at, expires_at FROM login_failures_by_client WHERE email = $1 AND client = $2',
        [email, client],
      ),
      this.db.query<AccountFailureRow>(
        `SELECT failure_count, window_started_at, last_failed_at, cleared_at, expires_at
         FROM login_failures_by_account WHERE email = $1`,
        [email],
      ),
    ]);
    return stateOf(clientItem(fromClient.rows[0]), accountItem(account.rows[0]));
  }

  /**
   * The account's row is locked first (made if it is missing), so concurrent failures of one
   * account, from any client on any replica, count one after another and each sees its own count.
   */
  async addLoginFailure(
    failure: LoginFailure,
    eventsFor: (state: LoginThrottleState) => readonly AuditEvent[] = () => [],
  ): Promise<LoginThrottleState> {
    const { email, client } = failure;
    return this.db.transaction(async (tx) => {
      const placeholder = await tx.query(
        `INSERT INTO login_failures_by_account (email, expires_at) VALUES ($1, 0)
         ON CONFLICT (email) DO NOTHING RETURNING 1`,
        [email],
      );
      const account = await tx.query<AccountFailureRow>(
        `SELECT failure_count, window_started_at, last_failed_at, cleared_at, expires_at
         FROM login_failures_by_account WHERE email = $1 FOR UPDATE`,
        [email],
      );
      const fromClient = await tx.query<ClientFailureRow>(
        'SELECT failure_count, last_failed_at, expires_at FROM login_failures_by_client WHERE email = $1 AND client = $2',
        [email, client],
      );
      // A row made just now stands for no record at all, as an absent item does on DynamoDB.
      const next = nextFailureCounts(
        failure,
        clientItem(fromClient.rows[0]),
        placeholder.rows.length === 1 ? undefined : accountItem(account.rows[0]),
      );
      await tx.query(
        `INSERT INTO login_failures_by_client (email, client, failure_count, last_failed_at, expires_at)
         VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (email, client) DO UPDATE SET failure_count = $3, last_failed_at = $4, expires_at = $5`,
        [email, client, next.client.failure_count, next.client.last_failed_at, next.client.expires_at],
      );
      await tx.query(
        `UPDATE login_failures_by_account SET failure_count = $2, window_started_at = $3,
           last_failed_at = $4, expires_at = $5
         WHERE email = $1`,
        [
          email,
          next.account.failure_count,
          next.account.window_started_at,
          next.account.last_failed_at,
          next.account.expires_at,
        ],
      );
      const state = stateOf(next.client, next.account);
      await insertEvents(tx, eventsFor(state), this.options.auditRetentionDays);
      return state;
    });
  }

  async clearClientLoginFailures(email: string, client: string): Promise<void> {
    await this.db.query('DELETE FROM login_failures_by_client WHERE email = $1 AND client = $2', [
      email,
      client,
    ]);
  }

  async clearLoginFailures(email: string, at: string, keepForSeconds: number): Promise<void> {
    await this.db.transaction((tx) => clearAccount(tx, email, { at, keepForSeconds }));
  }
}
