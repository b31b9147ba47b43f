// Use case: delete a user (themselves, or anyone for an admin). Its sessions die with it (the
// router finds no user behind their tokens); their items are removed too rather than left to TTL.
import type { SessionsDependencies } from '../sessions/dependencies';
import { targetUser } from './access';
import type { UsersDependencies } from './dependencies';
import { checkExpected, type ExpectedVersions, writeWithRetry } from './optimistic-write';
import type { StoredUser } from './user';

export const deleteUser = async (
  deps: Pick<UsersDependencies, 'repository'> & Pick<SessionsDependencies, 'sessions'>,
  caller: StoredUser,
  id: string,
  expected: ExpectedVersions,
): Promise<void> => {
  const first = await targetUser(deps, caller, id);
  checkExpected(first, expected);
  await writeWithRetry(deps, first, expected, async (current) => {
    await deps.repository.delete(current);
    return current;
  });
  await deps.sessions.deleteAllOf(first.id);
};
