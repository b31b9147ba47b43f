// The port the domain needs from storage. store/user-repository.ts implements it on DynamoDB;
// nothing else does (tests run the real one against DynamoDB Local). Every write takes
// WriteOptions: the audit events that record it, written in the same transaction.
import type { AuditEvent, WriteOptions } from '../audit/event';
import type { LoginFailures, Status, StoredUser, User } from './user';

export interface UserPage {
  readonly users: readonly User[];
  /** An opaque position for the next page, or null at the end. */
  readonly nextPosition: string | null;
}

export interface UserListQuery {
  readonly limit: number;
  readonly position: string | undefined;
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
  create(user: StoredUser, options?: WriteOptions): Promise<void>;
  /**
   * Writes `next` if the stored user is still at `previous.version` (else StaleVersionError),
   * moving the email guard in the same transaction when the email changes (EmailTakenError).
   * LastAdminError when it would leave no active admin.
   */
  replace(previous: StoredUser, next: StoredUser, options?: WriteOptions): Promise<void>;
  /**
   * Deletes the user, its email guard and its login-failure record if it is still at
   * `user.version` (else StaleVersionError); its audit events stay. LastAdminError for the last active admin.
   */
  delete(user: StoredUser, options?: WriteOptions): Promise<void>;
  /**
   * Sets last_login and bumps the version (clearing the failed-login count when `clearFailures`);
   * returns the user as now stored, or undefined if it is gone.
   */
  recordLogin(
    user: StoredUser,
    at: string,
    options?: WriteOptions & { readonly clearFailures?: boolean },
  ): Promise<StoredUser | undefined>;
  /** Sorted by email, ascending. */
  list(query: UserListQuery): Promise<UserPage>;

  getLoginFailures(email: string): Promise<LoginFailures | undefined>;
  /**
   * Atomically counts one more failure and returns the new state; `eventsFor(count)` are written
   * in the same transaction as the new count.
   */
  addLoginFailure(
    email: string,
    at: string,
    keepForSeconds: number,
    eventsFor?: (count: number) => readonly AuditEvent[],
  ): Promise<LoginFailures>;
  clearLoginFailures(email: string): Promise<void>;
}

/** The stored version moved on since it was read. */
export class StaleVersionError extends Error {}

export { InvalidPositionError } from '../shared/paging';
