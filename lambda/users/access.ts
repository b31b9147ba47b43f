// Who may act on which user: themselves, or anyone for an admin. Others are refused before any
// look-up, so a refusal reveals nothing about the target.
import { ForbiddenError, NotFoundError } from '../shared/errors';
import type { UsersDependencies } from './dependencies';
import type { StoredUser } from './user';

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

export const noSuchUser = (id: string): NotFoundError =>
  new NotFoundError(`No user has the id ${JSON.stringify(id)}.`);

/**
 * The rule itself, with no look-up: a user acts on themselves, an admin on anyone. A use case
 * whose input is read lazily calls it before reading, so that another's id is a 403 whatever
 * the body or query says.
 */
export const mayActOn = (caller: StoredUser, id: string): void => {
  if (caller.id !== id && caller.role !== 'admin')
    throw new ForbiddenError('You may only act on your own user.');
};

/** The user `caller` acts on, as stored now. */
export const targetUser = async (
  deps: Pick<UsersDependencies, 'repository'>,
  caller: StoredUser,
  id: string,
): Promise<StoredUser> => {
  if (caller.id === id) return caller;
  mayActOn(caller, id);
  const user = UUID.test(id) ? await deps.repository.getById(id) : undefined;
  if (!user) throw noSuchUser(id);
  return user;
};

export const requireAdmin = (caller: StoredUser, what: string): void => {
  if (caller.role !== 'admin') throw new ForbiddenError(`Only an admin may ${what}.`);
};
