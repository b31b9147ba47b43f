// Use case: list users sorted by email, a page at a time, optionally by email prefix and status (admins only).
import { type ListPage, type PageRequest, readPage } from '../shared/paging';
import { requireAdmin } from './access';
import type { UsersDependencies } from './dependencies';
import type { Status, StoredUser, User } from './user';

export interface UserListPage extends ListPage {
  readonly users: readonly User[];
}

export interface UserListRequest extends PageRequest {
  readonly emailPrefix?: string | undefined;
  readonly status?: Status | undefined;
}

export const listUsers = async (
  deps: Pick<UsersDependencies, 'repository' | 'cursors'>,
  caller: StoredUser,
  /** Read after the rule: a non-admin learns nothing from the query's errors. */
  request: () => UserListRequest,
): Promise<UserListPage> => {
  requireAdmin(caller, 'list users');
  const { limit, cursor, emailPrefix, status } = request();
  const { page, nextCursor } = await readPage(deps.cursors, cursor, (position) =>
    deps.repository.list({ limit, position, emailPrefix, status }),
  );
  return { users: page.users, nextCursor };
};
