// The port the domain needs from storage. store/user-repository.ts implements it on DynamoDB;
// nothing else does (tests run the real one against DynamoDB Local).
import type { MailToken, OutboxMail } from '../mail/mail';
import type { LoginThrottleState, StoredUser, User } from './user';

/** What else a user write does in the same transaction: all of it happens, or none. */
export interface WriteEffects {
  /** Outbox items: the mailer sends them once the write has happened. */
  readonly mails?: readonly OutboxMail[];
  readonly newTokens?: readonly MailToken[];
  /** Spent by this write (single use): the write fails with InvalidTokenError when it is gone or expired. */
  readonly spendToken?: { readonly token: MailToken; readonly nowEpoch: number };
  /** Clears every failed login of the account, from every client, as of `at` (see clearLoginFailures). */
  readonly clearLoginFailures?: ClearLoginFailures;
}

export interface ClearLoginFailures {
  readonly email: string;
  readonly at: string;
  /** How long the account's record (its `cleared_at`) is kept. */
  readonly keepForSeconds: number;
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

  /** The failures of `email` from `client`, and from every client (one round trip). */
  getLoginFailures(email: string, client: string): Promise<LoginThrottleState>;
  /** Atomically counts one more failure, for the client and for the account, and returns the new state. */
  addLoginFailure(failure: LoginFailure): Promise<LoginThrottleState>;
  /** Forgets the failures of `email` from `client` (after it logged in). */
  clearClientLoginFailures(email: string, client: string): Promise<void>;
  /** Forgets every failure of `email`, from every client, as of `at`. */
  clearLoginFailures(email: string, at: string, keepForSeconds: number): Promise<void>;
}

export interface LoginFailure {
  readonly email: string;
  readonly client: string;
  readonly at: string;
  /** When the account was last cleared: client records older than it start over. */
  readonly clearedAt: string | undefined;
  /** How long a client's record matters. */
  readonly keepForSeconds: number;
  /** The account ceiling's window. */
  readonly windowSeconds: number;
}

/** The stored version moved on since it was read. */
export class StaleVersionError extends Error {}

/** A position the store cannot read (it decodes, but is not one of its keys). */
export class InvalidPositionError extends Error {}
