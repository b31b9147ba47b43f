// Use case: list users sorted by email, a page at a time, optionally by email prefix and status (admins only).
import { readPage } from '../shared/paging';
import { requireAdmin } from './access';
import type { UsersDependencies } from './dependencies';
import type { Status, StoredUser, User } from './user';

export interface UserListPage {
  readonly users: readonly User[];
  readonly nextCursor: string | null;
}

export interface UserListRequest {
  readonly limit: number;
  readonly cursor?: string | undefined;
  readonly emailPrefix?: string | undefined;
  readonly status?: Status | undefined;
}

export const listUsers = async (
  deps: Pick<UsersDependencies, 'repository' | 'cursors'>,
  caller: StoredUser,
  { limit, cursor, emailPrefix, status }: UserListRequest,
): Promise<UserListPage> => {
  requireAdmin(caller, 'list users');
  const { page, nextCursor } = await readPage(deps.cursors, cursor, (position) =>
    deps.repository.list({ limit, position, emailPrefix, status }),
  );
  return { users: page.users, nextCursor };
};
