// Use case: sign up (anyone; role `user`), or create a user with a role (an admin only).
import { tokenMail } from '../mail/issue';
import { ForbiddenError } from '../shared/errors';
import type { UsersDependencies } from './dependencies';
import { type NewUser, newStoredUser } from './new-user';
import { profileOf, type StoredUser, type User } from './user';

export const signUp = async (
  deps: Pick<UsersDependencies, 'repository' | 'passwords' | 'clock' | 'newId' | 'mailTokens'>,
  caller: StoredUser | undefined,
  input: NewUser,
): Promise<User> => {
  if (input.role !== undefined && caller?.role !== 'admin') {
    throw new ForbiddenError('Only an admin may set a role.');
  }
  const user = await newStoredUser(deps, input);
  const { token, mail } = tokenMail(deps, user, 'verify-email');
  await deps.repository.create(user, { newTokens: [token], mails: [mail] });
  return profileOf(user);
};
