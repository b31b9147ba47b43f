// A token and the mail that carries it, for a user: what sign-up, an email change and the two
// request routes write.
import { type AuditContext, type AuditEvent, auditEvent } from '../audit/event';
import type { StoredUser } from '../users/user';
import type { MailDependencies } from './dependencies';
import {
  epochSeconds,
  type MailToken,
  type OutboxMail,
  TOKEN_LIFETIME_SECONDS,
  type TokenPurpose,
} from './mail';
import { greetingName } from './mail-caps';

export const tokenMail = (
  deps: Pick<MailDependencies, 'mailTokens' | 'clock'>,
  user: Pick<StoredUser, 'id' | 'email' | 'name' | 'emailVerified'>,
  purpose: TokenPurpose,
): { readonly token: MailToken; readonly mail: OutboxMail } => {
  const { token, hash } = deps.mailTokens.issue();
  return {
    token: {
      hash,
      purpose,
      userId: user.id,
      email: user.email,
      expiresAt: epochSeconds(deps.clock()) + TOKEN_LIFETIME_SECONDS[purpose],
    },
    // A verification goes to an address not yet proven to be the user's: no text they chose.
    mail: {
      kind: purpose,
      to: user.email,
      name: purpose === 'verify-email' ? '' : greetingName(user),
      token,
    },
  };
};

/** Only active accounts get mail (a disabled one gets none, and its tokens are refused). */
export const mayReceiveMail = (user: StoredUser): boolean => user.status === 'active';

/**
 * The audit event of a token mailed to `user`: `email.verification_sent` or
 * `password.reset_requested`. It names the user, never the token or the address it went to.
 */
export const tokenMailedEvent = (
  context: AuditContext,
  user: Pick<StoredUser, 'id'>,
  purpose: TokenPurpose,
  actorId: string | null,
): AuditEvent =>
  auditEvent(context, {
    type: purpose === 'verify-email' ? 'email.verification_sent' : 'password.reset_requested',
    userId: user.id,
    actorId,
  });
