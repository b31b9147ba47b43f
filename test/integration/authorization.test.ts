// Every authorization rule of the contract, each from the side of the caller it concerns.

import { createTestApi, type TestApi, uniqueEmail } from '../support/api';
import {
  claimsFor,
  claimsOf,
  confusedTokens,
  editedToken,
  foreignKeyToken,
  hmacToken,
  signToken,
  unsignedToken,
} from '../support/forged-tokens';

describe('authorization', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await createTestApi();
  });
  /** Signed with this app's own signing key: only what the test broke in the claims is wrong. */
  const signWith = async (claims: Record<string, unknown>, header?: Record<string, unknown>) =>
    signToken(claims, await api.keySet(), { header });

  describe('at the gateway', () => {
    it.each([
      ['GET', '/users'],
      ['GET', '/users/00000000-0000-4000-8000-000000000000'],
      ['PUT', '/users/00000000-0000-4000-8000-000000000000'],
      ['PATCH', '/users/00000000-0000-4000-8000-000000000000'],
      ['DELETE', '/users/00000000-0000-4000-8000-000000000000'],
    ])('%s %s without a token is 401 Unauthorized', async (method, path) => {
      const response = await api.call(method, path);

      expect(response.status).toBe(401);
      expect(response.body).toEqual({ message: 'Unauthorized' });
    });

    it.each<[string, () => string | Promise<string>]>([
      ['garbage', () => 'not-a-jwt'],
      [
        'HS256 (the old algorithm)',
        () => hmacToken(claimsFor('x'), 'some-secret-that-is-long-enough-1234567'),
      ],
      [
        'HS256 keyed with the public key (algorithm confusion)',
        async () => (await confusedTokens(claimsFor('x'), await api.keySet()))[0]?.[1] ?? '',
      ],
      ['a kid that is not published', () => signWith(claimsFor('x'), { kid: 'unknown' })],
      [
        'a valid signature by a key outside the set',
        async () => foreignKeyToken(claimsFor('x'), { kid: (await api.keySet()).keys[0]?.kid ?? '' }),
      ],
      [
        'its own key in a jwk header',
        () => foreignKeyToken(claimsFor('x'), { kid: 'mine', header: (jwk) => ({ jwk }) }),
      ],
      ['no exp', () => signWith({ ...claimsFor('x'), exp: undefined })],
      ['an expired exp', () => signWith(claimsFor('x', { exp: Math.floor(Date.now() / 1000) - 1 }))],
      ['another issuer', () => signWith(claimsFor('x', { iss: 'someone-else' }))],
      ['another audience', () => signWith(claimsFor('x', { aud: 'someone-else' }))],
    ])('a token with %s is refused with 403 Forbidden', async (_, token) => {
      const response = await api.call('GET', '/users', { token: await token() });

      expect(response.status).toBe(403);
      expect(response.body).toEqual({ message: 'Forbidden' });
    });

    it('refuses an unsigned token (alg none)', async () => {
      const token = unsignedToken(claimsFor('x'));

      const response = await api.call('GET', '/users', { token });

      expect(response.status).toBe(403);
    });

    it('refuses a token whose claims were edited after signing', async () => {
      const user = await api.signUpAndLogIn();

      const response = await api.call('GET', '/users', { token: editedToken(user.token, { role: 'admin' }) });

      expect(response.status).toBe(403);
    });
  });

  describe('a user', () => {
    it.each(['GET', 'PUT', 'PATCH', 'DELETE'])(
      'is refused %s on another user with 403, and nothing changes',
      async (method) => {
        const user = await api.signUpAndLogIn();
        const other = await api.signUpAndLogIn({ name: 'Other' });

        const response = await api.call(method, `/users/${other.id}`, {
          token: user.token,
          ...(method === 'PUT' || method === 'PATCH'
            ? { body: { email: other.email, name: 'Hijacked', password: 'hijacked-password' } }
            : {}),
        });

        expect(response.status).toBe(403);
        expect(response.headers['content-type']).toBe('application/problem+json');
        const read = await api.call('GET', `/users/${other.id}`, { token: other.token });
        expect(read.body.name).toBe('Other');
      },
    );

    it('gets 403, not 404, for an id that does not exist: nothing leaks', async () => {
      const user = await api.signUpAndLogIn();

      const response = await api.call('GET', '/users/00000000-0000-4000-8000-000000000000', {
        token: user.token,
      });

      expect(response.status).toBe(403);
    });

    it('may not list users', async () => {
      const user = await api.signUpAndLogIn();

      const response = await api.call('GET', '/users', { token: user.token });

      expect(response.status).toBe(403);
    });

    it('may not give themselves a role, even their own', async () => {
      const user = await api.signUpAndLogIn();

      const promote = await api.call('PATCH', `/users/${user.id}`, {
        token: user.token,
        body: { role: 'admin' },
      });
      const same = await api.call('PATCH', `/users/${user.id}`, {
        token: user.token,
        body: { role: 'user' },
      });

      expect(promote.status).toBe(403);
      expect(same.status).toBe(403);
      const read = await api.call('GET', `/users/${user.id}`, { token: user.token });
      expect(read.body.role).toBe('user');
    });

    it("cannot borrow an admin's identity by forging the token role: the stored role decides", async () => {
      const user = await api.signUpAndLogIn();
      // Signed with the real key and bound to the user's live session: only the role is a lie.
      const forged = await signWith(claimsFor(user.id, { role: 'admin', sid: claimsOf(user.token).sid }));

      const response = await api.call('GET', '/users', { token: forged });

      expect(response.status).toBe(403);
    });

    it('ignores spoofed role and identity headers', async () => {
      const user = await api.signUpAndLogIn();

      const response = await api.call('GET', '/users', {
        token: user.token,
        headers: { 'x-role': 'admin', 'x-user-id': 'admin', 'x-amzn-authorizer-role': 'admin' },
      });

      expect(response.status).toBe(403);
    });
  });

  describe('an admin', () => {
    it('may read, change the role of, and delete another user', async () => {
      const admin = await api.admin();
      const user = await api.signUpAndLogIn();

      const read = await api.call('GET', `/users/${user.id}`, { token: admin.token });
      const promoted = await api.call('PATCH', `/users/${user.id}`, {
        token: admin.token,
        body: { role: 'admin' },
      });
      const deleted = await api.call('DELETE', `/users/${user.id}`, { token: admin.token });

      expect(read.status).toBe(200);
      expect(promoted.status).toBe(200);
      expect(promoted.body.role).toBe('admin');
      expect(deleted.status).toBe(204);
    });

    it("may change another user's password without current_password", async () => {
      const admin = await api.admin();
      const user = await api.signUpAndLogIn();

      const response = await api.call('PATCH', `/users/${user.id}`, {
        token: admin.token,
        body: { password: 'reset-by-admin' },
      });

      expect(response.status).toBe(200);
      const login = await api.call('POST', '/login', {
        body: { email: user.email, password: 'reset-by-admin' },
      });
      expect(login.status).toBe(200);
    });

    it('needs current_password to change their own password', async () => {
      const admin = await api.admin();

      const response = await api.call('PATCH', `/users/${admin.id}`, {
        token: admin.token,
        body: { password: 'new-admin-pass' },
      });

      expect(response.status).toBe(400);
      expect(response.body.errors[0].path).toBe('current_password');
    });
  });

  describe('revocation', () => {
    it("refuses a deleted user's token with 401", async () => {
      const user = await api.signUpAndLogIn();
      await api.call('DELETE', `/users/${user.id}`, { token: user.token });

      const response = await api.call('GET', `/users/${user.id}`, { token: user.token });

      expect(response.status).toBe(401);
      expect(response.headers['www-authenticate']).toMatch(/^Bearer/);
    });

    it('refuses a token issued before the user changed their password', async () => {
      const user = await api.signUpAndLogIn();
      await api.call('PATCH', `/users/${user.id}`, {
        token: user.token,
        body: { password: 'changed-password', current_password: user.password },
      });

      const response = await api.call('GET', `/users/${user.id}`, { token: user.token });

      expect(response.status).toBe(401);
    });

    it('refuses a token issued before an admin reset the password', async () => {
      const admin = await api.admin();
      const user = await api.signUpAndLogIn();
      await api.call('PATCH', `/users/${user.id}`, {
        token: admin.token,
        body: { password: 'admin-reset-1' },
      });

      const response = await api.call('GET', `/users/${user.id}`, { token: user.token });

      expect(response.status).toBe(401);
    });

    it('keeps a token valid across a name or email change', async () => {
      const user = await api.signUpAndLogIn();
      await api.call('PATCH', `/users/${user.id}`, {
        token: user.token,
        body: { email: uniqueEmail('renamed'), name: 'Renamed', current_password: user.password },
      });

      const response = await api.call('GET', `/users/${user.id}`, { token: user.token });

      expect(response.status).toBe(200);
    });

    it('takes a demoted admin’s admin rights at once, though their token still says admin', async () => {
      const root = await api.admin();
      const demoted = await api.admin();
      const victim = await api.signUpAndLogIn();
      await api.call('PATCH', `/users/${demoted.id}`, { token: root.token, body: { role: 'user' } });

      const list = await api.call('GET', '/users', { token: demoted.token });
      const readOther = await api.call('GET', `/users/${victim.id}`, { token: demoted.token });
      const readSelf = await api.call('GET', `/users/${demoted.id}`, { token: demoted.token });

      expect(list.status).toBe(403);
      expect(readOther.status).toBe(403);
      expect(readSelf.status).toBe(200);
      expect(readSelf.body.role).toBe('user');
    });

    it('refuses a token naming a user that never existed, even if well signed', async () => {
      const token = await signWith(claimsFor('11111111-1111-4111-8111-111111111111'));

      const response = await api.call('GET', '/users/11111111-1111-4111-8111-111111111111', { token });

      expect(response.status).toBe(401);
    });
  });
});
