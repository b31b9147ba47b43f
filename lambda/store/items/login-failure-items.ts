// Item kind: login-failure records, kept for emails known or not. Two per account:
// - `login-failures#<email>#from#<client>`: consecutive failures from one source IP (the back-off);
// - `login-failures#<email>`: failures from every client in the current hour (the ceiling), and
//   `cleared_at`, the time the account's counters were last cleared: a client record older than
//   it no longer counts, so one write clears records that cannot be listed by key.
// `expires_at` (epoch seconds) is the table's TTL attribute.
import type { AccountFailures, LoginFailures } from '../../users/user';
import { attributesOf, type Item } from '../attributes';

export const accountFailuresKey = (email: string) => ({ id: `login-failures#${email}` });

// An email always holds an `@` and a source IP never does, so the two parts cannot run together.
export const clientFailuresKey = (email: string, client: string) => ({
  id: `login-failures#${email}#from#${client}`,
});

export const loginFailuresFromItem = (item: Item): LoginFailures => {
  const read = attributesOf(item, 'login failures');
  return { count: read.number('failure_count'), lastFailedAt: read.string('last_failed_at') };
};

export const accountFailuresFromItem = (item: Item): AccountFailures => {
  const read = attributesOf(item, 'account login failures');
  const counting = item.window_started_at !== undefined;
  return {
    count: counting ? read.number('failure_count') : 0,
    ...(counting && { windowStartedAt: read.string('window_started_at') }),
    ...(item.cleared_at !== undefined && { clearedAt: read.string('cleared_at') }),
  };
};

/** The record of a first failure, or of the first after an expired or cleared record. */
export const firstFailureItem = (email: string, client: string, at: string, expiresAt: number) => ({
  ...clientFailuresKey(email, client),
  failure_count: 1,
  last_failed_at: at,
  expires_at: expiresAt,
});

/**
 * Counts one more failure from a client. ADD is atomic: concurrent failures each count, so a burst
 * of guesses cannot slip under the limit. TTL deletion lags by up to days, and a clear leaves the
 * record in place, so an expired or cleared record fails the condition instead of counting on
 * (the caller then writes a first failure).
 */
export const addFailureUpdate = (at: string, nowEpoch: number, expiresAt: number, clearedAt = '') => ({
  UpdateExpression: 'ADD failure_count :one SET last_failed_at = :at, expires_at = :expires',
  ConditionExpression: 'attribute_not_exists(id) OR (expires_at > :now AND last_failed_at > :cleared)',
  ExpressionAttributeValues: {
    ':one': 1,
    ':at': at,
    ':expires': expiresAt,
    ':now': nowEpoch,
    ':cleared': clearedAt,
  },
});

/** Counts one more failure against the account, in the window that started after `windowFloor`. */
export const addAccountFailureUpdate = (at: string, windowFloor: string, expiresAt: number) => ({
  UpdateExpression: 'ADD failure_count :one SET last_failed_at = :at, expires_at = :expires',
  ConditionExpression: 'window_started_at > :floor',
  ExpressionAttributeValues: { ':one': 1, ':at': at, ':expires': expiresAt, ':floor': windowFloor },
});

/**
 * Opens a new window with this failure, if the previous one ended or there was none. Of concurrent
 * first failures one opens it; the others fail the condition and count on in it.
 */
export const openAccountWindowUpdate = (at: string, windowFloor: string, expiresAt: number) => ({
  UpdateExpression:
    'SET failure_count = :one, window_started_at = :at, last_failed_at = :at, expires_at = :expires',
  ConditionExpression: 'attribute_not_exists(window_started_at) OR window_started_at <= :floor',
  ExpressionAttributeValues: { ':one': 1, ':at': at, ':expires': expiresAt, ':floor': windowFloor },
});

/** Forgets every count of the account, its clients' included (see `cleared_at` above). */
export const clearAccountUpdate = (at: string, expiresAt: number) => ({
  UpdateExpression:
    'SET cleared_at = :at, expires_at = :expires REMOVE failure_count, window_started_at, last_failed_at',
  ExpressionAttributeValues: { ':at': at, ':expires': expiresAt },
});
