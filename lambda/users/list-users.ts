// Use case: list users a page at a time (admins only). Positions are sealed into opaque cursors,
// so clients never see (or forge) a storage key.
import { ValidationError } from '../shared/errors';
import { requireAdmin } from './access';
import type { UsersDependencies } from './dependencies';
import { InvalidPositionError } from './repository';
import type { StoredUser, User } from './user';

export interface UserListPage {
  readonly users: readonly User[];
  readonly nextCursor: string | null;
}

const invalidCursor = (): ValidationError =>
  new ValidationError('The cursor is not valid; start again without one.', [
    { path: 'cursor', message: 'is not valid' },
  ]);

export const listUsers = async (
  deps: Pick<UsersDependencies, 'repository' | 'cursors'>,
  caller: StoredUser,
  limit: number,
  cursor: string | undefined,
): Promise<UserListPage> => {
  requireAdmin(caller, 'list users');
  const position = cursor === undefined ? undefined : deps.cursors.open(cursor);
  if (cursor !== undefined && position === undefined) throw invalidCursor();
  try {
    const page = await deps.repository.list(limit, position);
    return {
      users: page.users,
      nextCursor: page.nextPosition === null ? null : deps.cursors.seal(page.nextPosition),
    };
  } catch (error) {
    if (error instanceof InvalidPositionError) throw invalidCursor();
    throw error;
  }
};
