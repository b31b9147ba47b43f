// Every authorization rule of the contract, each from the side of the caller it concerns.

import * as forged from '../support/forged-tokens';
import { testStackForThisFile, uniqueEmail } from '../support/stack';

describe('authorization', () => {
  const api = testStackForThisFile({ over: 'core' });
  // api.signToken signs with this app's own signing key: only what the test broke in the claims is wrong.

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
        () => forged.hmacToken(forged.claimsFor('x'), 'some-secret-that-is-long-enough-1234567'),
      ],
      [
        'HS256 keyed with the public key (algorithm confusion)',
        async () => (await forged.confusedTokens(forged.claimsFor('x'), await api.keySet()))[0]?.[1] ?? '',
      ],
      [
        'a kid that is not published',
        () => api.signToken(forged.claimsFor('x'), { header: { kid: 'unknown' } }),
      ],
      [
        'a valid signature by a key outside the set',
        async () =>
          forged.foreignKeyToken(forged.claimsFor('x'), { kid: (await api.keySet()).keys[0]?.kid ?? '' }),
      ],
      [
        'its own key in a jwk header',
        () => forged.foreignKeyToken(forged.claimsFor('x'), { kid: 'mine', header: (jwk) => ({ jwk }) }),
      ],
      ['no exp', () => api.signToken({ ...forged.claimsFor('x'), exp: undefined })],
      [
        'an expired exp',
        () => api.signToken(forged.claimsFor('x', { exp: Math.floor(Date.now() / 1000) - 1 })),
      ],
      ['another issuer', () => api.signToken(forged.claimsFor('x', { iss: 'someone-else' }))],
      ['another audience', () => api.signToken(forged.claimsFor('x', { aud: 'someone-else' }))],
    ])('a token with %s is refused with 403 Forbidden', async (_, token) => {
      const response = await api.call('GET', '/users', { token: await token() });

      expect(response.status).toBe(403);
      expect(response.body).toEqual({ message: 'Forbidden' });
    });

    it('refuses an unsigned token (alg none)', async () => {
      const token = forged.unsignedToken(forged.claimsFor('x'));

      const response = await api.call('GET', '/users', { token });

      expect(response.status).toBe(403);
    });

    it('refuses a token whose claims were edited after signing', async () => {
      const user = await api.signUp();

      const response = await api.call('GET', '/users', {
        token: forged.editedToken(user.token, { role: 'admin' }),
      });

      expect(response.status).toBe(403);
    });
  });

  describe('a user', () => {
    it.each(['GET', 'PUT', 'PATCH', 'DELETE'])(
      'is refused %s on another user with 403, and nothing changes',
      async (method) => {
        const user = await api.signUp();
        const other = await api.signUp({ name: 'Other' });

        const response = await api.call(method, `/users/${other.id}`, {
          token: user.token,
          ...(method === 'PUT' || method === 'PATCH'
            ? { json: { email: other.email, name: 'Hijacked', password: 'hijacked-password' } }
            : {}),
        });

        expect(response.status).toBe(403);
        expect(response.headers.get('content-type')).toBe('application/problem+json');
        const read = await api.call('GET', `/users/${other.id}`, { token: other.token });
        expect(read.body.name).toBe('Other');
      },
    );

    it('gets 403, not 404, for an id that does not exist: nothing leaks', async () => {
      const user = await api.signUp();

      const response = await api.call('GET', '/users/00000000-0000-4000-8000-000000000000', {
        token: user.token,
      });

      expect(response.status).toBe(403);
    });

    it('may not list users', async () => {
      const user = await api.signUp();

      const response = await api.call('GET', '/users', { token: user.token });

      expect(response.status).toBe(403);
    });

    it('may not give themselves a role, even their own', async () => {
      const user = await api.signUp();

      const promote = await api.changeUser(user, user.id, { role: 'admin' });
      const same = await api.changeUser(user, user.id, { role: 'user' });

      expect(promote.status).toBe(403);
      expect(same.status).toBe(403);
      const read = await api.call('GET', `/users/${user.id}`, { token: user.token });
      expect(read.body.role).toBe('user');
    });

    it("cannot borrow an admin's identity by forging the token role: the stored role decides", async () => {
      const user = await api.signUp();
      // Signed with the real key and bound to the user's live session: only the role is a lie.
      const lying = await api.signToken(
        forged.claimsFor(user.id, { role: 'admin', sid: forged.claimsOf(user.token).sid }),
      );

      const response = await api.call('GET', '/users', { token: lying });

      expect(response.status).toBe(403);
    });

    it('ignores spoofed role and identity headers', async () => {
      const user = await api.signUp();

      const response = await api.call('GET', '/users', {
        token: user.token,
        headers: { 'x-role': 'admin', 'x-user-id': 'admin', 'x-amzn-authorizer-role': 'admin' },
      });

      expect(response.status).toBe(403);
    });
  });

  describe('an admin', () => {
    it('may read, change the role of, and delete another user', async () => {
      const admin = await api.newAdmin();
      const user = await api.signUp();

      const read = await api.call('GET', `/users/${user.id}`, { token: admin.token });
      const promoted = await api.changeUser(admin, user.id, { role: 'admin' });
      const deleted = await api.call('DELETE', `/users/${user.id}`, { token: admin.token });

      expect(read.status).toBe(200);
      expect(promoted.status).toBe(200);
      expect(promoted.body.role).toBe('admin');
      expect(deleted.status).toBe(204);
    });

    it("may change another user's password without current_password", async () => {
      const admin = await api.newAdmin();
      const user = await api.signUp();

      const response = await api.changeUser(admin, user.id, { password: 'reset-by-admin' });

      expect(response.status).toBe(200);
      const login = await api.call('POST', '/login', {
        json: { email: user.email, password: 'reset-by-admin' },
      });
      expect(login.status).toBe(200);
    });

    it('needs current_password to change their own password', async () => {
      const admin = await api.newAdmin();

      const response = await api.changeUser(admin, admin.id, { password: 'new-admin-pass' });

      expect(response.status).toBe(400);
      expect(response.body.errors[0].path).toBe('current_password');
    });
  });

  describe('revocation', () => {
    it("refuses a deleted user's token with 401", async () => {
      const user = await api.signUp();
      await api.call('DELETE', `/users/${user.id}`, { token: user.token });

      const response = await api.call('GET', `/users/${user.id}`, { token: user.token });

      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toMatch(/^Bearer/);
    });

    it('refuses a token issued before the user changed their password', async () => {
      const user = await api.signUp();
      await api.changeUser(user, user.id, { password: 'changed-password', current_password: user.password });

      const response = await api.call('GET', `/users/${user.id}`, { token: user.token });

      expect(response.status).toBe(401);
    });

    it('refuses a token issued before an admin reset the password', async () => {
      const admin = await api.newAdmin();
      const user = await api.signUp();
      await api.changeUser(admin, user.id, { password: 'admin-reset-1' });

      const response = await api.call('GET', `/users/${user.id}`, { token: user.token });

      expect(response.status).toBe(401);
    });

    it('keeps a token valid across a name or email change', async () => {
      const user = await api.signUp();
      await api.changeUser(user, user.id, {
        email: uniqueEmail('renamed'),
        name: 'Renamed',
        current_password: user.password,
      });

      const response = await api.call('GET', `/users/${user.id}`, { token: user.token });

      expect(response.status).toBe(200);
    });

    it('takes a demoted admin’s admin rights at once, though their token still says admin', async () => {
      const root = await api.newAdmin();
      const demoted = await api.newAdmin();
      const victim = await api.signUp();
      await api.changeUser(root, demoted.id, { role: 'user' });

      const list = await api.call('GET', '/users', { token: demoted.token });
      const readOther = await api.call('GET', `/users/${victim.id}`, { token: demoted.token });
      const readSelf = await api.call('GET', `/users/${demoted.id}`, { token: demoted.token });

      expect(list.status).toBe(403);
      expect(readOther.status).toBe(403);
      expect(readSelf.status).toBe(200);
      expect(readSelf.body.role).toBe('user');
    });

    it('refuses a token naming a user that never existed, even if well signed', async () => {
      const token = await api.signToken(forged.claimsFor('11111111-1111-4111-8111-111111111111'));

      const response = await api.call('GET', '/users/11111111-1111-4111-8111-111111111111', { token });

      expect(response.status).toBe(401);
    });
  });
});
