// Administration (disable/enable, the last admin, the sorted filtered listing) and the audit
// trail (every change with its event, in one transaction; who may read which events), through
// the router and authorizer on DynamoDB Local.
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import {
  type Account,
  ADMIN,
  startTestStack,
  type TestStack,
  testStackForThisFile,
  uniqueEmail,
} from '../support/stack';
import { testDocumentClient } from '../support/tables';

// biome-ignore lint/suspicious/noExplicitAny: event bodies are asserted field by field
type Event = any;

const eventsOf = async (api: TestStack, token: string, path: string): Promise<Event[]> => {
  const response = await api.call('GET', path, { token });
  expect(response.status).toBe(200);
  return response.body.items;
};

const allPages = async (api: TestStack, token: string, path: string, limit: number): Promise<Event[]> => {
  const seen: Event[] = [];
  let cursor: string | null = null;
  do {
    const separator = path.includes('?') ? '&' : '?';
    const query: string = `${separator}limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const response = await api.call('GET', `${path}${query}`, { token });
    expect(response.status).toBe(200);
    expect(response.body.items.length).toBeLessThanOrEqual(limit);
    seen.push(...response.body.items);
    cursor = response.body.next_cursor;
  } while (cursor);
  return seen;
};

describe('disabling and enabling a user', () => {
  const api = testStackForThisFile({ over: 'core', admin: ADMIN });

  it('refuses status from a non-admin with 403, even on their own user', async () => {
    const user = await api.signUp();
    const response = await api.changeUser(user, user.id, { status: 'disabled' });
    expect(response.status).toBe(403);
    expect((await api.call('GET', `/users/${user.id}`, { token: user.token })).body.status).toBe('active');
  });

  it('ends the tokens at once; the right password gets 403 account-disabled, a wrong one 401', async () => {
    const user = await api.signUp();
    const disabled = await api.changeUser(api.admin, user.id, { status: 'disabled' });
    expect(disabled.status).toBe(200);
    expect(disabled.body.status).toBe('disabled');

    expect((await api.call('GET', `/users/${user.id}`, { token: user.token })).status).toBe(401);
    const right = await api.call('POST', '/login', { json: { email: user.email, password: user.password } });
    expect(right.status).toBe(403);
    expect(right.body.type).toMatch(/account-disabled$/);
    const wrong = await api.call('POST', '/login', {
      json: { email: user.email, password: 'not the password' },
    });
    expect(wrong.status).toBe(401);
    expect(wrong.body.type).toMatch(/invalid-credentials$/);
  });

  it('enabling lets the user log in again but revives no old token', async () => {
    const user = await api.signUp();
    await api.changeUser(api.admin, user.id, { status: 'disabled' });
    const enabled = await api.changeUser(api.admin, user.id, { status: 'active' });
    expect(enabled.body.status).toBe('active');

    expect((await api.call('GET', `/users/${user.id}`, { token: user.token })).status).toBe(401);
    const login = await api.call('POST', '/login', { json: { email: user.email, password: user.password } });
    expect(login.status).toBe(200);
  });

  it('rejects an unknown status with a 400 naming the field', async () => {
    const user = await api.signUp();
    const response = await api.changeUser(api.admin, user.id, { status: 'banned' });
    expect(response.status).toBe(400);
    expect(response.body.errors).toEqual([expect.objectContaining({ path: 'status' })]);
  });
});

describe('the last active admin', () => {
  it('can be neither demoted, disabled nor deleted, until there is another', async () => {
    const api = await startTestStack({ over: 'core' });
    const admin = await api.newAdmin();
    for (const [method, body] of [
      ['PATCH', { role: 'user' }],
      ['PATCH', { status: 'disabled' }],
      ['DELETE', undefined],
    ] as const) {
      const response = await api.call(method, `/users/${admin.id}`, { token: admin.token, json: body });
      expect(response.status).toBe(409);
      expect(response.body.type).toMatch(/last-admin$/);
    }
    expect((await api.call('GET', `/users/${admin.id}`, { token: admin.token })).body).toMatchObject({
      role: 'admin',
      status: 'active',
    });

    const second = await api.call('POST', '/users', {
      token: admin.token,
      json: {
        email: uniqueEmail('second-admin'),
        name: 'Second',
        password: 'second admin pw',
        role: 'admin',
      },
    });
    expect(second.status).toBe(201);
    expect((await api.changeUser(admin, admin.id, { role: 'user' })).status).toBe(200);
  });

  it('two admins demoting each other at the same moment leave exactly one admin', async () => {
    for (let round = 0; round < 3; round++) {
      const api = await startTestStack({ over: 'core' });
      const first = await api.newAdmin();
      const password = 'the other admin pw';
      const email = uniqueEmail('other-admin');
      const created = await api.call('POST', '/users', {
        token: first.token,
        json: { email, name: 'Other', password, role: 'admin' },
      });
      const login = await api.call('POST', '/login', { json: { email, password } });
      const second = { id: created.body.id as string, token: login.body.token as string };

      const answers = await Promise.all([
        api.changeUser(first, second.id, { role: 'user' }),
        api.changeUser(second, first.id, { role: 'user' }),
      ]);
      const statuses = answers.map((answer) => answer.status).sort();
      // The loser is refused either as the last admin (409) or, demoted first, as no admin at all (403).
      expect(statuses[0]).toBe(200);
      expect([403, 409]).toContain(statuses[1]);
      const roles = await Promise.all(
        [first.id, second.id].map(async (id) => (await api.deps.repository.getById(id))?.role),
      );
      expect(roles.filter((role) => role === 'admin')).toHaveLength(1);
    }
  });
});

describe('GET /users sorted and filtered', () => {
  let api: TestStack;
  let admin: Account;
  const emails: string[] = [];

  beforeAll(async () => {
    api = await startTestStack({ over: 'core' });
    admin = await api.newAdmin();
    const tag = Date.now();
    for (const name of ['zoe', 'adam', 'mia', 'bob', 'amy', 'carl', 'anna']) {
      const email = `${name}-${tag}@sorted.example.com`;
      emails.push(email);
      await api.call('POST', '/users', { json: { email, name, password: `pw of ${name} here` } });
    }
  });

  it('lists every user by email, ascending, across pages with no gap or repeat', async () => {
    const listed = (await allPages(api, admin.token, '/users', 2)).map((user) => user.email);
    expect(listed).toEqual([...listed].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b))));
    expect(new Set(listed).size).toBe(listed.length);
    for (const email of emails) expect(listed).toContain(email);
  });

  it('filters by email prefix, lower-casing it', async () => {
    const listed = await allPages(api, admin.token, '/users?email_prefix=A', 2);
    expect(listed.every((user) => user.email.startsWith('a'))).toBe(true);
    const seeded = listed.filter((user) => user.email.endsWith('@sorted.example.com'));
    expect(seeded.map((user) => user.email.split('-')[0])).toEqual(['adam', 'amy', 'anna']);
  });

  it('filters by status, and by both', async () => {
    const mia = emails.find((email) => email.startsWith('mia'));
    const miaUser = (await allPages(api, admin.token, '/users?email_prefix=mia', 10))[0];
    expect(miaUser.email).toBe(mia);
    await api.changeUser(admin, miaUser.id, { status: 'disabled' });

    const disabled = await allPages(api, admin.token, '/users?status=disabled', 5);
    expect(disabled.map((user) => user.email)).toEqual([mia]);
    const active = await allPages(api, admin.token, '/users?status=active&email_prefix=m', 5);
    expect(active).toEqual([]);
    expect(
      (await allPages(api, admin.token, '/users?status=active', 3)).map((user) => user.email),
    ).not.toContain(mia);
  });

  it('refuses a bad status filter and a tampered cursor with 400', async () => {
    expect((await api.call('GET', '/users?status=gone', { token: admin.token })).status).toBe(400);
    const first = await api.call('GET', '/users?limit=1', { token: admin.token });
    const tampered = `${first.body.next_cursor.slice(0, -2)}AA`;
    const response = await api.call('GET', `/users?cursor=${encodeURIComponent(tampered)}`, {
      token: admin.token,
    });
    expect(response.status).toBe(400);
  });
});

describe('the audit trail', () => {
  const api = testStackForThisFile({ over: 'core', admin: ADMIN });

  it('records sign-up, login, updates, disable/enable, password change and delete with actor, target and request context', async () => {
    const user = await api.signUp();
    await api.changeUser(api.admin, user.id, { name: 'Renamed' });
    await api.changeUser(api.admin, user.id, { password: 'a brand new pw 1' });
    await api.changeUser(api.admin, user.id, { status: 'disabled' });
    await api.changeUser(api.admin, user.id, { status: 'active' });
    await api.call('DELETE', `/users/${user.id}`, { token: api.admin.token });

    // Newest first; the user is gone, their events are not.
    const events = await allPages(api, api.admin.token, `/users/${user.id}/events`, 3);
    // Events of one write share their time, so only their set is ordered against other writes.
    expect(
      events
        .slice(0, 2)
        .map((event) => event.type)
        .sort(),
    ).toEqual(['session.ended', 'user.deleted']);
    // Sign-up writes the user and mails a verification, in one write.
    expect(
      events
        .slice(-2)
        .map((event) => event.type)
        .sort(),
    ).toEqual(['email.verification_sent', 'user.created']);
    expect(events.map((event) => event.type).sort()).toEqual(
      [
        'user.created',
        'email.verification_sent',
        'login.succeeded',
        'user.updated',
        'user.updated',
        'password.changed',
        'session.ended',
        'user.updated',
        'user.disabled',
        'session.ended',
        'user.updated',
        'user.enabled',
        'user.deleted',
        'session.ended',
      ].sort(),
    );
    const byType = (type: string) => events.filter((event) => event.type === type);
    expect(byType('session.ended').map((event) => event.details.reason)).toEqual([
      'user_deleted',
      'disabled',
      'password_changed',
    ]);
    expect(byType('user.created')[0]).toMatchObject({ user_id: user.id, actor_id: null, outcome: 'success' });
    expect(byType('login.succeeded')[0]).toMatchObject({ user_id: user.id, actor_id: user.id });
    expect(byType('user.deleted')[0]).toMatchObject({ user_id: user.id, actor_id: api.admin.id });
    expect(byType('user.updated').map((event) => event.details.fields)).toEqual([
      ['status'],
      ['status'],
      ['password'],
      ['name'],
    ]);
    for (const event of events) {
      expect(event).toMatchObject({ ip: '127.0.0.1', user_agent: 'jest', request_id: expect.any(String) });
    }
  });

  it('records failed logins and the lock with the failure count, for unknown emails too', async () => {
    const user = await api.signUp();
    for (let attempt = 0; attempt < 6; attempt++) {
      await api.call('POST', '/login', { json: { email: user.email, password: 'wrong password' } });
    }
    const failed = await eventsOf(api, user.token, `/users/${user.id}/events?type=login.failed&limit=10`);
    expect(failed).toHaveLength(6);
    expect(failed.map((event) => event.details.count)).toEqual([6, 5, 4, 3, 2, 1]);
    expect(failed[0]).toMatchObject({
      outcome: 'failure',
      actor_id: null,
      details: { reason: 'wrong_password' },
    });
    const locked = await eventsOf(api, user.token, `/users/${user.id}/events?type=login.locked`);
    expect(locked).toHaveLength(1);

    const unknown = uniqueEmail('nobody');
    await api.call('POST', '/login', { json: { email: unknown, password: 'whatever pw' } });
    const anonymous = await eventsOf(api, api.admin.token, '/events?type=login.failed&limit=100');
    expect(anonymous.find((event) => event.details.reason === 'unknown_email')).toMatchObject({
      user_id: null,
    });
  });

  it('gives each failure of a concurrent burst its own event and count, in the transaction of the count', async () => {
    const user = await api.signUp();
    const burst = await Promise.all(
      Array.from({ length: 8 }, () =>
        api.call('POST', '/login', { json: { email: user.email, password: 'wrong password' } }),
      ),
    );
    // A burst member that read the state after the sixth failure is refused before counting.
    const failed = await eventsOf(api, user.token, `/users/${user.id}/events?type=login.failed&limit=20`);
    const counted = failed.length;
    expect(counted).toBeGreaterThanOrEqual(6);
    expect(counted).toBeLessThanOrEqual(burst.length);
    const counts = failed.map((event) => event.details.count).sort((a: number, b: number) => a - b);
    expect(counts).toEqual(Array.from({ length: counted }, (_, i) => i + 1));
    expect(failed.map((event) => event.details.account_count).sort((a: number, b: number) => a - b)).toEqual(
      counts,
    );
    const locked = await eventsOf(api, user.token, `/users/${user.id}/events?type=login.locked&limit=20`);
    expect(locked.map((event) => event.details.count).sort((a: number, b: number) => a - b)).toEqual(
      counts.filter((count: number) => count > 5),
    );
    expect(locked.every((event) => event.details.scope === 'client' && event.details.seconds > 0)).toBe(true);
  });

  it('lets a user read their own events and nobody else’s', async () => {
    const [alice, bob] = await Promise.all([api.signUp(), api.signUp()]);
    const own = await eventsOf(api, alice.token, `/users/${alice.id}/events`);
    expect(own.every((event) => event.user_id === alice.id)).toBe(true);
    expect((await api.call('GET', `/users/${bob.id}/events`, { token: alice.token })).status).toBe(403);
    expect((await api.call('GET', '/events', { token: alice.token })).status).toBe(403);
  });

  it('lets an admin filter the whole trail by type, user and actor, newest first', async () => {
    const target = await api.signUp();
    await api.changeUser(api.admin, target.id, { name: 'By admin' });

    const byUser = await allPages(api, api.admin.token, `/events?user_id=${target.id}`, 1);
    expect(byUser.map((event) => event.type).slice(0, 2)).toEqual(['user.updated', 'login.succeeded']);
    expect(
      byUser
        .map((event) => event.type)
        .slice(2)
        .sort(),
    ).toEqual(['email.verification_sent', 'user.created']);
    const byActor = await allPages(
      api,
      api.admin.token,
      `/events?actor_id=${api.admin.id}&type=user.updated`,
      2,
    );
    expect(byActor.length).toBeGreaterThan(0);
    expect(byActor.every((event) => event.actor_id === api.admin.id && event.type === 'user.updated')).toBe(
      true,
    );
    expect(byActor.some((event) => event.user_id === target.id)).toBe(true);
    const both = await allPages(
      api,
      api.admin.token,
      `/events?user_id=${target.id}&actor_id=${api.admin.id}`,
      5,
    );
    expect(both.map((event) => event.type)).toEqual(['user.updated']);

    const all = await allPages(api, api.admin.token, '/events', 7);
    expect(new Set(all.map((event) => event.id)).size).toBe(all.length);
    const times = all.map((event) => `${event.at}`);
    expect(times).toEqual([...times].sort().reverse());
    expect(all.length).toBeGreaterThan(byUser.length);
  });

  it('a write cut short leaves neither the change nor its event', async () => {
    const user = await api.signUp();
    const taken = (await api.signUp()).email;
    const response = await api.changeUser(api.admin, user.id, { email: taken });
    expect(response.status).toBe(409);
    expect((await api.call('GET', `/users/${user.id}`, { token: api.admin.token })).body.email).toBe(
      user.email,
    );
    const updates = await eventsOf(api, api.admin.token, `/users/${user.id}/events?type=user.updated`);
    expect(updates).toEqual([]);
  });

  it('keeps no secret in any stored event', async () => {
    const { Items = [] } = await testDocumentClient().send(new ScanCommand({ TableName: api.tableName }));
    const events = Items.filter((item) => String(item.id).startsWith('event#'));
    expect(events.length).toBeGreaterThan(20);
    const text = JSON.stringify(events);
    expect(text).not.toMatch(/\$2[abxy]\$/);
    for (const password of api.sentPasswords) expect(text).not.toContain(password);
    expect(text).not.toMatch(/eyJ[\w-]+\.[\w-]+\.[\w-]+/);
    for (const event of events)
      expect(event.expires_at).toBeGreaterThan(Date.parse(event.at) / 1000 + 364 * 86_400);
  });
});
