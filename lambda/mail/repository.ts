// The port the mail use cases need from storage beyond the user repository.
import type { AuditEvent } from '../audit/event';
import type { UserRepository, UserWriteOptions } from '../users/repository';
import type { StoredUser } from '../users/user';
import type { MailKind, MailToken, OutboxMail, TokenPurpose } from './mail';

export interface MailRepository {
  /**
   * Takes the one mail of `kind` to `email` allowed per window; false when one was taken within
   * it. Written for unknown addresses too, so that the work does not depend on the account.
   */
  claimMailSlot(kind: MailKind, email: string, nowEpoch: number, windowSeconds: number): Promise<boolean>;
  /**
   * Counts one more against `counter` for the UTC day of `nowEpoch`, only while the day's count
   * is below `cap`: one conditional write (an atomic add guarded by the count), so N concurrent
   * claims on a count c succeed exactly min(N, cap - c) times. False when the cap is reached.
   * The day's item expires by TTL after the day.
   */
  claimDailyCount(counter: DailyCounter, nowEpoch: number, cap: number): Promise<boolean>;
  /** Strongly consistent. */
  getToken(hash: string): Promise<MailToken | undefined>;
  /**
   * Stores the token, its mail and the events that record it in one transaction. A reset token
   * also becomes the user's one current reset token, which voids the older ones.
   */
  issueToken(token: MailToken, mail: OutboxMail, events: readonly AuditEvent[]): Promise<void>;
  /**
   * What an address that gets no mail costs: a transaction of as many puts as issueToken's for
   * this purpose, of short-lived items nothing reads, so the answer takes as long either way.
   */
  issueNothing(purpose: TokenPurpose, hash: string, nowEpoch: number): Promise<void>;
}

/** What a daily cap counts: mails to an address, or an account's mailed email changes. */
export interface DailyCounter {
  readonly scope: 'mail-to' | 'email-change';
  /** The address (`mail-to`) or the user id (`email-change`). */
  readonly subject: string;
}

/** The outbox as the mailer needs it, once a mail has gone. */
export interface Outbox {
  /** Blanks the raw token of a sent mail, and records when it went. */
  markSent(outboxId: string, at: Date): Promise<void>;
}

/** What a user write also does for mail, in the same transaction. */
export interface MailEffects {
  /** Outbox items: the mailer sends them once the write has happened. */
  readonly mails?: readonly OutboxMail[];
  readonly newTokens?: readonly MailToken[];
  /** Spent by this write (single use): the write fails with InvalidTokenError when it is gone or expired. */
  readonly spendToken?: { readonly token: MailToken; readonly nowEpoch: number };
}

/** The user store as mail needs it: creating or replacing a user can mail, and spend or mint tokens. */
export interface MailingUserRepository extends UserRepository {
  create(user: StoredUser, options?: UserWriteOptions & MailEffects): Promise<void>;
  replace(previous: StoredUser, next: StoredUser, options?: UserWriteOptions & MailEffects): Promise<void>;
}
