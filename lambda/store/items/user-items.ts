// Item kind: a user `<uuid>` and its email guard `email#<email>` — keys, layout, and the
// conditions that name their attributes. A user and its guard are only ever written together.
// Only users have an `email` attribute, so only users are in the email index.
import { InvalidPositionError } from '../../users/repository';
import type { StoredUser, User } from '../../users/user';
import { attributesOf, type Item } from '../attributes';

export const userKey = (id: string) => ({ id });
/** The guard makes an email unique (a GSI cannot) and gives login a strongly consistent email → id read. */
export const emailGuardKey = (email: string) => ({ id: `email#${email}` });

export const itemFromUser = (user: StoredUser) => ({
  ...userKey(user.id),
  email: user.email,
  name: user.name,
  role: user.role,
  email_verified: user.emailVerified,
  password_hash: user.passwordHash,
  token_version: user.tokenVersion,
  last_login: user.lastLogin,
  created_at: user.createdAt,
  updated_at: user.updatedAt,
  version: user.version,
});

export const emailGuardItem = (user: Pick<User, 'id' | 'email'>) => ({
  ...emailGuardKey(user.email),
  owner_id: user.id,
});

/** A guard or a login record read by a user's key is not a user. */
export const isUserItem = (item: Item): boolean => item.email !== undefined;

/** A user as the email index projects it (table-definition's LISTED_ATTRIBUTES): no credentials. */
export const profileFromItem = (item: Item): User => {
  const read = attributesOf(item, 'user');
  return {
    id: read.string('id'),
    email: read.string('email'),
    name: read.string('name'),
    // A role that is not ours (a hostile or corrupt write) grants no more than `user`: fail closed.
    role: read.string('role') === 'admin' ? 'admin' : 'user',
    // Users stored before verification existed read as unverified.
    emailVerified: item.email_verified === true,
    lastLogin: read.nullableString('last_login'),
    createdAt: read.string('created_at'),
    updatedAt: read.string('updated_at'),
    version: read.number('version'),
  };
};

export const userFromItem = (item: Item): StoredUser => {
  const read = attributesOf(item, 'user');
  return {
    ...profileFromItem(item),
    passwordHash: read.string('password_hash'),
    tokenVersion: read.number('token_version'),
  };
};

export const ownerOfGuard = (guard: Item): string => attributesOf(guard, 'email guard').string('owner_id');

/** For a Put of a new user or a new guard. */
export const isAbsent = { ConditionExpression: 'attribute_not_exists(id)' } as const;

export const isAtVersion = (version: number) => ({
  ConditionExpression: 'version = :expected',
  ExpressionAttributeValues: { ':expected': version },
});

export const isOwnedBy = (userId: string) => ({
  ConditionExpression: 'owner_id = :owner',
  ExpressionAttributeValues: { ':owner': userId },
});

/** Sets last_login and bumps the version, on a user that still exists. */
export const recordLoginUpdate = (at: string) => ({
  UpdateExpression: 'SET last_login = :at, version = version + :one',
  ConditionExpression: 'attribute_exists(email)',
  ExpressionAttributeValues: { ':at': at, ':one': 1 },
});

/** The listing's position: the email index's last key, as JSON (sealed by the domain, not here). */
export const positionOfKey = (lastKey: Item): string => {
  const read = attributesOf(lastKey, 'email index key');
  return JSON.stringify({ id: read.string('id'), email: read.string('email') });
};

export const keyOfPosition = (position: string): { id: string; email: string } => {
  let parsed: unknown;
  try {
    parsed = JSON.parse(position);
  } catch {
    throw new InvalidPositionError();
  }
  const { id, email } = (parsed ?? {}) as { id?: unknown; email?: unknown };
  if (typeof id !== 'string' || typeof email !== 'string' || id.length > 64 || email.length > 320) {
    throw new InvalidPositionError();
  }
  return { id, email };
};
