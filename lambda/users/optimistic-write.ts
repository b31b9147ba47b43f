// The read-check-write cycle that keeps concurrent writers of one user from losing each other's
// changes: with an If-Match version a stale view is refused (412); without one, a conflicting
// write is re-read and re-applied, so two partial updates of different fields both survive.
import { PreconditionFailedError } from '../shared/errors';
import { noSuchUser } from './access';
import type { UsersDependencies } from './dependencies';
import { WriteContentionError } from './errors';
import { StaleVersionError } from './repository';
import type { StoredUser } from './user';

/**
 * The versions a writer says it last saw (from If-Match). `any` matches every existing user;
 * undefined means the writer made no claim, and concurrent changes are merged by retrying.
 */
export type ExpectedVersions = readonly number[] | 'any' | undefined;

const MAX_WRITE_ATTEMPTS = 5;

export const checkExpected = (user: StoredUser, expected: ExpectedVersions): void => {
  if (expected === undefined || expected === 'any') return;
  if (!expected.includes(user.version))
    throw new PreconditionFailedError('The user changed since you read it.');
};

/** Applies `write` to the freshest copy of the user, starting from `first`. */
export const writeWithRetry = async (
  deps: Pick<UsersDependencies, 'repository'>,
  first: StoredUser,
  expected: ExpectedVersions,
  write: (current: StoredUser) => Promise<StoredUser>,
): Promise<StoredUser> => {
  let current = first;
  for (let attempt = 1; ; attempt++) {
    try {
      return await write(current);
    } catch (error) {
      if (!(error instanceof StaleVersionError)) throw error;
      if (Array.isArray(expected)) throw new PreconditionFailedError('The user changed since you read it.');
      if (attempt >= MAX_WRITE_ATTEMPTS) throw new WriteContentionError();
    }
    const fresh = await deps.repository.getById(first.id);
    if (!fresh) throw noSuchUser(first.id);
    current = fresh;
  }
};
