// Item kind: a login-failure record `login-failures#<email>` — consecutive failed logins for an
// email, known or not. Its `expires_at` (epoch seconds) is the table's TTL attribute.
import type { LoginFailures } from '../../users/user';
import { attributesOf, type Item } from '../attributes';

export const loginFailuresKey = (email: string) => ({ id: `login-failures#${email}` });

export const loginFailuresFromItem = (item: Item): LoginFailures => {
  const read = attributesOf(item, 'login failures');
  return { count: read.number('failure_count'), lastFailedAt: read.string('last_failed_at') };
};

/** The record of a first failure, or of the first after an expired record. */
export const firstFailureItem = (email: string, at: string, expiresAt: number) => ({
  ...loginFailuresKey(email),
  failure_count: 1,
  last_failed_at: at,
  expires_at: expiresAt,
});

/**
 * Counts one more failure. ADD is atomic: concurrent failures each count, so a burst of guesses
 * cannot slip under the limit. TTL deletion lags by up to days, so an expired record fails the
 * condition instead of counting on (the caller then writes a first failure).
 */
export const addFailureUpdate = (at: string, nowEpoch: number, expiresAt: number) => ({
  UpdateExpression: 'ADD failure_count :one SET last_failed_at = :at, expires_at = :expires',
  ConditionExpression: 'attribute_not_exists(id) OR expires_at > :now',
  ExpressionAttributeValues: { ':one': 1, ':at': at, ':expires': expiresAt, ':now': nowEpoch },
});
