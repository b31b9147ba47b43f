import { createTestApi, type TestApi, uniqueEmail } from '../support/api';

describe('reading, replacing, updating and deleting users', () => {
  let api: TestApi;
  beforeAll(async () => {
    api = await createTestApi();
  });

  describe('GET /users/{id}', () => {
    it('returns the caller with an ETag and no-store', async () => {
      const user = await api.signUpAndLogIn({ name: 'Reader' });

      const response = await api.call('GET', `/users/${user.id}`, { token: user.token });

      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ id: user.id, email: user.email, name: 'Reader', role: 'user' });
      expect(Object.keys(response.body).sort()).toEqual(
        [
          'created_at',
          'email',
          'email_verified',
          'id',
          'last_login',
          'mfa_enabled',
          'name',
          'role',
          'status',
          'updated_at',
        ].sort(),
      );
      expect(response.headers.etag).toMatch(/^"\d+"$/);
      expect(response.headers['cache-control']).toBe('no-store');
    });

    it('answers 304 when If-None-Match still matches', async () => {
      const user = await api.signUpAndLogIn();

      const response = await api.call('GET', `/users/${user.id}`, {
        token: user.token,
        headers: { 'if-none-match': user.etag },
      });

      expect(response.status).toBe(304);
      expect(response.text).toBe('');
    });

    it('lets an admin read anyone, and answers 404 for an id nobody has', async () => {
      const admin = await api.admin();
      const user = await api.signUpAndLogIn();

      const found = await api.call('GET', `/users/${user.id}`, { token: admin.token });
      const missing = await api.call('GET', '/users/00000000-0000-4000-8000-000000000000', {
        token: admin.token,
      });
      const malformed = await api.call('GET', '/users/email%23someone', { token: admin.token });

      expect(found.status).toBe(200);
      expect(found.body.id).toBe(user.id);
      expect(missing.status).toBe(404);
      expect(missing.headers['content-type']).toBe('application/problem+json');
      expect(malformed.status).toBe(404);
    });
  });

  describe('PUT /users/{id}', () => {
    it('replaces email, name and password when the current password is given', async () => {
      const user = await api.signUpAndLogIn();
      const newEmail = uniqueEmail('moved');

      const response = await api.call('PUT', `/users/${user.id}`, {
        token: user.token,
        body: {
          email: newEmail,
          name: 'Replaced',
          password: 'brand-new-password',
          current_password: user.password,
        },
      });

      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ id: user.id, email: newEmail, name: 'Replaced', role: 'user' });
      expect(response.headers.etag).not.toBe(user.etag);
      const login = await api.call('POST', '/login', {
        body: { email: newEmail, password: 'brand-new-password' },
      });
      expect(login.status).toBe(200);
    });

    it('keeps the role when PUT sends none', async () => {
      const admin = await api.admin();
      const user = await api.signUpAndLogIn();
      await api.call('PATCH', `/users/${user.id}`, { token: admin.token, body: { role: 'admin' } });

      const response = await api.call('PUT', `/users/${user.id}`, {
        token: admin.token,
        body: { email: user.email, name: 'Still Admin', password: 'another-password' },
      });

      expect(response.status).toBe(200);
      expect(response.body.role).toBe('admin');
    });

    it('requires every writable field: a PUT without password is a 400 naming it', async () => {
      const user = await api.signUpAndLogIn();

      const response = await api.call('PUT', `/users/${user.id}`, {
        token: user.token,
        body: { email: user.email, name: 'No Password', current_password: user.password },
      });

      expect(response.status).toBe(400);
      expect(response.body.errors).toEqual([{ path: 'password', message: 'is required' }]);
    });

    it('requires current_password from a user replacing themselves', async () => {
      const user = await api.signUpAndLogIn();

      const response = await api.call('PUT', `/users/${user.id}`, {
        token: user.token,
        body: { email: user.email, name: 'X', password: 'new-password-1' },
      });

      expect(response.status).toBe(400);
      expect(response.body.errors).toEqual([
        { path: 'current_password', message: 'is required to change your own email or password' },
      ]);
    });

    it('lets an admin replace another user without current_password', async () => {
      const admin = await api.admin();
      const user = await api.signUpAndLogIn();

      const response = await api.call('PUT', `/users/${user.id}`, {
        token: admin.token,
        body: { email: user.email, name: 'By Admin', password: 'set-by-admin-1' },
      });

      expect(response.status).toBe(200);
      expect(response.body.name).toBe('By Admin');
    });
  });

  describe('PATCH /users/{id}', () => {
    it('changes only the fields sent', async () => {
      const user = await api.signUpAndLogIn({ name: 'Before' });

      const response = await api.call('PATCH', `/users/${user.id}`, {
        token: user.token,
        body: { name: 'After' },
      });

      expect(response.status).toBe(200);
      expect(response.body).toMatchObject({ email: user.email, name: 'After' });
      expect(Date.parse(response.body.updated_at)).toBeGreaterThanOrEqual(
        Date.parse(response.body.created_at),
      );
    });

    it('refuses an empty patch with 400', async () => {
      const user = await api.signUpAndLogIn();

      const response = await api.call('PATCH', `/users/${user.id}`, { token: user.token, body: {} });

      expect(response.status).toBe(400);
    });

    it('changes a password with the right current_password, and the old one stops working', async () => {
      const user = await api.signUpAndLogIn();

      const response = await api.call('PATCH', `/users/${user.id}`, {
        token: user.token,
        body: { password: 'the-new-password', current_password: user.password },
      });

      expect(response.status).toBe(200);
      const oldLogin = await api.call('POST', '/login', {
        body: { email: user.email, password: user.password },
      });
      const newLogin = await api.call('POST', '/login', {
        body: { email: user.email, password: 'the-new-password' },
      });
      expect(oldLogin.status).toBe(401);
      expect(newLogin.status).toBe(200);
    });

    it('refuses a wrong current_password with 400 naming it, and changes nothing', async () => {
      const user = await api.signUpAndLogIn();

      const response = await api.call('PATCH', `/users/${user.id}`, {
        token: user.token,
        body: { email: uniqueEmail(), current_password: 'not-my-password' },
      });

      expect(response.status).toBe(400);
      expect(response.body.errors).toEqual([{ path: 'current_password', message: 'is incorrect' }]);
      const read = await api.call('GET', `/users/${user.id}`, { token: user.token });
      expect(read.body.email).toBe(user.email);
    });

    it('moves the email atomically: the old address is free again and the new one is taken', async () => {
      const user = await api.signUpAndLogIn();
      const newEmail = uniqueEmail('new');

      await api.call('PATCH', `/users/${user.id}`, {
        token: user.token,
        body: { email: newEmail, current_password: user.password },
      });

      const reuseOld = await api.call('POST', '/users', {
        body: { email: user.email, name: 'Reuse', password: 'password-123' },
      });
      const reuseNew = await api.call('POST', '/users', {
        body: { email: newEmail, name: 'Clash', password: 'password-123' },
      });
      expect(reuseOld.status).toBe(201);
      expect(reuseNew.status).toBe(409);
    });

    it('refuses an email another user has with 409 and keeps the current one', async () => {
      const admin = await api.admin();
      const first = await api.signUpAndLogIn();
      const second = await api.signUpAndLogIn();

      const response = await api.call('PATCH', `/users/${second.id}`, {
        token: admin.token,
        body: { email: first.email.toUpperCase() },
      });

      expect(response.status).toBe(409);
      const read = await api.call('GET', `/users/${second.id}`, { token: second.token });
      expect(read.body.email).toBe(second.email);
    });
  });

  describe('ETag and If-Match', () => {
    it('applies a write whose If-Match is current and returns the new ETag', async () => {
      const user = await api.signUpAndLogIn();

      const response = await api.call('PATCH', `/users/${user.id}`, {
        token: user.token,
        headers: { 'if-match': user.etag },
        body: { name: 'Fresh' },
      });

      expect(response.status).toBe(200);
      expect(response.headers.etag).not.toBe(user.etag);
    });

    it('refuses a stale If-Match with 412 and loses nothing', async () => {
      const user = await api.signUpAndLogIn();
      await api.call('PATCH', `/users/${user.id}`, { token: user.token, body: { name: 'Second Writer' } });

      const stale = await api.call('PATCH', `/users/${user.id}`, {
        token: user.token,
        headers: { 'if-match': user.etag },
        body: { name: 'Stale Writer' },
      });

      expect(stale.status).toBe(412);
      expect(stale.headers['content-type']).toBe('application/problem+json');
      const read = await api.call('GET', `/users/${user.id}`, { token: user.token });
      expect(read.body.name).toBe('Second Writer');
    });

    it('refuses a stale If-Match on PUT and DELETE with 412', async () => {
      const user = await api.signUpAndLogIn();
      await api.call('PATCH', `/users/${user.id}`, { token: user.token, body: { name: 'Moved On' } });

      const put = await api.call('PUT', `/users/${user.id}`, {
        token: user.token,
        headers: { 'if-match': user.etag },
        body: {
          email: user.email,
          name: 'Stale',
          password: 'password-new-1',
          current_password: user.password,
        },
      });
      const del = await api.call('DELETE', `/users/${user.id}`, {
        token: user.token,
        headers: { 'if-match': user.etag },
      });

      expect(put.status).toBe(412);
      expect(del.status).toBe(412);
      expect((await api.call('GET', `/users/${user.id}`, { token: user.token })).status).toBe(200);
    });

    it('treats a weak or malformed If-Match as not matching', async () => {
      const user = await api.signUpAndLogIn();

      const response = await api.call('PATCH', `/users/${user.id}`, {
        token: user.token,
        headers: { 'if-match': `W/${user.etag}` },
        body: { name: 'Weak' },
      });

      expect(response.status).toBe(412);
    });
  });

  describe('DELETE /users/{id}', () => {
    it('deletes the caller with 204 and no body, and frees the email', async () => {
      const user = await api.signUpAndLogIn();

      const response = await api.call('DELETE', `/users/${user.id}`, { token: user.token });

      expect(response.status).toBe(204);
      expect(response.text).toBe('');
      const again = await api.call('POST', '/users', {
        body: { email: user.email, name: 'Again', password: 'password-123' },
      });
      expect(again.status).toBe(201);
    });

    it('lets an admin delete another user, then answers 404 for it', async () => {
      const admin = await api.admin();
      const user = await api.signUpAndLogIn();

      const deleted = await api.call('DELETE', `/users/${user.id}`, { token: admin.token });
      const read = await api.call('GET', `/users/${user.id}`, { token: admin.token });

      expect(deleted.status).toBe(204);
      expect(read.status).toBe(404);
    });
  });
});
