// Every route of the contract (README) over real HTTP, through the local gateway and the deployed handler
// modules, on DynamoDB Local: what a client of `npm start` (or of the deployed API) sees.
import { randomUUID } from 'node:crypto';
import { expectProblem } from '../support/expect';
import { ADMIN, startTestStack, type TestStack, uniqueEmail } from '../support/stack';
import type { Call } from '../support/transport';

let stack: TestStack;
let call: Call;
let adminToken: string;

const ISO_MS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const PASSWORD = 'a fine password';

/** A new user with the suite's password (some tests send it back as `current_password`). */
const signUp = (label = 'user') =>
  stack.signUp({ name: label, email: uniqueEmail(label), password: PASSWORD });

beforeAll(async () => {
  stack = await startTestStack({ over: 'http', admin: ADMIN });
  call = stack.call;
  adminToken = await stack.logIn(ADMIN.email, ADMIN.password);
});

afterAll(async () => {
  await stack?.close();
});

describe('POST /users', () => {
  it('signs up a user: 201, the user, Location, ETag, no-store', async () => {
    const response = await call('POST', '/users', {
      json: { email: '  Grace.Hopper@Example.COM ', name: ' Grace ', password: PASSWORD },
    });

    expect(response.status).toBe(201);
    expect(response.body).toEqual({
      id: expect.stringMatching(UUID_V4),
      email: 'grace.hopper@example.com',
      email_verified: false,
      name: 'Grace',
      role: 'user',
      mfa_enabled: false,
      status: 'active',
      last_login: null,
      created_at: expect.stringMatching(ISO_MS),
      updated_at: expect.stringMatching(ISO_MS),
    });
    expect(response.headers.get('location')).toBe(`/users/${response.body.id}`);
    expect(response.headers.get('etag')).toMatch(/^"[^"]+"$/);
    expect(response.headers.get('cache-control')).toBe('no-store');
  });

  it('refuses an email already in use, whatever its case and spacing, with 409', async () => {
    const { email } = await signUp();

    const response = await call('POST', '/users', {
      json: { email: ` ${email.toUpperCase()}`, name: 'Twin', password: PASSWORD },
    });

    expectProblem(response, 409);
  });

  it('names each invalid field in a 400', async () => {
    const response = await call('POST', '/users', {
      json: { email: 'not-an-email', name: '', password: 'short' },
    });

    expectProblem(response, 400);
    const paths = response.body.errors.map((error: { path: string }) => error.path);
    expect(paths).toEqual(expect.arrayContaining(['email', 'name', 'password']));
  });

  it('refuses unknown and server-managed fields with 400', async () => {
    const json = { email: uniqueEmail(), name: 'X', password: PASSWORD, id: randomUUID(), nickname: 'x' };

    const response = await call('POST', '/users', { json });

    expectProblem(response, 400);
  });

  it('refuses a password over 72 bytes instead of truncating it', async () => {
    const response = await call('POST', '/users', {
      json: { email: uniqueEmail(), name: 'X', password: 'é'.repeat(37) },
    });

    expectProblem(response, 400);
  });

  it('answers 400 to a body that is not JSON', async () => {
    const response = await call('POST', '/users', {
      body: '{"email":',
      headers: { 'content-type': 'application/json' },
    });

    expectProblem(response, 400);
  });

  it('answers 415 to a body that is not sent as JSON', async () => {
    const response = await call('POST', '/users', {
      body: 'email=a@example.com',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });

    expectProblem(response, 415);
  });

  it('answers 413 to a body over 16 KiB', async () => {
    const response = await call('POST', '/users', {
      json: { email: uniqueEmail(), name: 'x'.repeat(17 * 1024), password: PASSWORD },
    });

    expectProblem(response, 413);
  });

  it('refuses a role from anyone but an admin with 403', async () => {
    const response = await call('POST', '/users', {
      json: { email: uniqueEmail(), name: 'X', password: PASSWORD, role: 'admin' },
    });

    expectProblem(response, 403);
  });

  it('lets an admin create an admin', async () => {
    const response = await call('POST', '/users', {
      token: adminToken,
      json: { email: uniqueEmail('admin'), name: 'Second admin', password: PASSWORD, role: 'admin' },
    });

    expect(response.status).toBe(201);
    expect(response.body.role).toBe('admin');
  });

  it('refuses a bad bearer token on this public route with 401, never treating it as anonymous', async () => {
    const response = await call('POST', '/users', {
      token: 'not-a-jwt',
      json: { email: uniqueEmail(), name: 'X', password: PASSWORD },
    });

    expectProblem(response, 401);
  });
});

describe('POST /login', () => {
  it('returns a bearer token and the user with last_login set, no-store', async () => {
    const email = uniqueEmail();
    await call('POST', '/users', { json: { email, name: 'Lin', password: PASSWORD } });

    const response = await call('POST', '/login', {
      json: { email: email.toUpperCase(), password: PASSWORD },
    });

    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      token: expect.stringMatching(/^[\w-]+\.[\w-]+\.[\w-]+$/),
      token_type: 'Bearer',
      expires_in: 900,
      refresh_token: expect.stringMatching(/^[\w-]+\.[\w-]{43,}$/),
      refresh_expires_in: 30 * 24 * 3600,
      user: expect.objectContaining({ email, last_login: expect.stringMatching(ISO_MS) }),
      device_token: expect.stringMatching(/^[\w-]{43}$/),
    });
    expect(response.headers.get('cache-control')).toBe('no-store');
  });

  it('gives a wrong password and an unknown email the same 401 body', async () => {
    const { email } = await signUp();

    const wrongPassword = await call('POST', '/login', { json: { email, password: 'not the password' } });
    const unknownEmail = await call('POST', '/login', {
      json: { email: uniqueEmail(), password: 'not the password' },
    });

    expectProblem(wrongPassword, 401);
    expect(unknownEmail.status).toBe(401);
    expect(unknownEmail.body).toEqual(wrongPassword.body);
  });

  it('answers 429 with Retry-After from the 6th consecutive failure, even to the right password', async () => {
    const { email } = await signUp();
    const wrong = { json: { email, password: 'not the password' } };

    const first5 = [];
    for (let attempt = 0; attempt < 5; attempt++) first5.push((await call('POST', '/login', wrong)).status);
    const sixth = await call('POST', '/login', wrong);
    const rightPassword = await call('POST', '/login', { json: { email, password: PASSWORD } });

    expect(first5).toEqual([401, 401, 401, 401, 401]);
    expectProblem(sixth, 429);
    expect(Number(sixth.headers.get('retry-after'))).toBeGreaterThan(0);
    expectProblem(rightPassword, 429);
    expect(Number(rightPassword.headers.get('retry-after'))).toBeGreaterThan(0);
  });
});

describe('GET /users', () => {
  it('is a 401 {"message":"Unauthorized"} from the gateway without an Authorization header', async () => {
    const response = await call('GET', '/users');

    expect(response.status).toBe(401);
    expect(response.body).toEqual({ message: 'Unauthorized' });
  });

  it('is a 403 {"message":"Forbidden"} from the gateway for a token that does not verify', async () => {
    const response = await call('GET', '/users', { token: 'eyJhbGciOiJub25lIn0.e30.' });

    expect(response.status).toBe(403);
    expect(response.body).toEqual({ message: 'Forbidden' });
  });

  it('refuses a user who is not an admin with 403', async () => {
    const { token } = await signUp();

    expectProblem(await call('GET', '/users', { token }), 403);
  });

  it('pages through every user with an opaque cursor', async () => {
    const created = await Promise.all([signUp('page'), signUp('page'), signUp('page')]);

    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const query: string = cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`;
      const page = await call('GET', `/users?limit=2${query}`, { token: adminToken });
      expect(page.status).toBe(200);
      expect(page.body.items.length).toBeLessThanOrEqual(2);
      expect(page.headers.get('cache-control')).toBe('no-store');
      seen.push(...page.body.items.map((user: { id: string }) => user.id));
      cursor = page.body.next_cursor;
      pages++;
    } while (cursor !== null && pages < 100);

    expect(cursor).toBeNull();
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toEqual(expect.arrayContaining(created.map((user) => user.id)));
  });

  it('defaults to pages of at most 25', async () => {
    const response = await call('GET', '/users', { token: adminToken });

    expect(response.status).toBe(200);
    expect(response.body.items.length).toBeLessThanOrEqual(25);
    expect(response.body).toHaveProperty('next_cursor');
  });

  it.each(['limit=0', 'limit=101', 'limit=ten', 'cursor=tampered'])('refuses %s with 400', async (query) => {
    expectProblem(await call('GET', `/users?${query}`, { token: adminToken }), 400);
  });
});

describe('GET /users/{id}', () => {
  it('shows users their own record, with ETag and no-store', async () => {
    const { id, email, token } = await signUp();

    const response = await call('GET', `/users/${id}`, { token });

    expect(response.status).toBe(200);
    expect(response.body).toEqual(expect.objectContaining({ id, email, role: 'user' }));
    expect(response.headers.get('etag')).toMatch(/^"[^"]+"$/);
    expect(response.headers.get('cache-control')).toBe('no-store');
  });

  it("refuses a user another user's record with 403", async () => {
    const [me, other] = await Promise.all([signUp(), signUp()]);

    expectProblem(await call('GET', `/users/${other.id}`, { token: me.token }), 403);
  });

  it('shows an admin any user, and 404 for none', async () => {
    const { id } = await signUp();

    expect((await call('GET', `/users/${id}`, { token: adminToken })).status).toBe(200);
    expectProblem(await call('GET', `/users/${randomUUID()}`, { token: adminToken }), 404);
  });
});

describe('PUT /users/{id}', () => {
  it('replaces the writable fields when the user confirms the current password', async () => {
    const { id, token } = await signUp();
    const email = uniqueEmail('renamed');

    const response = await call('PUT', `/users/${id}`, {
      token,
      json: { email, name: 'Replaced', password: 'a brand new password', current_password: PASSWORD },
    });

    expect(response.status).toBe(200);
    expect(response.body).toEqual(expect.objectContaining({ id, email, name: 'Replaced', role: 'user' }));
    expect(await stack.logIn(email, 'a brand new password')).toEqual(expect.any(String));
  });

  it('names current_password in a 400 when a user replaces their own record without it', async () => {
    const { id, email, token } = await signUp();

    const response = await call('PUT', `/users/${id}`, {
      token,
      json: { email, name: 'X', password: PASSWORD },
    });

    expectProblem(response, 400);
    expect(JSON.stringify(response.body)).toContain('current_password');
  });

  it('refuses a stale If-Match with 412 and accepts the current one', async () => {
    const { id, email, token } = await signUp();
    const { headers } = await call('GET', `/users/${id}`, { token: adminToken });
    const etag = headers.get('etag') ?? '';
    const json = { email, name: 'Fresh', password: PASSWORD, current_password: PASSWORD };

    const stale = await call('PUT', `/users/${id}`, { token, json, headers: { 'if-match': '"999"' } });
    const current = await call('PUT', `/users/${id}`, { token, json, headers: { 'if-match': etag } });

    expectProblem(stale, 412);
    expect(current.status).toBe(200);
    expect(current.headers.get('etag')).not.toBe(etag);
  });
});

describe('PATCH /users/{id}', () => {
  it('changes only the fields sent', async () => {
    const { id, email, token } = await signUp();

    const response = await call('PATCH', `/users/${id}`, { token, json: { name: 'Patched' } });

    expect(response.status).toBe(200);
    expect(response.body).toEqual(expect.objectContaining({ id, email, name: 'Patched' }));
  });

  it('refuses an empty change with 400', async () => {
    const { id, token } = await signUp();

    expectProblem(await call('PATCH', `/users/${id}`, { token, json: {} }), 400);
  });

  it('refuses a role change from a user with 403', async () => {
    const { id, token } = await signUp();

    expectProblem(await call('PATCH', `/users/${id}`, { token, json: { role: 'admin' } }), 403);
  });

  it('applies a role change made by an admin at once, to tokens already issued', async () => {
    const { id, token } = await signUp();

    const promoted = await call('PATCH', `/users/${id}`, { token: adminToken, json: { role: 'admin' } });
    const list = await call('GET', '/users?limit=1', { token });

    expect(promoted.body.role).toBe('admin');
    expect(list.status).toBe(200);
  });

  it('revokes the tokens issued before a password change', async () => {
    const { id, token } = await signUp();

    const changed = await call('PATCH', `/users/${id}`, {
      token,
      json: { password: 'another good password', current_password: PASSWORD },
    });
    const afterwards = await call('GET', `/users/${id}`, { token });

    expect(changed.status).toBe(200);
    expectProblem(afterwards, 401);
  });

  it('refuses a stale If-Match with 412', async () => {
    const { id, token } = await signUp();

    const response = await call('PATCH', `/users/${id}`, {
      token,
      json: { name: 'Y' },
      headers: { 'if-match': '"999"' },
    });

    expectProblem(response, 412);
  });
});

describe('DELETE /users/{id}', () => {
  it('deletes users themselves with 204 and no body, and their token stops working', async () => {
    const { id, token } = await signUp();

    const response = await call('DELETE', `/users/${id}`, { token });
    const afterwards = await call('GET', `/users/${id}`, { token });
    const asAdmin = await call('GET', `/users/${id}`, { token: adminToken });

    expect(response.status).toBe(204);
    expect(response.text).toBe('');
    expectProblem(afterwards, 401);
    expectProblem(asAdmin, 404);
  });

  it("refuses to delete another user's record for a user with 403", async () => {
    const [me, other] = await Promise.all([signUp(), signUp()]);

    expectProblem(await call('DELETE', `/users/${other.id}`, { token: me.token }), 403);
  });

  it('refuses a stale If-Match with 412 and keeps the user', async () => {
    const { id } = await signUp();

    const response = await call('DELETE', `/users/${id}`, {
      token: adminToken,
      headers: { 'if-match': '"999"' },
    });

    expectProblem(response, 412);
    expect((await call('GET', `/users/${id}`, { token: adminToken })).status).toBe(200);
  });
});

describe('the gateway around the routes', () => {
  it.each([
    ['GET', '/'],
    ['GET', '/nope'],
    ['POST', '/users/123'],
    ['GET', '/login'],
  ])('answers %s %s, which matches no route, with a 404 problem', async (method, path) => {
    expectProblem(await call(method, path), 404);
  });

  it('answers every protected route with 401 from the gateway without a header', async () => {
    const id = randomUUID();
    const answers = await Promise.all(
      [
        ['GET', `/users/${id}`],
        ['PUT', `/users/${id}`],
        ['PATCH', `/users/${id}`],
        ['DELETE', `/users/${id}`],
      ].map(([method, path]) => call(method ?? '', path ?? '')),
    );

    expect(answers.map((answer) => [answer.status, answer.body])).toEqual(
      Array(4).fill([401, { message: 'Unauthorized' }]),
    );
  });
});
