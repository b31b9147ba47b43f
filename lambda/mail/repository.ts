// The port the mail use cases need from storage beyond the user repository.
import type { AuditEvent } from '../audit/event';
import type { MailKind, MailToken, OutboxMail } from './mail';

export interface MailRepository {
  /**
   * Takes the one mail of `kind` to `email` allowed per window; false when one was taken within
   * it. Written for unknown addresses too, so that the work does not depend on the account.
   */
  claimMailSlot(kind: MailKind, email: string, nowEpoch: number, windowSeconds: number): Promise<boolean>;
  /** Strongly consistent. */
  getToken(hash: string): Promise<MailToken | undefined>;
  /**
   * Stores the token, its mail and the events that record it in one transaction. A reset token
   * also becomes the user's one current reset token, which voids the older ones.
   */
  issueToken(token: MailToken, mail: OutboxMail, events: readonly AuditEvent[]): Promise<void>;
  /** A transaction of the same cost that writes nothing: what an address that gets no mail costs. */
  issueNothing(hash: string): Promise<void>;
}
