// Contract: sessions, on every store. One winner of racing refreshes, "end every session" in one
// write, a session's end with its event. (Failed logins: login-attempts.test.ts.)
import { randomUUID } from 'node:crypto';
import { auditEvent, storedSession, storedUser, usePorts } from '../../support/store-fixtures';
import { STORES } from '../../support/stores';

const user = () => storedUser({ email: `s-${randomUUID().slice(0, 12)}@example.com` });
const session = (userId: string, createdAt: string) => ({
  ...storedSession(userId, createdAt),
  amr: ['pwd', 'otp'],
});
const ended = (userId: string) => auditEvent('session.ended', userId, { details: { reason: 'logout' } });

describe.each(STORES)('sessions on %s', (kind) => {
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
    // Either one without the other: each is read for itself.
    expect(await store.ports.sessions.getWithUser(randomUUID(), owner.id)).toEqual({
      session: undefined,
      user: owner,
    });
    expect(await store.ports.sessions.getWithUser(opened.id, randomUUID())).toEqual({
      session: opened,
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
});
