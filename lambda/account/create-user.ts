// Use case: sign up (anyone; role `user`), or create a user with a role (an admin only).

import { auditEvent, type RequestMeta } from '../audit/event';
import { tokenMail, tokenMailedEvent } from '../mail/issue';
import { claimMail } from '../mail/mail-caps';
import { ForbiddenError } from '../shared/errors';
import { type NewUser, newStoredUser } from '../users/new-user';
import { profileOf, type StoredUser, type User } from '../users/user';
import type { AccountDependencies } from './dependencies';

export const createUser = async (
  deps: Pick<AccountDependencies, 'repository' | 'passwords' | 'clock' | 'newId' | 'mailTokens' | 'mail'>,
  caller: StoredUser | undefined,
  input: NewUser,
  meta: RequestMeta,
): Promise<User> => {
  if (input.role !== undefined && caller?.role !== 'admin') {
    throw new ForbiddenError('Only an admin may set a role.');
  }
  const user = await newStoredUser(deps, input);
  const { token, mail } = tokenMail(deps, user, 'verify-email');
  const created = auditEvent(
    { ...deps, meta },
    { type: 'user.created', userId: user.id, actorId: caller?.id ?? null, details: { role: user.role } },
  );
  await deps.repository.create(user, { events: [created] });
  // The verification takes the address's slot and daily cap like every mail, so sign-up and delete
  // cycles cannot aim a stream of mails at an address; past them the account has none (the user
  // asks again later). Claimed only once the address is this user's: a racer that lost it to
  // another sign-up claims nothing, so it cannot take the winner's verification. If this second
  // write fails, the account stands and a new verification mail can be asked for.
  if (await claimMail(deps, mail)) {
    const mailed = tokenMailedEvent({ ...deps, meta }, user, 'verify-email', caller?.id ?? null);
    await deps.mail.issueToken(token, mail, [mailed]);
  }
  return profileOf(user);
};
