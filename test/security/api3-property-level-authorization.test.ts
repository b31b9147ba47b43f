// OWASP API3:2023 Broken Object Property Level Authorization, black-box over HTTP: no body can
// set a server-managed or privileged property (mass assignment), and no answer shows one it
// should not (excessive data exposure).
import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { expectProblem, USER_FIELDS } from '../support/expect';
import { type Account, ADMIN, testStackForThisFile, uniqueEmail } from '../support/stack';

const api = testStackForThisFile({ over: 'http', admin: ADMIN });
let user: Account;

beforeAll(async () => {
  user = await api.signUp('props');
});

const injected: [string, unknown][] = [
  ['id', '00000000-0000-4000-8000-000000000000'],
  ['version', 999],
  ['token_version', 999],
  ['password_hash', '$2b$04$abcdefghijklmnopqrstuu0123456789012345678901234567890'],
  ['passwordHash', '$2b$04$abcdefghijklmnopqrstuu0123456789012345678901234567890'],
  ['tokenVersion', 999],
  ['created_at', '2000-01-01T00:00:00.000Z'],
  ['updated_at', '2000-01-01T00:00:00.000Z'],
  ['last_login', '2000-01-01T00:00:00.000Z'],
  ['is_admin', true],
  ['permissions', ['admin']],
  ['__proto__', { role: 'admin' }],
  ['constructor', { prototype: { role: 'admin' } }],
];

/** The raw JSON, so that `__proto__` goes out as an own key, as an attacker would send it. */
const rawJson = (body: Record<string, unknown>, key: string, value: unknown): string =>
  `${JSON.stringify(body).slice(0, -1)},${JSON.stringify(key)}:${JSON.stringify(value)}}`;

describe.each(injected)('a body naming %s', (key, value) => {
  it('is refused on sign-up with a 400 naming the field, and no user is stored', async () => {
    const email = uniqueEmail('mass');

    const answer = await api.call('POST', '/users', {
      headers: { 'content-type': 'application/json' },
      body: rawJson({ email, name: 'Mass', password: 'mass assignment pw' }, key, value),
    });

    expectProblem(answer, 400);
    expect(answer.body.errors).toContainEqual({ path: key, message: expect.any(String) });
    const login = await api.call('POST', '/login', { json: { email, password: 'mass assignment pw' } });
    expect(login.status).toBe(401);
  });

  it.each(['PATCH', 'PUT'])('is refused on %s of oneself with a 400, and nothing changes', async (method) => {
    const before = await api.call('GET', `/users/${user.id}`, { token: user.token });
    const fields = {
      email: user.email,
      name: 'Changed',
      password: user.password,
      current_password: user.password,
    };

    const answer = await api.call(method, `/users/${user.id}`, {
      token: user.token,
      headers: { 'content-type': 'application/json' },
      body: rawJson(method === 'PUT' ? fields : { name: 'Changed' }, key, value),
    });

    expectProblem(answer, 400);
    const after = await api.call('GET', `/users/${user.id}`, { token: user.token });
    expect(after.body).toEqual(before.body);
    expect(after.headers.get('etag')).toBe(before.headers.get('etag'));
  });
});

describe('role', () => {
  it.each([
    [
      'sign-up',
      () =>
        api.call('POST', '/users', {
          json: { email: uniqueEmail(), name: 'R', password: 'role seeker pw', role: 'admin' },
        }),
    ],
    ['PATCH of oneself', () => api.changeUser(user, user.id, { role: 'admin' })],
    [
      'PUT of oneself',
      () =>
        api.call('PUT', `/users/${user.id}`, {
          token: user.token,
          json: {
            email: user.email,
            name: 'R',
            password: user.password,
            current_password: user.password,
            role: 'admin',
          },
        }),
    ],
    [
      'a duplicated key whose last value is admin',
      () =>
        api.call('PATCH', `/users/${user.id}`, {
          token: user.token,
          headers: { 'content-type': 'application/json' },
          body: '{"role":"user","role":"admin"}',
        }),
    ],
  ])('is refused to a non-admin on %s with 403', async (_, send) => {
    expectProblem(await send(), 403);
    const read = await api.call('GET', `/users/${user.id}`, { token: user.token });
    expect(read.body.role).toBe('user');
  });

  it.each([['superuser'], ['ADMIN'], [' admin'], [['admin']], [{ admin: true }]])(
    'refuses the value %j even from an admin with 400',
    async (role) => {
      const answer = await api.changeUser(api.admin, user.id, { role });

      expectProblem(answer, 400);
      expect(answer.body.errors).toContainEqual({ path: 'role', message: expect.any(String) });
    },
  );
});

describe('what answers show', () => {
  it('shows exactly the documented fields of a user on every route that returns one', async () => {
    const email = uniqueEmail('shape');
    const created = await api.call('POST', '/users', {
      json: { email, name: 'Shape', password: 'shape of a user' },
    });
    const login = await api.call('POST', '/login', { json: { email, password: 'shape of a user' } });
    const token = login.body.token;
    const read = await api.call('GET', `/users/${created.body.id}`, { token });
    const patched = await api.call('PATCH', `/users/${created.body.id}`, { token, json: { name: 'Shaped' } });
    const listed = await api.call('GET', '/users?limit=100', { token: api.admin.token });

    for (const shown of [created.body, login.body.user, read.body, patched.body, ...listed.body.items]) {
      expect(Object.keys(shown).sort()).toEqual(USER_FIELDS);
    }
    expect(Object.keys(login.body).sort()).toEqual([
      'device_token',
      'expires_in',
      'refresh_expires_in',
      'refresh_token',
      'token',
      'token_type',
      'user',
    ]);
    expect(Object.keys(listed.body).sort()).toEqual(['items', 'next_cursor']);
  });

  it('lists only users, never the guard or login-failure items that share their table', async () => {
    await api.call('POST', '/login', { json: { email: uniqueEmail('ghost'), password: 'a failed login' } });
    const { Items = [] } = await api.dynamoDb.send(new ScanCommand({ TableName: api.tableName }));
    const users = Items.filter((item) => item.email !== undefined).map((item) => item.id?.S);

    const listed = await api.call('GET', '/users?limit=100', { token: api.admin.token });

    expect(Items.length).toBeGreaterThan(users.length);
    expect(listed.body.items.map((item: { id: string }) => item.id).sort()).toEqual(users.sort());
  });

  it('shows a cursor that reveals no key or email, even decoded', async () => {
    await api.signUp('cursor');
    const page = await api.call('GET', '/users?limit=1', { token: api.admin.token });
    const last = page.body.items[0];

    const cursor: string = page.body.next_cursor;
    const decoded = cursor
      .split('.')
      .map((part) => Buffer.from(part, 'base64url').toString('latin1'))
      .join(' ');

    expect(cursor).toEqual(expect.any(String));
    for (const secret of [last.id, last.email, last.email.split('@')[0], 'email#']) {
      expect(`${cursor} ${decoded}`).not.toContain(secret);
    }
  });
});
