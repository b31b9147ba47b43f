import { testStackForThisFile, uniqueEmail } from '../support/stack';
import { testDocumentClient } from '../support/tables';
import type { RequestOptions } from '../support/transport';

const PROBLEM_JSON = 'application/problem+json';
const ISO_MILLIS = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('sign-up and login', () => {
  const api = testStackForThisFile({ over: 'core' });

  /** POST /users of a fresh address with `fields`, sent with `options` (a token, headers). */
  const signUpAs = (options: RequestOptions, fields: { name: string; role?: string }) =>
    api.call('POST', '/users', {
      ...options,
      json: { email: uniqueEmail(), name: fields.name, password: 'password-123', role: fields.role },
    });

  describe('POST /users', () => {
    it('creates a user and answers 201 with the user, Location, ETag and no-store', async () => {
      const email = uniqueEmail('denis');
      const response = await api.call('POST', '/users', {
        json: { email: `  ${email.toUpperCase()} `, name: '  Denis ', password: 'correct horse' },
      });

      expect(response.status).toBe(201);
      expect(response.body).toEqual({
        id: expect.stringMatching(UUID_V4),
        email,
        name: 'Denis',
        role: 'user',
        email_verified: false,
        mfa_enabled: false,
        status: 'active',
        last_login: null,
        created_at: expect.stringMatching(ISO_MILLIS),
        updated_at: expect.stringMatching(ISO_MILLIS),
      });
      expect(response.headers.get('location')).toBe(`/users/${response.body.id}`);
      expect(response.headers.get('etag')).toMatch(/^"\d+"$/);
      expect(response.headers.get('cache-control')).toBe('no-store');
      expect(response.headers.get('content-type')).toBe('application/json');
    });

    it('refuses a second user with the same email, whatever its case and spacing, with 409', async () => {
      const email = uniqueEmail();
      await api.call('POST', '/users', { json: { email, name: 'First', password: 'password-one' } });

      const response = await api.call('POST', '/users', {
        json: { email: ` ${email.toUpperCase()}`, name: 'Second', password: 'password-two' },
      });

      expect(response.status).toBe(409);
      expect(response.headers.get('content-type')).toBe(PROBLEM_JSON);
      expect(response.body).toMatchObject({
        status: 409,
        title: 'Email already in use',
        errors: [{ path: 'email' }],
      });
    });

    it('refuses role from an anonymous caller with 403', async () => {
      const response = await signUpAs({}, { name: 'Mallory', role: 'admin' });

      expect(response.status).toBe(403);
      expect(response.body.status).toBe(403);
    });

    it("refuses role from a signed-in user's token with 403", async () => {
      const user = await api.signUp();

      const response = await signUpAs({ token: user.token }, { name: 'Mallory', role: 'user' });

      expect(response.status).toBe(403);
    });

    it("lets an admin's token create an admin", async () => {
      const admin = await api.newAdmin();

      const response = await signUpAs({ token: admin.token }, { name: 'New Admin', role: 'admin' });

      expect(response.status).toBe(201);
      expect(response.body.role).toBe('admin');
    });

    it('refuses a bad bearer token on the public sign-up route with 401, never treating it as anonymous', async () => {
      const response = await signUpAs({ token: 'not.a.token' }, { name: 'Anon' });

      expect(response.status).toBe(401);
      expect(response.headers.get('content-type')).toBe(PROBLEM_JSON);
    });

    it('refuses an Authorization header that is not a bearer token on a public route with 401', async () => {
      const response = await signUpAs({ headers: { authorization: 'Basic dXNlcjpwYXNz' } }, { name: 'Anon' });

      expect(response.status).toBe(401);
    });

    it('stores only a bcrypt hash of cost 10 or more', async () => {
      const email = uniqueEmail();
      await api.call('POST', '/users', { json: { email, name: 'Hashed', password: 'plain-text-password' } });

      const { DynamoDbUserRepository } = await import('../../lambda/store/user-repository');
      const stored = await new DynamoDbUserRepository({
        tableName: api.tableName,
        client: testDocumentClient(),
      }).getByEmail(email);

      expect(stored?.passwordHash).toMatch(/^\$2[aby]\$(1\d)\$/);
      expect(stored?.passwordHash).not.toContain('plain-text-password');
    });
  });

  describe('POST /login', () => {
    it('returns a bearer token, its lifetime and the user with last_login just set', async () => {
      const email = uniqueEmail();
      const created = await api.call('POST', '/users', {
        json: { email, name: 'Login', password: 'password-123' },
      });
      const before = Date.now();

      const response = await api.call('POST', '/login', {
        json: { email: email.toUpperCase(), password: 'password-123' },
      });

      expect(response.status).toBe(200);
      expect(response.headers.get('cache-control')).toBe('no-store');
      expect(response.body).toEqual({
        // A known device's token (SPEC "Known devices"): 256 random bits.
        device_token: expect.stringMatching(/^[\w-]{43}$/),
        token: expect.stringMatching(/^[\w-]+\.[\w-]+\.[\w-]+$/),
        token_type: 'Bearer',
        expires_in: 3600,
        refresh_token: expect.stringMatching(/^[0-9a-f-]{36}\.[\w-]{43}$/),
        refresh_expires_in: 30 * 24 * 3600,
        user: { ...created.body, last_login: expect.stringMatching(ISO_MILLIS) },
      });
      expect(Date.parse(response.body.user.last_login)).toBeGreaterThanOrEqual(before - 5);
    });

    it('issues an ES256 token with the kid of a published key, sub, role, amr, iat, exp one hour later, iss and aud', async () => {
      const user = await api.signUp();

      const [header, payload] = user.token
        .split('.')
        .slice(0, 2)
        .map((part) => JSON.parse(Buffer.from(part, 'base64url').toString('utf8')));

      expect(header.alg).toBe('ES256');
      const jwks = (await api.call('GET', '/.well-known/jwks.json')).body as { keys: { kid: string }[] };
      expect(jwks.keys.map((key) => key.kid)).toContain(header.kid);
      expect(payload).toMatchObject({
        sub: user.id,
        role: 'user',
        amr: ['pwd'],
        iss: 'user-api',
        aud: 'user-api',
      });
      expect(payload.exp - payload.iat).toBe(3600);
    });

    it('persists last_login, as a later read shows', async () => {
      const user = await api.signUp();

      const response = await api.call('GET', `/users/${user.id}`, { token: user.token });

      expect(response.body.last_login).toMatch(ISO_MILLIS);
    });

    it('answers a wrong password and an unknown email with the same 401 body', async () => {
      const user = await api.signUp();

      const wrongPassword = await api.call('POST', '/login', {
        json: { email: user.email, password: 'wrong-password' },
      });
      const unknownEmail = await api.call('POST', '/login', {
        json: { email: uniqueEmail('nobody'), password: 'wrong-password' },
      });

      expect(wrongPassword.status).toBe(401);
      expect(unknownEmail.status).toBe(401);
      expect(wrongPassword.text).toBe(unknownEmail.text);
      expect(wrongPassword.headers.get('content-type')).toBe(PROBLEM_JSON);
    });

    it('refuses a password longer than 72 bytes whose first 72 bytes are right: nothing is truncated', async () => {
      const password = 'pq'.repeat(36);
      const user = await api.signUp({ password });

      const response = await api.call('POST', '/login', {
        json: { email: user.email, password: `${password}extra` },
      });

      expect(response.status).toBe(401);
    });

    it('validates the login body with 400 naming the field', async () => {
      const response = await api.call('POST', '/login', { json: { email: 'not-an-email', password: 'x' } });

      expect(response.status).toBe(400);
      expect(response.body.errors).toEqual([{ path: 'email', message: 'must be a valid email address' }]);
    });
  });
});
