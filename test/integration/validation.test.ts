// Bad input: always a 4xx problem+json that names the field, never a 500, and nothing stored.

import { testStackForThisFile, uniqueEmail } from '../support/stack';
import { JSON_CONTENT } from '../support/transport';

const valid = () => ({ email: uniqueEmail(), name: 'Valid Name', password: 'password-123' });

describe('validation', () => {
  const api = testStackForThisFile({ over: 'core' });

  const signUp = (body: unknown) => api.call('POST', '/users', { json: body });

  it.each([
    ['a missing email', { email: undefined }, 'email', 'is required'],
    ['a malformed email', { email: 'denis@' }, 'email', 'must be a valid email address'],
    ['an email of blanks', { email: '   ' }, 'email', 'is required'],
    ['an email that is a number', { email: 42 }, 'email', 'must be a string'],
    ['a 7-byte password', { password: '1234567' }, 'password', 'must be at least 8 bytes long'],
    [
      'a 73-byte password',
      { password: 'x'.repeat(73) },
      'password',
      expect.stringContaining('at most 72 bytes'),
    ],
    [
      'a 74-byte password of 37 two-byte characters',
      { password: 'é'.repeat(37) },
      'password',
      expect.stringContaining('72 bytes'),
    ],
    ['a blank name', { name: '   ' }, 'name', 'must not be empty'],
    ['a 101-character name', { name: 'n'.repeat(101) }, 'name', 'must be at most 100 characters'],
    [
      'a name with a control character',
      { name: 'Bad\u0000Name' },
      'name',
      'must not contain control characters',
    ],
    ['a null name', { name: null }, 'name', 'must be a string'],
    ['an unknown role', { role: 'root' }, 'role', 'must be one of: user, admin'],
    ['an unknown field', { nickname: 'x' }, 'nickname', 'is not a known field'],
    [
      'a server-managed id',
      { id: '00000000-0000-4000-8000-000000000000' },
      'id',
      'is managed by the server and cannot be set',
    ],
    [
      'a server-managed created_at',
      { created_at: '2020-01-01T00:00:00.000Z' },
      'created_at',
      expect.stringContaining('server'),
    ],
    ['a password hash', { password_hash: '$2b$10$abc' }, 'password_hash', expect.stringContaining('server')],
  ])('refuses %s with 400 naming the field', async (_, change, path, message) => {
    const body = { ...valid(), ...change };

    const response = await signUp(body);

    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    expect(response.body).toMatchObject({
      type: expect.any(String),
      title: expect.any(String),
      status: 400,
      detail: expect.any(String),
    });
    expect(response.body.errors).toContainEqual({ path, message });
  });

  it('accepts the edges: an 8-byte and a 72-byte password, a 100-character name of emoji', async () => {
    const short = await signUp({ ...valid(), password: 'k3#vQ9!z' });
    const long = await signUp({ ...valid(), password: 'éè'.repeat(18), name: '🙂'.repeat(100) });

    expect(short.status).toBe(201);
    expect(long.status).toBe(201);
    expect(long.body.name).toBe('🙂'.repeat(100));
  });

  it('reports every problem at once', async () => {
    const response = await signUp({ email: 'x', name: '', password: 'short', extra: true });

    expect(response.body.errors.map((error: { path: string }) => error.path).sort()).toEqual(
      ['email', 'extra', 'name', 'password'].sort(),
    );
  });

  it.each([
    ['an array', [1, 2]],
    ['a string', 'hello'],
    ['null', null],
  ])('refuses a body that is %s with 400', async (_, body) => {
    const response = await api.call('POST', '/users', { body: JSON.stringify(body), headers: JSON_CONTENT });

    expect(response.status).toBe(400);
    expect(response.body.errors).toEqual([{ path: '', message: 'must be a JSON object' }]);
  });

  it('refuses a body that is not JSON with 400', async () => {
    const response = await api.call('POST', '/users', { body: '{"email": ', headers: JSON_CONTENT });

    expect(response.status).toBe(400);
    expect(response.body.detail).toMatch(/not valid JSON/);
  });

  it('refuses an empty body with 400', async () => {
    const response = await api.call('POST', '/login', { headers: { 'content-type': 'application/json' } });

    expect(response.status).toBe(400);
  });

  it.each(['text/plain', 'application/x-www-form-urlencoded', 'application/jsonp'])(
    'refuses a body sent as %s with 415',
    async (contentType) => {
      const response = await api.call('POST', '/users', {
        body: JSON.stringify(valid()),
        headers: { 'content-type': contentType },
      });

      expect(response.status).toBe(415);
      expect(response.headers.get('content-type')).toBe('application/problem+json');
    },
  );

  it('accepts application/json with a charset, and +json media types', async () => {
    const withCharset = await api.call('POST', '/users', {
      body: JSON.stringify(valid()),
      headers: { 'content-type': 'application/json; charset=utf-8' },
    });
    const merge = await api.call('POST', '/users', {
      body: JSON.stringify(valid()),
      headers: { 'content-type': 'application/merge-patch+json' },
    });

    expect(withCharset.status).toBe(201);
    expect(merge.status).toBe(201);
  });

  it('refuses a body over 16 KiB with 413 before looking at it', async () => {
    const body = { ...valid(), name: 'x'.repeat(16 * 1024) };

    const response = await signUp(body);

    expect(response.status).toBe(413);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
  });

  it('accepts a body of exactly 16 KiB as far as size goes', async () => {
    const padding = 16 * 1024 - JSON.stringify({ ...valid(), name: '' }).length;
    const body = { ...valid() };
    const raw = JSON.stringify({ ...body, name: 'x'.repeat(padding) });

    const response = await api.call('POST', '/users', { body: raw, headers: JSON_CONTENT });

    expect(Buffer.byteLength(raw)).toBe(16 * 1024);
    expect(response.status).toBe(400);
    expect(response.body.errors).toEqual([{ path: 'name', message: 'must be at most 100 characters' }]);
  });

  it('stores nothing when validation fails', async () => {
    const email = uniqueEmail();
    await signUp({ email, name: '', password: 'password-123' });

    const response = await signUp({ email, name: 'Now Valid', password: 'password-123' });

    expect(response.status).toBe(201);
  });

  describe('GET /users query', () => {
    let adminToken: string;
    beforeAll(async () => {
      adminToken = (await api.newAdmin()).token;
    });

    it.each([
      ['limit=0', 'limit'],
      ['limit=101', 'limit'],
      ['limit=abc', 'limit'],
      ['limit=-1', 'limit'],
      ['limit=1.5', 'limit'],
      ['limit=1&limit=2', 'limit'],
      ['sort=name', 'sort'],
      ['cursor=not-a-cursor', 'cursor'],
    ])('refuses ?%s with 400 naming %s', async (query, path) => {
      const response = await api.call('GET', `/users?${query}`, { token: adminToken });

      expect(response.status).toBe(400);
      expect(response.body.errors.map((error: { path: string }) => error.path)).toContain(path);
    });
  });

  it('answers an unknown route with 404', async () => {
    const response = await api.call('GET', '/nothing-here');

    expect(response.status).toBe(404);
  });
});
