// Item kind: a user `<uuid>` and its email guard `email#<email>` — keys, layout, and the
// conditions that name their attributes. A user and its guard are only ever written together.
// Only users have an `email` attribute, so only users are in the email index.
import type { Status, StoredUser, User } from '../../users/user';
import { attributesOf, type Item } from '../attributes';
import { listingKeysOf } from './user-listing-items';

export const userKey = (id: string) => ({ id });
/** The guard makes an email unique (a GSI cannot) and gives login a strongly consistent email → id read. */
export const emailGuardKey = (email: string) => ({ id: `email#${email}` });

export const itemFromUser = (user: StoredUser) => ({
  ...userKey(user.id),
  email: user.email,
  name: user.name,
  role: user.role,
  email_verified: user.emailVerified,
  status: user.status,
  ...listingKeysOf(user),
  password_hash: user.passwordHash,
  token_version: user.tokenVersion,
  last_login: user.lastLogin,
  mfa_enabled: user.mfaEnabled,
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

/** Users stored before statuses existed are active; a status that is not ours is disabled (fail closed). */
const statusOf = (item: Item): Status =>
  item.status === undefined || item.status === 'active' ? 'active' : 'disabled';

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
    status: statusOf(item),
    lastLogin: read.nullableString('last_login'),
    // Users stored before second factors existed have no such attribute.
    mfaEnabled: item.mfa_enabled === true,
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

/** Sets or clears `mfa_enabled` (a server-managed change: the version moves), on a user that still exists. */
export const setMfaEnabledUpdate = (enabled: boolean, at: string) => ({
  UpdateExpression: 'SET mfa_enabled = :enabled, updated_at = :at, version = version + :one',
  ConditionExpression: 'attribute_exists(email)',
  ExpressionAttributeValues: { ':enabled': enabled, ':at': at, ':one': 1 },
});
