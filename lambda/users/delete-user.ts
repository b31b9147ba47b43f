// Use case: delete a user (themselves, or anyone for an admin).
import { targetUser } from './access';
import type { UsersDependencies } from './dependencies';
import { checkExpected, type ExpectedVersions, writeWithRetry } from './optimistic-write';
import type { StoredUser } from './user';

export const deleteUser = async (
  deps: Pick<UsersDependencies, 'repository'>,
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
};
