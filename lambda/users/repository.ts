// The port the domain needs from storage. store/user-repository.ts implements it on DynamoDB;
// nothing else does (tests run the real one against DynamoDB Local).
import type { MailToken, OutboxMail } from '../mail/mail';
import type { LoginFailures, StoredUser, User } from './user';

/** What else a user write does in the same transaction: all of it happens, or none. */
export interface WriteEffects {
  /** Outbox items: the mailer sends them once the write has happened. */
  readonly mails?: readonly OutboxMail[];
  readonly newTokens?: readonly MailToken[];
  /** Spent by this write (single use): the write fails with InvalidTokenError when it is gone or expired. */
  readonly spendToken?: { readonly token: MailToken; readonly nowEpoch: number };
  /** Clears the failed-login count of this email. */
  readonly clearLoginFailures?: string;
}

export interface UserPage {
  readonly users: readonly User[];
  /** An opaque position for the next page, or null at the end. */
  readonly nextPosition: string | null;
}

export interface UserRepository {
  /** Strongly consistent read. */
  getById(id: string): Promise<StoredUser | undefined>;
  /** Strongly consistent read (through the email guard, not the eventually consistent index). */
  getByEmail(email: string): Promise<StoredUser | undefined>;
  /** Throws EmailTakenError when another user has the email. */
  create(user: StoredUser, effects?: WriteEffects): Promise<void>;
  /**
   * Writes `next` if the stored user is still at `previous.version` (else StaleVersionError),
   * moving the email guard in the same transaction when the email changes (EmailTakenError).
   */
  replace(previous: StoredUser, next: StoredUser, effects?: WriteEffects): Promise<void>;
  /** Deletes the user and its email guard if it is still at `user.version` (else StaleVersionError). */
  delete(user: StoredUser): Promise<void>;
  /** Sets last_login and bumps the version; returns the user as now stored, or undefined if it is gone. */
  recordLogin(id: string, at: string): Promise<StoredUser | undefined>;
  list(limit: number, position: string | undefined): Promise<UserPage>;

  getLoginFailures(email: string): Promise<LoginFailures | undefined>;
  /** Atomically counts one more failure and returns the new state. */
  addLoginFailure(email: string, at: string, keepForSeconds: number): Promise<LoginFailures>;
  clearLoginFailures(email: string): Promise<void>;
}

/** The stored version moved on since it was read. */
export class StaleVersionError extends Error {}

/** A position the store cannot read (it decodes, but is not one of its keys). */
export class InvalidPositionError extends Error {}
