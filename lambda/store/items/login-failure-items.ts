// Item kind: login-attempt records, kept for emails known or not. Two per account:
// - `login-failures#<email>#from#<client>`: one client's consecutive attempts (the back-off):
//   `failure_count` (claimed attempts, a success's given back), `held_until` (ISO; no new
//   attempt before it: one in flight, or a lock), `last_failed_at`, and `since_clear`, the account's
//   `cleared_at` when the record started ('never' for none): a record from before the account's last
//   clear no longer counts, so one write clears records that cannot be listed by key;
// - `login-failures#<email>`: the account's attempts in the current hour across clients (the
//   ceiling): `failure_count`, `window_started_at`, and `cleared_at`.
// `expires_at` (epoch seconds) is the table's TTL attribute. Every change is one conditional
// update of one item: see users/login-attempts.ts for what each guard means.
import type { LoginFailures } from '../../users/user';
import { attributesOf, type Item } from '../attributes';

export const accountFailuresKey = (email: string) => ({ id: `login-failures#${email}` });

// An email always holds an `@` and a client key never does, so the two parts cannot run together.
export const clientFailuresKey = (email: string, client: string) => ({
  id: `login-failures#${email}#from#${client}`,
});

export const loginFailuresFromItem = (item: Item): LoginFailures => {
  const read = attributesOf(item, 'login failures');
  return { count: read.number('failure_count'), lastFailedAt: read.string('last_failed_at') };
};

const stringOf = (item: Item | undefined, name: string): string | undefined =>
  typeof item?.[name] === 'string' ? (item[name] as string) : undefined;

const numberOf = (item: Item | undefined, name: string): number =>
  typeof item?.[name] === 'number' ? (item[name] as number) : 0;

/** The client record as a claim sees it. */
export interface ClientRecord {
  /** False when absent, expired (TTL deletion lags) or from before the account's last clear. */
  readonly live: boolean;
  readonly count: number;
  readonly heldUntil: string | undefined;
}

export const clientRecordOf = (item: Item | undefined, cleared: string, nowEpoch: number): ClientRecord => ({
  live:
    item !== undefined &&
    stringOf(item, 'since_clear') === cleared &&
    numberOf(item, 'expires_at') > nowEpoch,
  count: numberOf(item, 'failure_count'),
  heldUntil: stringOf(item, 'held_until'),
});

export const clearedAtOf = (account: Item | undefined): string => stringOf(account, 'cleared_at') ?? 'never';

/** Starts a record over at this attempt: the one that finds it absent, expired or cleared. */
export const restartClaim = (cleared: string, nowEpoch: number, expiresAt: number) => ({
  UpdateExpression: 'SET failure_count = :one, since_clear = :since, expires_at = :expires REMOVE held_until',
  ConditionExpression:
    'attribute_not_exists(id) OR attribute_not_exists(since_clear) OR since_clear <> :since OR expires_at <= :now',
  ExpressionAttributeValues: { ':one': 1, ':since': cleared, ':expires': expiresAt, ':now': nowEpoch },
});

/** One of the free attempts: an add while fewer than `free` are counted. */
export const freeClaim = (cleared: string, free: number, nowEpoch: number, expiresAt: number) => ({
  UpdateExpression: 'SET expires_at = :expires ADD failure_count :one',
  ConditionExpression: 'since_clear = :since AND expires_at > :now AND failure_count < :free',
  ExpressionAttributeValues: {
    ':one': 1,
    ':since': cleared,
    ':free': free,
    ':expires': expiresAt,
    ':now': nowEpoch,
  },
});

/** Past the free attempts: an add that holds the client, only when no hold or lock is on. */
export const heldClaim = (
  cleared: string,
  free: number,
  { at, holdUntil }: { readonly at: string; readonly holdUntil: string },
  nowEpoch: number,
  expiresAt: number,
) => ({
  UpdateExpression: 'SET expires_at = :expires, held_until = :hold ADD failure_count :one',
  ConditionExpression:
    'since_clear = :since AND expires_at > :now AND failure_count >= :free AND (attribute_not_exists(held_until) OR held_until <= :at)',
  ExpressionAttributeValues: {
    ':one': 1,
    ':since': cleared,
    ':free': free,
    ':at': at,
    ':hold': holdUntil,
    ':expires': expiresAt,
    ':now': nowEpoch,
  },
});

/** The account record as a claim sees it: its window is open when it started after `floor`. */
export const accountWindowOf = (item: Item | undefined, floor: string) => {
  const startedAt = stringOf(item, 'window_started_at');
  return startedAt !== undefined && startedAt > floor
    ? { open: true as const, startedAt, count: numberOf(item, 'failure_count') }
    : { open: false as const };
};

/** One more attempt in the account's open window, under its ceiling. */
export const accountClaim = (startedAt: string, limit: number, expiresAt: number) => ({
  UpdateExpression: 'SET expires_at = :expires ADD failure_count :one',
  ConditionExpression: 'window_started_at = :start AND failure_count < :limit',
  ExpressionAttributeValues: { ':one': 1, ':start': startedAt, ':limit': limit, ':expires': expiresAt },
});

/** A new window, opened by this attempt (its cleared_at stays). */
export const accountWindowClaim = (at: string, floor: string, expiresAt: number) => ({
  UpdateExpression: 'SET failure_count = :one, window_started_at = :at, expires_at = :expires',
  ConditionExpression: 'attribute_not_exists(window_started_at) OR window_started_at <= :floor',
  ExpressionAttributeValues: { ':one': 1, ':at': at, ':floor': floor, ':expires': expiresAt },
});

/**
 * A claimed attempt failed: the count stands; the time and the lock it earns are set. Only on a
 * record that is still there: one a success deleted meanwhile came, in the sequential order,
 * after this failure.
 */
export const failedUpdate = (at: string, lockedUntil: string | undefined, expiresAt: number) => ({
  UpdateExpression: `SET last_failed_at = :at, expires_at = :expires${lockedUntil === undefined ? '' : ', held_until = :lock'}`,
  ConditionExpression: 'attribute_exists(id)',
  ExpressionAttributeValues: {
    ':at': at,
    ':expires': expiresAt,
    ...(lockedUntil !== undefined && { ':lock': lockedUntil }),
  },
});

/** Gives a client's claim back; with `hold`, lifts the hold too if it is still that claim's. */
export const giveBackClientUpdate = (hold: string | undefined) =>
  hold === undefined
    ? {
        UpdateExpression: 'ADD failure_count :minus',
        ConditionExpression: 'failure_count > :zero',
        ExpressionAttributeValues: { ':minus': -1, ':zero': 0 },
      }
    : {
        UpdateExpression: 'ADD failure_count :minus REMOVE held_until',
        ConditionExpression: 'failure_count > :zero AND held_until = :hold',
        ExpressionAttributeValues: { ':minus': -1, ':zero': 0, ':hold': hold },
      };

/** Gives an account claim back, in the window it was counted in only. */
export const giveBackAccountUpdate = (startedAt: string) => ({
  UpdateExpression: 'ADD failure_count :minus',
  ConditionExpression: 'window_started_at = :start AND failure_count > :zero',
  ExpressionAttributeValues: { ':minus': -1, ':zero': 0, ':start': startedAt },
});

/** Forgets every count of the account, its clients' included (see `since_clear` above). */
export const clearAccountUpdate = (at: string, expiresAt: number) => ({
  UpdateExpression:
    'SET cleared_at = :at, expires_at = :expires REMOVE failure_count, window_started_at, last_failed_at',
  ExpressionAttributeValues: { ':at': at, ':expires': expiresAt },
});

/**
 * Rounds a claim may be decided again, on either store. Each lost round means another claim moved
 * the record on (started it, used the last free attempt, took or lifted the hold), so a few settle
 * any burst; past them the attempt is refused, never an error.
 */
export const MAX_CLAIM_ROUNDS = 8;

export const epochOf = (iso: string): number => Math.floor(Date.parse(iso) / 1000);
export const secondsBetween = (from: string, to: string): number =>
  Math.max(1, Math.ceil((Date.parse(to) - Date.parse(from)) / 1000));
export const addSeconds = (iso: string, seconds: number): string =>
  new Date(Date.parse(iso) + seconds * 1000).toISOString();
