// A token and the mail that carries it, for a user: what sign-up, an email change and the two
// request routes write.
import type { StoredUser } from '../users/user';
import type { MailDependencies } from './dependencies';
import {
  epochSeconds,
  type MailToken,
  type OutboxMail,
  TOKEN_LIFETIME_SECONDS,
  type TokenPurpose,
} from './mail';

export const tokenMail = (
  deps: Pick<MailDependencies, 'mailTokens' | 'clock'>,
  user: Pick<StoredUser, 'id' | 'email' | 'name'>,
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
    mail: { kind: purpose, to: user.email, name: user.name, token },
  };
};

/** Only active accounts get mail (a disabled one gets none, and its tokens are refused). */
export const mayReceiveMail = (user: StoredUser): boolean => user.status === 'active';
