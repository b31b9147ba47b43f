// Contract: the second factor's storage, on every store. A pending factor never replaces an
// enabled one; enabling and removing move the user's mfa_enabled in the same write; a TOTP step
// and a recovery code are each accepted once, and a challenge completes once, across replicas.
import { randomUUID } from 'node:crypto';
import {
  CHALLENGE_SECONDS,
  epochSeconds,
  type MfaChallenge,
  type TotpFactor,
} from '../../../lambda/mfa/factor';
import * as refusals from '../../../lambda/mfa/repository';
import { auditEvent, storedUser, usePorts } from '../../support/store-fixtures';
import { STORES } from '../../support/stores';

const NOW = new Date();

const pending = (userId: string, expiresIn = 600): TotpFactor => ({
  userId,
  sealedSecret: `sealed-${randomUUID()}`,
  state: 'pending',
  pendingExpiresAt: epochSeconds(NOW) + expiresIn,
  lastStep: null,
  recoveryHashes: [],
});

const challenge = (userId: string): MfaChallenge => ({
  tokenHash: randomUUID(),
  userId,
  expiresAt: epochSeconds(NOW) + CHALLENGE_SECONDS,
  attempts: 0,
});

const outcomes = async (work: Promise<unknown>[]) =>
  (await Promise.allSettled(work)).map((r) =>
    r.status === 'fulfilled' ? 'ok' : (r.reason as Error).constructor.name,
  );

describe.each(STORES)('second factor on %s', (kind) => {
  const store = usePorts(kind);

  /** A user with an enabled factor whose last accepted step is 100 and recovery codes r1, r2. */
  const enrolled = async () => {
    const user = storedUser();
    await store.ports.users.create(user);
    await store.ports.mfa.putPending(pending(user.id));
    await store.ports.mfa.enable(user.id, 100, ['r1', 'r2'], NOW, {
      events: [auditEvent('mfa.enrolled', user.id)],
    });
    return user;
  };

  it('replaces a pending factor, and enables it with the user’s mfa_enabled and its event in one write', async () => {
    const user = storedUser();
    await store.ports.users.create(user);
    await store.ports.mfa.putPending(pending(user.id));
    const second = pending(user.id);
    await store.ports.mfa.putPending(second);
    expect(await store.ports.mfa.getFactor(user.id)).toEqual(second);
    await store.ports.mfa.enable(user.id, 100, ['r1', 'r2'], NOW, {
      events: [auditEvent('mfa.enrolled', user.id)],
    });
    const factor = await store.ports.mfa.getFactor(user.id);
    expect({ ...factor, recoveryHashes: [...(factor?.recoveryHashes ?? [])].sort() }).toEqual({
      ...second,
      state: 'enabled',
      pendingExpiresAt: null,
      lastStep: 100,
      recoveryHashes: ['r1', 'r2'],
    });
    expect(await store.ports.users.getById(user.id)).toMatchObject({ mfaEnabled: true, version: 2 });
    const { events } = await store.ports.audit.list({ userId: user.id, limit: 5, position: undefined });
    expect(events.map((e) => e.type)).toEqual(['mfa.enrolled']);
  });

  it('refuses a pending factor over an enabled one, and enabling one that expired or is gone', async () => {
    const user = await enrolled();
    await expect(store.ports.mfa.putPending(pending(user.id))).rejects.toThrow(refusals.FactorEnabledError);
    const late = storedUser();
    await store.ports.users.create(late);
    await store.ports.mfa.putPending(pending(late.id, -1));
    await expect(store.ports.mfa.enable(late.id, 1, ['r1'], NOW)).rejects.toThrow(
      refusals.FactorChangedError,
    );
    expect(await store.ports.users.getById(late.id)).toMatchObject({ mfaEnabled: false });
    await expect(store.ports.mfa.replaceRecoveryCodes(late.id, ['x'])).rejects.toThrow(
      refusals.FactorChangedError,
    );
  });

  // The loser is refused: refusals.CodeUsedError, or on DynamoDB possibly its transaction conflict (a 503
  // the client retries into the same refusal). Never two winners.
  it('accepts one TOTP step once: of one code sent to two replicas at once, one completes', async () => {
    const user = await enrolled();
    const [first, second] = [challenge(user.id), challenge(user.id)];
    await store.ports.mfa.createChallenge(first);
    await store.ports.mfa.createChallenge(second);
    const results = await outcomes([
      store.ports.mfa.completeWithCode(first, 101, NOW),
      store.replica.mfa.completeWithCode(second, 101, NOW),
    ]);
    expect(results.filter((result) => result === 'ok')).toHaveLength(1);
    expect(results.find((result) => result !== 'ok')).toMatch(/^(CodeUsedError|UnavailableError)$/);
    const winner = [first, second][results.indexOf('ok')] ?? first;
    await expect(store.ports.mfa.completeWithCode(winner, 102, NOW)).rejects.toThrow(
      refusals.ChallengeGoneError,
    );
    expect((await store.ports.mfa.getFactor(user.id))?.lastStep).toBe(101);
  });

  it('accepts each recovery code once, and voids a challenge after its wrong codes', async () => {
    const user = await enrolled();
    const [first, second] = [challenge(user.id), challenge(user.id)];
    await store.ports.mfa.createChallenge(first);
    await store.ports.mfa.createChallenge(second);
    await store.ports.mfa.completeWithRecoveryCode(first, 'r1', NOW);
    await expect(store.ports.mfa.completeWithRecoveryCode(second, 'r1', NOW)).rejects.toThrow(
      refusals.CodeUsedError,
    );
    expect((await store.ports.mfa.getFactor(user.id))?.recoveryHashes).toEqual(['r2']);
    const worn = challenge(user.id);
    await store.ports.mfa.createChallenge(worn);
    for (let i = 0; i < 5; i += 1) await store.ports.mfa.countWrongCode(worn.tokenHash);
    expect(await store.ports.mfa.getChallenge(worn.tokenHash)).toEqual({ ...worn, attempts: 5 });
    await expect(store.ports.mfa.completeWithRecoveryCode(worn, 'r2', NOW)).rejects.toThrow(
      refusals.ChallengeGoneError,
    );
    await store.ports.mfa.countWrongCode(randomUUID());
  });

  it('removes a factor with the user’s mfa_enabled; replaces recovery codes only on an enabled one', async () => {
    const user = await enrolled();
    await store.ports.mfa.replaceRecoveryCodes(user.id, ['n1']);
    expect((await store.ports.mfa.getFactor(user.id))?.recoveryHashes).toEqual(['n1']);
    await store.ports.mfa.remove(user.id, NOW, { events: [auditEvent('mfa.removed', user.id)] });
    expect(await store.ports.mfa.getFactor(user.id)).toBeUndefined();
    expect(await store.ports.users.getById(user.id)).toMatchObject({ mfaEnabled: false });
    await expect(store.ports.mfa.remove(randomUUID(), NOW)).rejects.toThrow(refusals.FactorChangedError);
  });
});
