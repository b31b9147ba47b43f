// Use cases: confirm an address, or set a new password, with a mailed token. The token is spent
// in the same transaction as the change, by a conditional delete: of two confirmations racing,
// one wins and the other gets the same 400 as a made-up token.
import { auditEvent, type RequestMeta } from '../audit/event';
import { withSessionsEnded } from '../sessions/end-all-sessions';
import { failureMemorySeconds } from '../users/login-throttle';
import { StaleVersionError } from '../users/repository';
import { profileOf, type StoredUser, type User } from '../users/user';
import type { MailDependencies } from './dependencies';
import { InvalidTokenError } from './errors';
import { mayReceiveMail } from './issue';
import { epochSeconds, type MailToken, type OutboxMail, type TokenPurpose } from './mail';
import { claimedMails } from './mail-caps';

/** A stored, unexpired token of this purpose, and its user as stored now, at the address it was mailed to. */
const redeemable = async (
  deps: Pick<MailDependencies, 'repository' | 'mail' | 'mailTokens' | 'clock'>,
  raw: string,
  purpose: TokenPurpose,
): Promise<{ token: MailToken; user: StoredUser }> => {
  const token = await deps.mail.getToken(deps.mailTokens.hashOf(raw));
  if (!token || token.purpose !== purpose || token.expiresAt <= epochSeconds(deps.clock())) {
    throw new InvalidTokenError();
  }
  const user = await deps.repository.getById(token.userId);
  // A token proves the address it was mailed to, not whatever the email is now.
  if (!user || user.email !== token.email || !mayReceiveMail(user)) throw new InvalidTokenError();
  return { token, user };
};

/** Retries a write that lost to another writer of the same user (not to another spender of the token). */
const withFreshUser = async <T>(attempt: () => Promise<T>): Promise<T> => {
  for (let tries = 1; ; tries++) {
    try {
      return await attempt();
    } catch (error) {
      if (!(error instanceof StaleVersionError) || tries >= 3) throw error;
    }
  }
};

export const confirmVerification = (
  deps: Pick<MailDependencies, 'repository' | 'mail' | 'mailTokens' | 'clock' | 'newId'>,
  raw: string,
  meta: RequestMeta,
): Promise<User> =>
  withFreshUser(async () => {
    const { token, user } = await redeemable(deps, raw, 'verify-email');
    const now = deps.clock();
    const next: StoredUser = {
      ...user,
      emailVerified: true,
      version: user.version + 1,
      updatedAt: now.toISOString(),
    };
    const verified = auditEvent(
      { ...deps, meta },
      { type: 'email.verified', userId: user.id, actorId: user.id },
    );
    await deps.repository.replace(user, next, {
      events: [verified],
      spendToken: { token, nowEpoch: epochSeconds(now) },
    });
    return profileOf(next);
  });

export const confirmPasswordReset = async (
  deps: MailDependencies,
  raw: string,
  password: string,
  meta: RequestMeta,
): Promise<void> => {
  // Checked before hashing, so a bad token costs no bcrypt.
  await redeemable(deps, raw, 'reset-password');
  const passwordHash = await deps.passwords.hash(password);
  // The notice takes its slot once, whatever retries the write makes (the reset proved the mailbox).
  let notice: OutboxMail[] | undefined;
  await withFreshUser(async () => {
    const { token, user } = await redeemable(deps, raw, 'reset-password');
    notice ??= await claimedMails(deps, [{ kind: 'password-changed', to: user.email, name: user.name }]);
    const now = deps.clock();
    // A new password ends every session of the user (and every access token issued before).
    const next: StoredUser = withSessionsEnded({
      ...user,
      passwordHash,
      // Reading the mail proved the mailbox.
      emailVerified: true,
      version: user.version + 1,
      updatedAt: now.toISOString(),
    });
    await deps.repository.replace(user, next, {
      events: [
        auditEvent({ ...deps, meta }, { type: 'password.reset', userId: user.id, actorId: user.id }),
        auditEvent(
          { ...deps, meta },
          { type: 'session.ended', userId: user.id, actorId: user.id, details: { reason: 'password_reset' } },
        ),
      ],
      spendToken: { token, nowEpoch: epochSeconds(now) },
      // The owner proved themselves by mail: every client's failures and the account's lock are
      // lifted in the same transaction (what clearLoginFailures() does outside one).
      clearLoginFailures: { email: user.email, at: now.toISOString(), keepForSeconds: failureMemorySeconds },
      mails: notice,
    });
  });
};
