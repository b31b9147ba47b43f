// Sessions over real HTTP, through the local gateway (authorizer, verdict cache) and the handler
// modules the stack deploys: what a client of `npm start` sees. The gateway caches the
// authorizer's "allow" for 300 s; an ended session must be refused anyway, by the router.
import { randomUUID } from 'node:crypto';
import { ADMIN, startTestStack, type TestStack } from '../support/stack';
import type { Call } from '../support/transport';

let stack: TestStack;
let call: Call;
const PASSWORD = 'a fine password';

beforeAll(async () => {
  stack = await startTestStack({ over: 'http', admin: ADMIN });
  call = stack.call;
});

afterAll(async () => {
  await stack?.close();
});

const signUpAndLogIn = async () => {
  const email = `sessions-${randomUUID().slice(0, 8)}@example.com`;
  const created = await call('POST', '/users', { json: { email, name: 'Sessions', password: PASSWORD } });
  expect(created.status).toBe(201);
  const login = await call('POST', '/login', {
    json: { email, password: PASSWORD },
    headers: { 'user-agent': 'e2e-client/1.0' },
  });
  expect(login.status).toBe(200);
  return { id: created.body.id as string, body: login.body, headers: login.headers };
};

it('login, refresh, logout, then the refresh token and the access token are refused', async () => {
  const { id, body: login, headers } = await signUpAndLogIn();
  expect(headers.get('cache-control')).toBe('no-store');
  expect(login).toEqual(
    expect.objectContaining({
      token_type: 'Bearer',
      expires_in: 900,
      refresh_token: expect.stringMatching(/^[0-9a-f-]{36}\.[\w-]{43}$/),
      refresh_expires_in: 30 * 24 * 3600,
    }),
  );

  const refreshed = await call('POST', '/refresh', { json: { refresh_token: login.refresh_token } });
  expect(refreshed.status).toBe(200);
  expect(refreshed.headers.get('cache-control')).toBe('no-store');
  expect(refreshed.body.refresh_token).not.toBe(login.refresh_token);
  const token = refreshed.body.token as string;
  // The gateway now holds an "allow" verdict for this token.
  expect((await call('GET', `/users/${id}`, { token })).status).toBe(200);

  const listed = await call('GET', `/users/${id}/sessions`, { token });
  expect(listed.status).toBe(200);
  expect(listed.body.items).toEqual([
    expect.objectContaining({ user_agent: 'e2e-client/1.0', current: true }),
  ]);

  const logout = await call('POST', '/logout', { token });
  expect(logout.status).toBe(204);

  const again = await call('POST', '/refresh', { json: { refresh_token: refreshed.body.refresh_token } });
  expect(again.status).toBe(401);
  expect(again.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect((await call('GET', `/users/${id}`, { token })).status).toBe(401);
});

it('every write that ends all of a user’s sessions leaves session.ended with its reason', async () => {
  const admin = stack.admin.token;
  const reasons = async (id: string) => {
    const trail = await call('GET', `/events?user_id=${id}&type=session.ended&limit=100`, { token: admin });
    expect(trail.status).toBe(200);
    return (trail.body.items as { details: { reason: string }; actor_id: string }[]).map((event) => ({
      reason: event.details.reason,
      actor_id: event.actor_id,
    }));
  };

  const changed = await signUpAndLogIn();
  const newPassword = await call('PATCH', `/users/${changed.id}`, {
    token: changed.body.token,
    json: { password: 'another fine password', current_password: PASSWORD },
  });
  expect(newPassword.status).toBe(200);
  expect((await call('GET', `/users/${changed.id}`, { token: changed.body.token })).status).toBe(401);
  expect(await reasons(changed.id)).toEqual([{ reason: 'password_changed', actor_id: changed.id }]);

  const disabled = await signUpAndLogIn();
  expect(
    (await call('PATCH', `/users/${disabled.id}`, { token: admin, json: { status: 'disabled' } })).status,
  ).toBe(200);
  expect((await call('GET', `/users/${disabled.id}`, { token: disabled.body.token })).status).toBe(401);
  expect(await reasons(disabled.id)).toEqual([{ reason: 'disabled', actor_id: stack.admin.id }]);

  const deleted = await signUpAndLogIn();
  expect((await call('DELETE', `/users/${deleted.id}`, { token: admin })).status).toBe(204);
  expect(await reasons(deleted.id)).toEqual([{ reason: 'user_deleted', actor_id: stack.admin.id }]);
});
