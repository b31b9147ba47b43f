// Contract: failed-login attempts claimed before they are checked, and known devices, on every
// store. A burst of claims is counted exactly as the same claims one after another (the free
// ones, then one held at a time), across replicas and with no error; the account's ceiling holds
// across clients and gives a refused client's claim back; a lock, a give-back, a client's success
// and a clear of the account each change what the next claim finds.
import { randomUUID } from 'node:crypto';
import { UnavailableError } from '../../../lambda/shared/errors';
import type { ClaimOutcome, ClaimRequest } from '../../../lambda/users/login-attempts';
import { usePorts } from '../../support/store-fixtures';
import { STORES } from '../../support/stores';

const email = () => `a-${randomUUID().slice(0, 12)}@example.com`;
const later = (ms: number) => new Date(Date.now() + ms).toISOString();

const request = (to: string, client: string, at = new Date().toISOString()): ClaimRequest => ({
  email: to,
  client,
  at,
  free: 5,
  holdSeconds: 30,
  ceiling: { limit: 100, windowSeconds: 3600 },
  keepForSeconds: 600,
});

const claimed = (outcomes: readonly ClaimOutcome[]) =>
  outcomes.flatMap((outcome) => ('claimed' in outcome ? [outcome.claimed] : []));
const refused = (outcomes: readonly ClaimOutcome[]) =>
  outcomes.flatMap((outcome) => ('refused' in outcome ? [outcome.refused] : []));
const sorted = (values: readonly (number | undefined)[]) => [...values].sort((a, b) => (a ?? 0) - (b ?? 0));
const upTo = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

describe.each(STORES)('login attempts and known devices on %s', (kind) => {
  const store = usePorts(kind);
  const ports = (i: number) => (i % 2 ? store.replica : store.ports);
  /**
   * Runs a burst again, on a fresh account, when DynamoDB Local on a saturated machine timed out
   * (a clean 503, never another error); the SQL stores get no second chance.
   */
  /**
   * Exactly 1…n on the SQL stores (one statement a claim). On DynamoDB the SDK may resend an add
   * whose answer timed out after it had landed, so a count can only run ahead, never behind:
   * distinct, from 1, no more than n of them, the last at least the number taken.
   */
  const expectCounts = (counts: readonly (number | undefined)[], n: number, reaches = n) => {
    const values = sorted(counts);
    if (kind !== 'dynamodb') return expect(values).toEqual(upTo(n));
    expect(new Set(values).size).toBe(values.length);
    expect(values[0]).toBe(1);
    expect(values.length).toBeLessThanOrEqual(n);
    expect(values.at(-1)).toBeGreaterThanOrEqual(Math.min(reaches, values.length));
  };
  const settled = async <T>(burst: () => Promise<T>): Promise<T> => {
    for (let run = 1; ; run++) {
      try {
        return await burst();
      } catch (error) {
        if (kind !== 'dynamodb' || !(error instanceof UnavailableError) || run >= 3) throw error;
      }
    }
  };

  it('takes exactly the five free attempts and one held one of 20 concurrent claims, across replicas', async () => {
    const outcomes = await settled(() => {
      const to = email();
      return Promise.all(
        Array.from({ length: 20 }, (_, i) => ports(i).attempts.claim(request(to, '10.0.1.1'))),
      );
    });
    const taken = claimed(outcomes);
    expectCounts(
      taken.map((claim) => claim.count),
      6,
    );
    expectCounts(
      taken.map((claim) => claim.accountCount),
      6,
      0,
    );
    expect(taken.filter((claim) => claim.heldUntil !== undefined)).toHaveLength(1);
    expect(refused(outcomes)).toHaveLength(14);
    expect(refused(outcomes).every((refusal) => refusal.scope === 'client')).toBe(true);
  });

  it('counts 50 concurrent claims from five clients as 50 sequential ones: six each, 30 for the account', async () => {
    const outcomes = await settled(() => {
      const to = email();
      return Promise.all(
        Array.from({ length: 50 }, (_, i) => ports(i).attempts.claim(request(to, `10.0.5.${i % 5}`))),
      );
    });
    const taken = claimed(outcomes);
    for (let c = 0; c < 5; c++)
      expectCounts(
        taken.filter((claim) => claim.client === `10.0.5.${c}`).map((claim) => claim.count),
        6,
      );
    expectCounts(
      taken.map((claim) => claim.accountCount),
      30,
      0,
    );
  });

  it('refuses past the ceiling across clients, giving each refused client its claim back', async () => {
    const { to, outcomes } = await settled(async () => {
      const to = email();
      const tight = (client: string) => ({
        ...request(to, client),
        ceiling: { limit: 3, windowSeconds: 3600 },
      });
      const outcomes = await Promise.all(
        Array.from({ length: 10 }, (_, i) => ports(i).attempts.claim(tight(`10.0.2.${i}`))),
      );
      return { to, outcomes };
    });
    // Never past the ceiling. On DynamoDB Local, fewer when the SDK retried an add that had landed
    // but whose answer timed out on a saturated machine: a retry can only over-count.
    expect(claimed(outcomes).length).toBeLessThanOrEqual(3);
    expect(claimed(outcomes).length).toBeGreaterThanOrEqual(kind === 'dynamodb' ? 1 : 3);
    expect(refused(outcomes).every((r) => r.scope === 'account' && r.retryAfterSeconds > 3500)).toBe(true);
    const refusedIp = `10.0.2.${outcomes.findIndex((outcome) => 'refused' in outcome)}`;
    // A known device is not held by the ceiling; and the refused client's claim was given back.
    const next = await store.ports.attempts.claim({ ...request(to, refusedIp), ceiling: undefined });
    expect('claimed' in next && [next.claimed.count, next.claimed.accountCount]).toEqual([1, undefined]);
  });

  it('gives an account claim back in its window, so a success does not count against the ceiling', async () => {
    const to = email();
    const first = await store.ports.attempts.claim(request(to, '10.0.6.1'));
    if (!('claimed' in first)) throw new Error('refused');
    await store.ports.attempts.giveBack(first.claimed, { clearClient: true });
    const second = await store.replica.attempts.claim(request(to, '10.0.6.2'));
    expect('claimed' in second && [second.claimed.count, second.claimed.accountCount]).toEqual([1, 1]);
  });

  it('lifts a hold given back, and starts a client over after the account is cleared', async () => {
    const to = email();
    for (let i = 0; i < 5; i++) await store.ports.attempts.claim(request(to, '10.0.3.1'));
    const held = await store.ports.attempts.claim(request(to, '10.0.3.1'));
    expect('refused' in (await store.replica.attempts.claim(request(to, '10.0.3.1')))).toBe(true);
    if (!('claimed' in held)) throw new Error('the sixth claim was refused');
    await store.ports.attempts.giveBack(held.claimed, { clearClient: false });
    const again = await store.ports.attempts.claim(request(to, '10.0.3.1'));
    expect('claimed' in again && again.claimed.count).toBe(6);

    await store.ports.attempts.clearAccount(to, new Date().toISOString(), 600);
    const fresh = await store.replica.attempts.claim(request(to, '10.0.3.1', later(10)));
    expect('claimed' in fresh && [fresh.claimed.count, fresh.claimed.accountCount]).toEqual([1, 1]);
  });

  it('forgets only the succeeding client’s failures: a stranger stays locked out', async () => {
    const to = email();
    const at = new Date().toISOString();
    for (let i = 0; i < 6; i++) {
      const stranger = await store.ports.attempts.claim(request(to, '10.0.7.9', at));
      if ('claimed' in stranger)
        await store.ports.attempts.failed(stranger.claimed, i === 5 ? later(60_000) : undefined);
    }
    const owner = await store.ports.attempts.claim(request(to, '10.0.7.1', at));
    if (!('claimed' in owner)) throw new Error('the owner was refused');
    await store.ports.attempts.failed(owner.claimed, undefined);
    const success = await store.ports.attempts.claim(request(to, '10.0.7.1', at));
    if (!('claimed' in success)) throw new Error('the owner was refused');
    expect(success.claimed.count).toBe(2);
    await store.ports.attempts.giveBack(success.claimed, { clearClient: true });

    const ownerNext = await store.ports.attempts.claim(request(to, '10.0.7.1', at));
    expect('claimed' in ownerNext && ownerNext.claimed.count).toBe(1);
    const strangerNext = await store.replica.attempts.claim(request(to, '10.0.7.9', later(1000)));
    expect('refused' in strangerNext && strangerNext.refused.scope).toBe('client');
  });

  it('records a failure with its lock, and starts a client over once its record has expired', async () => {
    const to = email();
    const at = new Date().toISOString();
    const first = await store.ports.attempts.claim({ ...request(to, '10.0.4.1', at), keepForSeconds: -10 });
    if (!('claimed' in first)) throw new Error('refused');
    const again = await store.ports.attempts.claim(request(to, '10.0.4.1', at));
    expect('claimed' in again && again.claimed.count).toBe(1);
    for (let i = 0; i < 5; i++) {
      const claim = await store.ports.attempts.claim(request(to, '10.0.4.1', at));
      if ('claimed' in claim)
        await store.ports.attempts.failed(
          claim.claimed,
          i === 4 ? new Date(Date.parse(at) + 5000).toISOString() : undefined,
        );
    }
    const locked = await store.replica.attempts.claim(
      request(to, '10.0.4.1', new Date(Date.parse(at) + 2000).toISOString()),
    );
    expect('refused' in locked && locked.refused).toEqual({ scope: 'client', retryAfterSeconds: 3 });
    const after = await store.ports.attempts.claim(
      request(to, '10.0.4.1', new Date(Date.parse(at) + 5000).toISOString()),
    );
    expect('claimed' in after && after.claimed.count).toBe(7);
  });

  it('remembers a known device by its hash only, and finds it from another replica', async () => {
    const hash = randomUUID();
    const device = { hash, userId: randomUUID(), tokenVersion: 2, expiresAt: 1_900_000_000 };
    expect(await store.ports.devices.find(hash)).toBeUndefined();
    await store.ports.devices.remember(device);
    expect(await store.replica.devices.find(hash)).toEqual(device);
    await store.ports.devices.remember({ ...device, tokenVersion: 3 });
    expect(await store.ports.devices.find(hash)).toEqual({ ...device, tokenVersion: 3 });
  });
});
