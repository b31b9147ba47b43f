// Contract: sessions and failed-login counts, on every store. One winner of racing refreshes,
// "end every session" in one write, a session's end with its event; concurrent failures of one
// account each counted once and each told its own count, and the clears that forget them.
import { randomUUID } from 'node:crypto';
import type { LoginFailure } from '../../../lambda/users/repository';
import { auditEvent, storedSession, storedUser, usePorts } from '../../support/store-fixtures';
import { STORES } from '../../support/stores';

const user = () => storedUser({ email: `s-${randomUUID().slice(0, 12)}@example.com` });
const session = (userId: string, createdAt: string) => ({
  ...storedSession(userId, createdAt),
  amr: ['pwd', 'otp'],
});
const ended = (userId: string) => auditEvent('session.ended', userId, { details: { reason: 'logout' } });

describe.each(STORES)('sessions and failed logins on %s', (kind) => {
  const store = usePorts(kind);

  it('stores a session, and reads it with its user in one call', async () => {
    const owner = user();
    await store.ports.users.create(owner);
    const opened = session(owner.id, '2026-12-06T01:00:00.000Z');
    await store.ports.sessions.create(opened);
    expect(await store.ports.sessions.get(opened.id)).toEqual(opened);
    expect(await store.ports.sessions.getWithUser(opened.id, owner.id)).toEqual({
      session: opened,
      user: owner,
    });
    expect(await store.ports.sessions.getWithUser(randomUUID(), randomUUID())).toEqual({
      session: undefined,
      user: undefined,
    });
  });

  it('lets exactly one of eight racing rotations of one refresh token win, across replicas', async () => {
    const opened = session(randomUUID(), '2026-12-06T01:00:00.000Z');
    await store.ports.sessions.create(opened);
    const targets = Array.from({ length: 8 }, () => randomUUID());
    const won = await Promise.all(
      targets.map((toHash, i) =>
        (i % 2 ? store.replica : store.ports).sessions.rotate(opened.id, {
          fromHash: opened.refreshHash,
          toHash,
          at: '2026-12-06T01:05:00.000Z',
        }),
      ),
    );
    expect(won.filter(Boolean)).toHaveLength(1);
    const rotated = await store.ports.sessions.get(opened.id);
    expect(rotated).toMatchObject({
      refreshHash: targets[won.indexOf(true)],
      generation: 1,
      rotatedAt: '2026-12-06T01:05:00.000Z',
      lastUsedAt: '2026-12-06T01:05:00.000Z',
    });
  });

  it('lists a user’s sessions newest first, ends one with its event, and all of them with one bump', async () => {
    const owner = user();
    await store.ports.users.create(owner);
    const older = session(owner.id, '2026-12-06T01:00:00.000Z');
    const newer = session(owner.id, '2026-12-06T02:00:00.000Z');
    await store.ports.sessions.create(older);
    await store.ports.sessions.create(newer);
    expect((await store.ports.sessions.listByUser(owner.id)).map((s) => s.id)).toEqual([newer.id, older.id]);
    await store.ports.sessions.delete(older.id, { events: [ended(owner.id)] });
    expect(await store.ports.sessions.get(older.id)).toBeUndefined();
    const { events } = await store.ports.audit.list({ userId: owner.id, limit: 10, position: undefined });
    expect(events.map((e) => e.type)).toEqual(['session.ended']);
    expect(await store.ports.sessions.endAllOf(owner.id)).toBe(true);
    expect(await store.ports.users.getById(owner.id)).toMatchObject({ tokenVersion: 1, version: 2 });
    expect(await store.ports.sessions.endAllOf(randomUUID())).toBe(false);
    await store.ports.sessions.deleteAllOf(owner.id);
    expect(await store.ports.sessions.listByUser(owner.id)).toEqual([]);
  });

  const failure = (email: string, client: string, at: string): LoginFailure => ({
    email,
    client,
    at,
    clearedAt: undefined,
    keepForSeconds: 3600,
    windowSeconds: 3600,
  });

  it('counts ten failures at once exactly once each, for the client and the account', async () => {
    const email = `f-${randomUUID().slice(0, 8)}@example.com`;
    const at = new Date().toISOString();
    const states = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        (i % 2 ? store.replica : store.ports).users.addLoginFailure(failure(email, '203.0.113.9', at)),
      ),
    );
    expect(states.map((s) => s.client?.count).sort((a, b) => (a ?? 0) - (b ?? 0))).toEqual(
      Array.from({ length: 10 }, (_, i) => i + 1),
    );
    expect(await store.ports.users.getLoginFailures(email, '203.0.113.9')).toEqual({
      client: { count: 10, lastFailedAt: at },
      account: { count: 10, windowStartedAt: at },
    });
  });

  it('writes each failure’s events with its own count', async () => {
    const owner = user();
    const at = new Date().toISOString();
    const types = await Promise.all(
      [1, 2, 3].map(() =>
        store.ports.users.addLoginFailure(failure(owner.email, '198.51.100.7', at), (state) => [
          { ...ended(owner.id), type: 'login.failed', details: { count: state.client?.count ?? 0 } },
        ]),
      ),
    );
    expect(types).toHaveLength(3);
    const { events } = await store.ports.audit.list({ userId: owner.id, limit: 10, position: undefined });
    expect(events.map((e) => e.details.count).sort()).toEqual([1, 2, 3]);
  });

  it('forgets a client’s failures, and every failure of the account as of a clear', async () => {
    const email = `c-${randomUUID().slice(0, 8)}@example.com`;
    const at = new Date(Date.now() - 1000).toISOString();
    await store.ports.users.addLoginFailure(failure(email, '10.0.0.1', at));
    await store.ports.users.addLoginFailure(failure(email, '10.0.0.2', at));
    await store.ports.users.clearClientLoginFailures(email, '10.0.0.1');
    expect((await store.ports.users.getLoginFailures(email, '10.0.0.1')).client).toBeUndefined();
    const clearedAt = new Date().toISOString();
    await store.ports.users.clearLoginFailures(email, clearedAt, 3600);
    expect((await store.ports.users.getLoginFailures(email, '10.0.0.2')).account).toEqual({
      count: 0,
      clearedAt,
    });
    const later = new Date(Date.now() + 1000).toISOString();
    const after = await store.ports.users.addLoginFailure(failure(email, '10.0.0.2', later));
    expect(after.client?.count).toBe(1);
    expect(after.account).toEqual({ count: 1, windowStartedAt: later, clearedAt });
  });
});
