// Contract: the users repository, on every store. A unique email under racing sign-ups, the
// version check of every write, the last active admin kept under racing demotions, a login that
// opens its session in the same write, the sorted listing with its filters and pages, and the
// effects and events that go with a write or not at all.
import { randomUUID } from 'node:crypto';
import type { AuditEvent } from '../../../lambda/audit/event';
import { InvalidTokenError } from '../../../lambda/mail/errors';
import type { MailToken } from '../../../lambda/mail/mail';
import { EmailTakenError, LastAdminError } from '../../../lambda/users/errors';
import { StaleVersionError } from '../../../lambda/users/repository';
import { profileOf, type StoredUser } from '../../../lambda/users/user';
import {
  auditEvent,
  FIXED_AT,
  NOW_EPOCH,
  storedSession,
  storedUser,
  usePorts,
} from '../../support/store-fixtures';
import { type PortsUnderTest, STORES } from '../../support/stores';

const AT = FIXED_AT;
const newUser = storedUser;
const session = (userId: string) => storedSession(userId);
const event = (type: AuditEvent['type'], userId: string) => auditEvent(type, userId);

const next = (user: StoredUser, changes: Partial<StoredUser>): StoredUser => ({
  ...user,
  ...changes,
  version: user.version + 1,
});

const settled = async (work: Promise<unknown>[]) =>
  (await Promise.allSettled(work)).map((result) =>
    result.status === 'fulfilled' ? 'ok' : (result.reason as Error).constructor.name,
  );

describe.each(STORES)('users on %s', (kind) => {
  const store = usePorts(kind);

  const eventsOf = async (userId: string) =>
    (await store.ports.audit.list({ userId, limit: 50, position: undefined })).events.map((e) => e.type);

  it('stores a user with its event and reads it back by id and by email', async () => {
    const user = newUser();
    await store.ports.users.create(user, { events: [event('user.created', user.id)] });
    expect(await store.ports.users.getById(user.id)).toEqual(user);
    expect(await store.ports.users.getByEmail(user.email)).toEqual(user);
    expect(await store.ports.users.getByEmail(`nobody-${user.email}`)).toBeUndefined();
    expect(await eventsOf(user.id)).toEqual(['user.created']);
  });

  it('lets one of twelve racing sign-ups with one email win, across replicas', async () => {
    const email = `race-${randomUUID().slice(0, 8)}@example.com`;
    const users = Array.from({ length: 12 }, () => newUser({ email }));
    const outcomes = await settled(
      users.map((user, i) => (i % 2 ? store.replica : store.ports).users.create(user)),
    );
    expect(outcomes.filter((o) => o === 'ok')).toHaveLength(1);
    expect(outcomes.filter((o) => o === EmailTakenError.name)).toHaveLength(11);
    const winner = users[outcomes.indexOf('ok')];
    expect((await store.ports.users.getByEmail(email))?.id).toBe(winner?.id);
  });

  it('writes only over the version it read, and moves the email atomically', async () => {
    const user = newUser();
    const other = newUser();
    await store.ports.users.create(user);
    await store.ports.users.create(other);
    const renamed = next(user, { name: 'Ada Lovelace' });
    await store.ports.users.replace(user, renamed);
    await expect(store.ports.users.replace(user, next(user, { name: 'Stale' }))).rejects.toThrow(
      StaleVersionError,
    );
    await expect(
      store.ports.users.replace(renamed, next(renamed, { email: other.email }), {
        events: [event('user.updated', user.id)],
      }),
    ).rejects.toThrow(EmailTakenError);
    expect(await store.ports.users.getById(user.id)).toEqual(renamed);
    expect(await eventsOf(user.id)).toEqual([]);
    const moved = next(renamed, { email: `moved-${user.email}` });
    await store.ports.users.replace(renamed, moved);
    expect((await store.ports.users.getByEmail(moved.email))?.id).toBe(user.id);
    expect(await store.ports.users.getByEmail(user.email)).toBeUndefined();
    // The old address is free again.
    await store.ports.users.create(newUser({ email: user.email }));
  });

  it('never lets the last active admin go: demoted, disabled or deleted', async () => {
    // Each store under test is this file's own, so these two are all its active admins once the
    // first is gone.
    const admin = newUser({ role: 'admin' });
    await store.ports.users.create(admin);
    const others = await activeAdminsBesides(store.ports, admin);
    for (const other of others) await store.ports.users.delete(other);
    await expect(store.ports.users.replace(admin, next(admin, { role: 'user' }))).rejects.toThrow(
      LastAdminError,
    );
    await expect(store.ports.users.replace(admin, next(admin, { status: 'disabled' }))).rejects.toThrow(
      LastAdminError,
    );
    await expect(store.ports.users.delete(admin)).rejects.toThrow(LastAdminError);
    expect(await store.ports.users.getById(admin.id)).toEqual(admin);
  });

  it('of two admins demoting each other at once on two replicas, lets exactly one win', async () => {
    const first = newUser({ role: 'admin' });
    const second = newUser({ role: 'admin' });
    await store.ports.users.create(first);
    await store.ports.users.create(second);
    for (const other of await activeAdminsBesides(store.ports, first, second))
      await store.ports.users.delete(other);
    const outcomes = await settled([
      store.ports.users.replace(first, next(first, { role: 'user' })),
      store.replica.users.replace(second, next(second, { role: 'user' })),
    ]);
    expect([...outcomes].sort()).toEqual([LastAdminError.name, 'ok'].sort());
    const left = await Promise.all([
      store.ports.users.getById(first.id),
      store.ports.users.getById(second.id),
    ]);
    expect(left.filter((user) => user?.role === 'admin')).toHaveLength(1);
  });

  it('deletes only the version it read; the events outlive the user', async () => {
    const user = newUser();
    await store.ports.users.create(user, { events: [event('user.created', user.id)] });
    await expect(store.ports.users.delete({ ...user, version: 7 })).rejects.toThrow(StaleVersionError);
    await store.ports.users.delete(user, { events: [event('user.deleted', user.id)] });
    expect(await store.ports.users.getById(user.id)).toBeUndefined();
    expect(await eventsOf(user.id)).toEqual(['user.deleted', 'user.created']);
  });

  it('records a login with its session in one write, and nothing for a user that is gone', async () => {
    const user = newUser();
    await store.ports.users.create(user);
    const opened = session(user.id);
    const after = await store.ports.users.recordLogin(user, '2026-12-06T02:00:00.000Z', {
      session: opened,
      events: [event('login.succeeded', user.id)],
    });
    expect(after).toEqual({ ...user, lastLogin: '2026-12-06T02:00:00.000Z', version: 2 });
    expect(await store.ports.sessions.get(opened.id)).toEqual(opened);
    const gone = newUser();
    const orphan = session(gone.id);
    expect(await store.ports.users.recordLogin(gone, AT, { session: orphan })).toBeUndefined();
    expect(await store.ports.sessions.get(orphan.id)).toBeUndefined();
  });

  it('lists users sorted by email, by prefix and status, page by page', async () => {
    const tag = `list${randomUUID().slice(0, 8)}`;
    const made = ['d', 'a', 'c', 'b', 'e'].map((letter) =>
      newUser({ email: `${tag}-${letter}@example.com`, status: letter === 'c' ? 'disabled' : 'active' }),
    );
    for (const user of made) await store.ports.users.create(user);
    const sorted = [...made].sort((a, b) => (a.email < b.email ? -1 : 1)).map(profileOf);
    const pages: string[][] = [];
    let position: string | undefined;
    do {
      const page = await store.ports.users.list({ limit: 2, position, emailPrefix: tag });
      pages.push(page.users.map((u) => u.email));
      position = page.nextPosition ?? undefined;
    } while (position !== undefined && pages.length < 10);
    expect(pages.flat()).toEqual(sorted.map((u) => u.email));
    const active = await store.ports.users.list({
      limit: 10,
      position: undefined,
      emailPrefix: tag,
      status: 'active',
    });
    expect(active.users).toEqual(sorted.filter((u) => u.status === 'active'));
    const narrow = await store.ports.users.list({ limit: 10, position: undefined, emailPrefix: `${tag}-b` });
    expect(narrow.users.map((u) => u.email)).toEqual([`${tag}-b@example.com`]);
  });

  it('spends a mailed token with the write it allows, once: a second spend fails the whole write', async () => {
    const user = newUser();
    const token: MailToken = {
      hash: randomUUID(),
      purpose: 'verify-email',
      userId: user.id,
      email: user.email,
      expiresAt: NOW_EPOCH + 3600,
    };
    await store.ports.users.create(user, {
      newTokens: [token],
      mails: [{ kind: 'verify-email', to: user.email, name: user.name, token: 'raw' }],
    });
    expect(await store.ports.mail.getToken(token.hash)).toEqual(token);
    const verified = next(user, { emailVerified: true });
    const spend = { token, nowEpoch: NOW_EPOCH };
    await store.ports.users.replace(user, verified, { spendToken: spend });
    await expect(
      store.ports.users.replace(verified, next(verified, { name: 'Twice' }), { spendToken: spend }),
    ).rejects.toThrow(InvalidTokenError);
    expect(await store.ports.users.getById(user.id)).toEqual(verified);
  });
});

/** Every active admin of this store other than `keep`, so a test can leave only those. */
const activeAdminsBesides = async (ports: PortsUnderTest, ...keep: StoredUser[]): Promise<StoredUser[]> => {
  const found: StoredUser[] = [];
  let position: string | undefined;
  do {
    const page = await ports.users.list({ limit: 100, position, status: 'active' });
    for (const user of page.users)
      if (user.role === 'admin' && !keep.some((kept) => kept.id === user.id)) {
        const stored = await ports.users.getById(user.id);
        if (stored) found.push(stored);
      }
    position = page.nextPosition ?? undefined;
  } while (position !== undefined);
  return found;
};
