// The port the domain needs from storage. store/user-repository.ts implements it on DynamoDB;
// nothing else does (tests run the real one against DynamoDB Local). Every write takes
// WriteOptions: the audit events that record it, written in the same transaction; create and
// replace also take WriteEffects (mails, mailed tokens), in that same transaction.
import type { WriteOptions } from '../audit/event';
import type { StorePage, StoreQuery } from '../shared/paging';
import type { Status, StoredUser, User } from './user';

/**
 * What else a user write does in the same transaction: all of it happens, or none. The mail
 * domain adds its own effects (mail/repository.ts, MailEffects).
 */
export interface WriteEffects {
  /** Clears every failed login of the account, from every client, as of `at` (see clearLoginFailures). */
  readonly clearLoginFailures?: ClearLoginFailures;
}

/** A user write's options: its audit events and its other effects, all in one transaction. */
export type UserWriteOptions = WriteOptions & WriteEffects;

export interface ClearLoginFailures {
  readonly email: string;
  readonly at: string;
  /** How long the account's record (its `cleared_at`) is kept. */
  readonly keepForSeconds: number;
}

export interface UserPage extends StorePage {
  readonly users: readonly User[];
}

export interface UserListQuery extends StoreQuery {
  /** Lower-case; only emails starting with it. */
  readonly emailPrefix?: string | undefined;
  readonly status?: Status | undefined;
}

export interface UserRepository {
  /** Strongly consistent read. */
  getById(id: string): Promise<StoredUser | undefined>;
  /** Strongly consistent read (through the email guard, not the eventually consistent index). */
  getByEmail(email: string): Promise<StoredUser | undefined>;
  /** Throws EmailTakenError when another user has the email. */
  create(user: StoredUser, options?: UserWriteOptions): Promise<void>;
  /**
   * Writes `next` if the stored user is still at `previous.version` (else StaleVersionError),
   * moving the email guard in the same transaction when the email changes (EmailTakenError).
   * LastAdminError when it would leave no active admin.
   */
  replace(previous: StoredUser, next: StoredUser, options?: UserWriteOptions): Promise<void>;
  /**
   * Deletes the user and its email guard if it is still at `user.version` (else StaleVersionError),
   * with `clearFailures` forgetting the account's failed logins in the same transaction; its
   * audit events stay. LastAdminError for the last active admin.
   */
  delete(
    user: StoredUser,
    options?: WriteOptions & { readonly clearFailures?: ClearFailures },
  ): Promise<void>;
  /**
   * Sets last_login and bumps the version, in one transaction with its events (the sessions
   * domain adds the session it opens: sessions/repository.ts, UserSessionRepository); returns
   * the user as now stored, or undefined if it is gone. The failed logins a login forgets are
   * the login-attempt port's (login-attempts.ts), outside this transaction: their records are
   * hot during an attack, and a transaction on them would be cancelled by every claim.
   */
  recordLogin(user: StoredUser, at: string, options?: RecordLoginOptions): Promise<StoredUser | undefined>;
  /** Sorted by email, ascending. */
  list(query: UserListQuery): Promise<UserPage>;
}

export type RecordLoginOptions = WriteOptions;

/** Forget every failure of the account as of `at` (see clearLoginFailures), in the same transaction. */
export interface ClearFailures {
  readonly at: string;
  readonly keepForSeconds: number;
}

/** The stored version moved on since it was read. */
export class StaleVersionError extends Error {}

export { InvalidPositionError } from '../shared/paging';
