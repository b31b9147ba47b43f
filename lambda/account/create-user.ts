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
  // The verification takes the address's slot and daily cap like every mail: sign-up and delete
  // cycles cannot aim a stream of mails at an address. Past them the account is made without one.
  if (!(await claimMail(deps, mail))) {
    await deps.repository.create(user, { events: [created] });
    return profileOf(user);
  }
  const mailed = tokenMailedEvent({ ...deps, meta }, user, 'verify-email', caller?.id ?? null);
  await deps.repository.create(user, { events: [created, mailed], newTokens: [token], mails: [mail] });
  return profileOf(user);
};
