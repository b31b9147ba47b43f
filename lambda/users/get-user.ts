// Use case: read a user (themselves, or anyone for an admin).
import { targetUser } from './access';
import type { UsersDependencies } from './dependencies';
import { profileOf, type StoredUser, type User } from './user';

export const getUser = async (
  deps: Pick<UsersDependencies, 'repository'>,
  caller: StoredUser,
  id: string,
): Promise<User> => profileOf(await targetUser(deps, caller, id));
