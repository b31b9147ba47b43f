// Per-client rate limits on the public routes that cost bcrypt, send mail or mint tokens. A route
// row names its bucket (`rateLimit` in routes.ts); the router takes one hit from the caller's
// bucket before the work runs. Fixed windows per source IP, counted atomically by the store.
import type { Clock } from '../shared/clock';
import { RateLimitedError } from '../shared/errors';

export const RATE_LIMIT_BUCKETS = ['sign-up', 'login', 'refresh', 'mail', 'confirm'] as const;
export type RateLimitBucket = (typeof RATE_LIMIT_BUCKETS)[number];

export interface RateLimit {
  /** Requests allowed per window per source IP. */
  readonly limit: number;
  readonly windowSeconds: number;
}

export type RateLimits = Readonly<Record<RateLimitBucket, RateLimit>>;

/**
 * Per source IP. Generous enough for an office (or a test run) behind one address, tight enough
 * that a flood from one address is refused before it costs much bcrypt, mail or tokens. Guessing
 * one account's password is the failed-login back-off's to stop (per account and address), and
 * mail to one address has its own slot and daily cap: these only bound one address's volume.
 */
export const DEFAULT_RATE_LIMITS: RateLimits = {
  'sign-up': { limit: 100, windowSeconds: 60 * 60 },
  login: { limit: 100, windowSeconds: 60 },
  refresh: { limit: 300, windowSeconds: 60 },
  mail: { limit: 20, windowSeconds: 15 * 60 },
  confirm: { limit: 60, windowSeconds: 15 * 60 },
};

/** The port to the store: counts one hit in a window and returns the count so far. */
export interface RateCounter {
  hit(bucket: RateLimitBucket, client: string, windowStart: number, expiresAt: number): Promise<number>;
}

export interface RateLimiter {
  /** Counts one request; throws RateLimitedError (429 with Retry-After) past the limit. */
  take(bucket: RateLimitBucket, client: string): Promise<void>;
}

export const createRateLimiter = (counter: RateCounter, limits: RateLimits, clock: Clock): RateLimiter => ({
  async take(bucket, client) {
    const { limit, windowSeconds } = limits[bucket];
    const now = Math.floor(clock().getTime() / 1000);
    const windowStart = now - (now % windowSeconds);
    const windowEnd = windowStart + windowSeconds;
    // Kept a minute past its window so a slow clock elsewhere never reads a fresh count.
    const count = await counter.hit(bucket, client, windowStart, windowEnd + 60);
    if (count > limit) throw new RateLimitedError(Math.max(1, windowEnd - now));
  },
});
