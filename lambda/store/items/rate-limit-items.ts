// Item kind: a rate-limit counter `rate-limit#<bucket>#<client>#<window start>` — the requests one
// source IP made to one bucket in one fixed window. Its `expires_at` (epoch seconds) is the
// table's TTL attribute; a new window is a new key, so nothing ever resets a counter.
import type { RateLimitBucket } from '../../limits/rate-limits';

export const rateCounterKey = (bucket: RateLimitBucket, client: string, windowStart: number) => ({
  id: `rate-limit#${bucket}#${client}#${windowStart}`,
});

/** One more hit. ADD is atomic, so concurrent requests each count; the new total comes back. */
export const hitUpdate = (expiresAt: number) => ({
  UpdateExpression: 'ADD hits :one SET expires_at = if_not_exists(expires_at, :expires)',
  ExpressionAttributeValues: { ':one': 1, ':expires': expiresAt },
  ReturnValues: 'UPDATED_NEW' as const,
});

export const hitsOf = (attributes: Record<string, unknown> | undefined): number => {
  const hits = attributes?.hits;
  return typeof hits === 'number' ? hits : 0;
};
