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

/** What a failure needs to know to be counted (the port's LoginFailure). */
export interface FailureFacts {
  readonly email: string;
  readonly client: string;
  readonly at: string;
  /** The last clear as the caller saw it; the record's own cleared_at, when read, wins. */
  readonly clearedAt: string | undefined;
  readonly keepForSeconds: number;
  readonly windowSeconds: number;
}

const stringOf = (item: Item | undefined, name: string): string | undefined =>
  typeof item?.[name] === 'string' ? (item[name] as string) : undefined;

/**
 * The two records as they are after one more failure, from the records as read. A client record
 * that has expired (TTL deletion lags by up to days) or is older than the account's last clear
 * starts over at 1; the account counts on in its window, or opens a new one with this failure.
 */
export const nextFailureCounts = (
  { email, client, at, clearedAt, keepForSeconds, windowSeconds }: FailureFacts,
  fromClient: Item | undefined,
  account: Item | undefined,
): { readonly client: Item; readonly account: Item } => {
  const nowEpoch = Math.floor(Date.parse(at) / 1000);
  const expiresAt = nowEpoch + keepForSeconds;
  const cleared = stringOf(account, 'cleared_at') ?? clearedAt ?? '';
  const lastFailedAt = stringOf(fromClient, 'last_failed_at');
  const live =
    fromClient !== undefined &&
    typeof fromClient.expires_at === 'number' &&
    fromClient.expires_at > nowEpoch &&
    lastFailedAt !== undefined &&
    lastFailedAt > cleared;
  const windowFloor = new Date(Date.parse(at) - windowSeconds * 1000).toISOString();
  const windowStartedAt = stringOf(account, 'window_started_at');
  const open = account !== undefined && windowStartedAt !== undefined && windowStartedAt > windowFloor;
  return {
    client: {
      ...clientFailuresKey(email, client),
      failure_count: live ? loginFailuresFromItem(fromClient).count + 1 : 1,
      last_failed_at: at,
      expires_at: expiresAt,
    },
    account: {
      ...accountFailuresKey(email),
      failure_count: open ? accountFailuresFromItem(account).count + 1 : 1,
      window_started_at: open ? windowStartedAt : at,
      last_failed_at: at,
      expires_at: expiresAt,
      ...(account?.cleared_at !== undefined && { cleared_at: account.cleared_at }),
    },
  };
};

/**
 * The condition that the record is still as it was read (absent, if it was): a compare-and-set.
 * Every failure changes the count or its time and every clear changes cleared_at or deletes the
 * record, so a failure or clear written since makes it fail.
 */
const unchangedSince = (previous: Item | undefined, names: readonly string[]) => {
  if (previous === undefined) return { ConditionExpression: 'attribute_not_exists(id)' };
  const ExpressionAttributeNames: Record<string, string> = {};
  const ExpressionAttributeValues: Record<string, unknown> = {};
  const terms = ['attribute_exists(id)'];
  names.forEach((name, index) => {
    ExpressionAttributeNames[`#a${index}`] = name;
    if (previous[name] === undefined) {
      terms.push(`attribute_not_exists(#a${index})`);
    } else {
      ExpressionAttributeValues[`:a${index}`] = previous[name];
      terms.push(`#a${index} = :a${index}`);
    }
  });
  return {
    ConditionExpression: terms.join(' AND '),
    ExpressionAttributeNames,
    ...(Object.keys(ExpressionAttributeValues).length > 0 && { ExpressionAttributeValues }),
  };
};

/** Writes a client's next record if the one read is still there unchanged. */
export const putClientFailure = (next: Item, previous: Item | undefined) => ({
  Item: next,
  ...unchangedSince(previous, ['failure_count', 'last_failed_at', 'expires_at']),
});

/** Writes the account's next record (its cleared_at kept) if the one read is still there unchanged. */
export const putAccountFailure = (next: Item, previous: Item | undefined) => ({
  Item: next,
  ...unchangedSince(previous, ['failure_count', 'window_started_at', 'last_failed_at', 'cleared_at']),
});

/** Forgets every count of the account, its clients' included (see `cleared_at` above). */
export const clearAccountUpdate = (at: string, expiresAt: number) => ({
  UpdateExpression:
    'SET cleared_at = :at, expires_at = :expires REMOVE failure_count, window_started_at, last_failed_at',
  ExpressionAttributeValues: { ':at': at, ':expires': expiresAt },
});
