// Sessions through the handlers, as API Gateway drives them: refresh-token rotation, the grace
// for a retried token, reuse as a theft signal, races, and every way a session ends — each
// checked by the next call of the tokens it leaves behind. Time moves by the injected clock.

import { createTestApi, type TestApi, type TestUser } from '../support/api';
import { createTestClock } from '../support/clock';
import { claimsOf } from '../support/forged-tokens';

const clock = createTestClock('2026-11-28T12:00:00.000Z');
let api: TestApi;

beforeAll(async () => {
  api = await createTestApi({ clock: clock.now });
});

interface Pair {
  readonly token: string;
  readonly refreshToken: string;
  readonly sessionId: string;
}

const pairOf = (body: { token: string; refresh_token: string }): Pair => ({
  token: body.token,
  refreshToken: body.refresh_token,
  sessionId: String(claimsOf(body.token).sid),
});

const logIn = async (user: TestUser, userAgent = 'jest'): Promise<Pair> => {
  const response = await api.call('POST', '/login', {
    body: { email: user.email, password: user.password },
    headers: { 'user-agent': userAgent },
  });
  expect(response.status).toBe(200);
  return pairOf(response.body);
};

const refresh = (refreshToken: string) =>
  api.call('POST', '/refresh', { body: { refresh_token: refreshToken } });

const refreshed = async (refreshToken: string): Promise<Pair> => {
  const response = await refresh(refreshToken);
  expect(response.status).toBe(200);
  return pairOf(response.body);
};

/** The status of the next protected call made with `token`. */
const nextCall = async (user: TestUser, token: string): Promise<number> =>
  (await api.call('GET', `/users/${user.id}`, { token })).status;

describe('login', () => {
  it('opens a session: an access token bound to it and a refresh token of 256 random bits', async () => {
    const user = await api.signUpAndLogIn();

    const response = await api.call('POST', '/login', {
      body: { email: user.email, password: user.password },
    });

    expect(response.status).toBe(200);
    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.body.refresh_expires_in).toBe(30 * 24 * 3600);
    const [sessionId, secret] = response.body.refresh_token.split('.');
    expect(Buffer.from(secret, 'base64url')).toHaveLength(32);
    expect(claimsOf(response.body.token)).toEqual(expect.objectContaining({ sid: sessionId, amr: ['pwd'] }));
  });

  it('stores only a hash of the refresh token', async () => {
    const user = await api.signUpAndLogIn();
    const pair = await logIn(user);

    const stored = await api.deps.sessions.get(pair.sessionId);

    expect(JSON.stringify(stored)).not.toContain(pair.refreshToken.split('.')[1]);
    expect(stored?.refreshHash).toMatch(/^[\w-]{43}$/);
  });
});

describe('refresh', () => {
  it('rotates on every use: each answer is a new pair, and the newest pair works', async () => {
    const user = await api.signUpAndLogIn();
    let pair = await logIn(user);
    const seen = new Set([pair.refreshToken]);

    for (let step = 0; step < 4; step++) {
      clock.advance(60);
      const next = await refreshed(pair.refreshToken);
      expect(next.sessionId).toBe(pair.sessionId);
      seen.add(next.refreshToken);
      pair = next;
    }

    expect(seen.size).toBe(5);
    expect(await nextCall(user, pair.token)).toBe(200);
    expect((await api.deps.sessions.get(pair.sessionId))?.generation).toBe(4);
  });

  it('answers a retried token within 30 s with a new access token and the same current refresh token', async () => {
    const user = await api.signUpAndLogIn();
    const first = await logIn(user);
    const second = await refreshed(first.refreshToken);

    clock.advance(30);
    const retry = await refresh(first.refreshToken);

    expect(retry.status).toBe(200);
    expect(retry.body.refresh_token).toBe(second.refreshToken);
    expect(await nextCall(user, retry.body.token)).toBe(200);
    expect((await refreshed(second.refreshToken)).sessionId).toBe(first.sessionId);
  });

  it('takes a rotated token presented after its grace as theft: 401, and the whole session ends', async () => {
    const user = await api.signUpAndLogIn();
    const other = await logIn(user);
    const first = await logIn(user);
    const newest = await refreshed(first.refreshToken);

    clock.advance(31);
    const reuse = await refresh(first.refreshToken);

    expect(reuse.status).toBe(401);
    expect(reuse.headers['content-type']).toBe('application/problem+json');
    expect((await refresh(newest.refreshToken)).status).toBe(401);
    expect(await nextCall(user, newest.token)).toBe(401);
    expect(await nextCall(user, first.token)).toBe(401);
    // Only that session: another one of the same user goes on.
    expect(await nextCall(user, other.token)).toBe(200);
  });

  it('takes an older token of the chain as theft too, even within 30 s', async () => {
    const user = await api.signUpAndLogIn();
    const first = await logIn(user);
    const second = await refreshed(first.refreshToken);
    const third = await refreshed(second.refreshToken);

    expect((await refresh(first.refreshToken)).status).toBe(401);
    expect((await refresh(third.refreshToken)).status).toBe(401);
  });

  it('refuses a token that is not of the session without ending it: a guess is not a theft signal', async () => {
    const user = await api.signUpAndLogIn();
    const pair = await logIn(user);
    const guess = `${pair.sessionId}.${'A'.repeat(43)}`;

    const responses = await Promise.all(
      [guess, 'not-a-token', `${pair.sessionId}.short`, `${crypto.randomUUID()}.${'B'.repeat(43)}`].map(
        refresh,
      ),
    );

    expect(responses.map((response) => response.status)).toEqual([401, 401, 401, 401]);
    expect((await refresh(pair.refreshToken)).status).toBe(200);
  });

  it('10 concurrent refreshes with one token: one rotation, and all ten answer the same new refresh token', async () => {
    const user = await api.signUpAndLogIn();
    const pair = await logIn(user);

    const responses = await Promise.all(Array.from({ length: 10 }, () => refresh(pair.refreshToken)));

    expect(responses.map((response) => response.status)).toEqual(Array(10).fill(200));
    const refreshTokens = new Set(responses.map((response) => response.body.refresh_token));
    expect(refreshTokens.size).toBe(1);
    const [current] = [...refreshTokens];
    expect(current).not.toBe(pair.refreshToken);
    expect((await api.deps.sessions.get(pair.sessionId))?.generation).toBe(1);
    for (const response of responses) expect(await nextCall(user, response.body.token)).toBe(200);
    // The one live token rotates once more; nothing else of the chain does.
    expect((await refresh(String(current))).status).toBe(200);
  });

  it('refuses a refresh token once its session has expired, whatever TTL has not yet removed', async () => {
    const user = await api.signUpAndLogIn();
    const pair = await logIn(user);

    clock.advance(30 * 24 * 3600 - 1);
    const before = await refreshed(pair.refreshToken);
    expect(before.refreshToken).not.toBe(pair.refreshToken);
    clock.advance(1);

    expect((await refresh(before.refreshToken)).status).toBe(401);
    expect(await api.deps.sessions.get(pair.sessionId)).toBeDefined();
  });

  it('does not make a session outlive its 30 days: refresh_expires_in counts down from the login', async () => {
    const user = await api.signUpAndLogIn();
    const pair = await logIn(user);

    clock.advance(3600);
    const response = await refresh(pair.refreshToken);

    expect(response.body.refresh_expires_in).toBe(30 * 24 * 3600 - 3600);
  });

  it('refuses a body without a refresh token with a 400 naming the field', async () => {
    const response = await api.call('POST', '/refresh', { body: { token: 'x' } });

    expect(response.status).toBe(400);
    expect(response.body.errors.map((issue: { path: string }) => issue.path)).toEqual(
      expect.arrayContaining(['refresh_token']),
    );
  });
});

describe('logout', () => {
  it('ends the caller’s session: its access token and refresh token are refused, another session goes on', async () => {
    const user = await api.signUpAndLogIn();
    const kept = await logIn(user);
    const pair = await logIn(user);

    const response = await api.call('POST', '/logout', { token: pair.token });

    expect(response.status).toBe(204);
    expect(response.text).toBe('');
    expect(await nextCall(user, pair.token)).toBe(401);
    expect((await refresh(pair.refreshToken)).status).toBe(401);
    expect(await nextCall(user, kept.token)).toBe(200);
    expect((await refresh(kept.refreshToken)).status).toBe(200);
  });

  it('needs a bearer token', async () => {
    expect((await api.call('POST', '/logout')).status).toBe(401);
  });
});

describe('listing sessions', () => {
  it('shows the live sessions newest first, marks the current one, and shows no token or hash', async () => {
    const user = await api.signUpAndLogIn();
    clock.advance(1);
    const older = await logIn(user, 'Older Browser/1.0');
    clock.advance(1);
    const newer = await logIn(user, 'Newer Browser/2.0');

    const response = await api.call('GET', `/users/${user.id}/sessions`, { token: older.token });

    expect(response.status).toBe(200);
    const [first, second] = response.body.items;
    expect(first).toEqual({
      id: newer.sessionId,
      created_at: clock.now().toISOString(),
      last_used_at: clock.now().toISOString(),
      expires_at: new Date(clock.now().getTime() + 30 * 24 * 3600 * 1000).toISOString(),
      user_agent: 'Newer Browser/2.0',
      current: false,
    });
    expect(second).toEqual(expect.objectContaining({ id: older.sessionId, current: true }));
    for (const pair of [older, newer]) {
      expect(response.text).not.toContain(pair.refreshToken.split('.')[1]);
      expect(response.text).not.toContain((await api.deps.sessions.get(pair.sessionId))?.refreshHash);
    }
  });

  it('keeps at most 256 characters of the User-Agent', async () => {
    const user = await api.signUpAndLogIn();
    const pair = await logIn(user, `Agent/${'x'.repeat(400)}`);

    const response = await api.call('GET', `/users/${user.id}/sessions`, { token: pair.token });

    const listed = response.body.items.find((item: { id: string }) => item.id === pair.sessionId);
    expect(listed.user_agent).toHaveLength(256);
  });

  it('leaves out sessions that have ended', async () => {
    const user = await api.signUpAndLogIn();
    const ended = await logIn(user);
    const live = await logIn(user);
    await api.call('POST', '/logout', { token: ended.token });

    const response = await api.call('GET', `/users/${user.id}/sessions`, { token: live.token });

    const ids = response.body.items.map((item: { id: string }) => item.id);
    expect(ids).toContain(live.sessionId);
    expect(ids).not.toContain(ended.sessionId);
  });

  it("refuses another user's sessions to a user (403), and shows them to an admin", async () => {
    const owner = await api.signUpAndLogIn();
    const stranger = await api.signUpAndLogIn();
    const admin = await api.admin();

    const refused = await api.call('GET', `/users/${owner.id}/sessions`, { token: stranger.token });
    const shown = await api.call('GET', `/users/${owner.id}/sessions`, { token: admin.token });

    expect(refused.status).toBe(403);
    expect(shown.status).toBe(200);
    expect(shown.body.items.length).toBeGreaterThan(0);
    expect(shown.body.items.every((item: { current: boolean }) => !item.current)).toBe(true);
  });

  it('is a 404 for an admin asking about a user that does not exist', async () => {
    const admin = await api.admin();

    const response = await api.call('GET', `/users/${crypto.randomUUID()}/sessions`, { token: admin.token });

    expect(response.status).toBe(404);
  });
});

describe('ending sessions', () => {
  it('revokes one session: its tokens are refused on the next call, the caller’s own goes on', async () => {
    const user = await api.signUpAndLogIn();
    const stolen = await logIn(user);
    const mine = await logIn(user);

    const response = await api.call('DELETE', `/users/${user.id}/sessions/${stolen.sessionId}`, {
      token: mine.token,
    });

    expect(response.status).toBe(204);
    expect(await nextCall(user, stolen.token)).toBe(401);
    expect((await refresh(stolen.refreshToken)).status).toBe(401);
    expect(await nextCall(user, mine.token)).toBe(200);
  });

  it("is a 404 for a session that is not that user's live one", async () => {
    const user = await api.signUpAndLogIn();
    const other = await api.signUpAndLogIn();
    const otherPair = await logIn(other);
    const pair = await logIn(user);
    const ended = await logIn(user);
    await api.call('POST', '/logout', { token: ended.token });

    const answers = await Promise.all(
      [otherPair.sessionId, ended.sessionId, crypto.randomUUID(), 'not-an-id'].map((sessionId) =>
        api.call('DELETE', `/users/${user.id}/sessions/${sessionId}`, { token: pair.token }),
      ),
    );

    expect(answers.map((answer) => answer.status)).toEqual([404, 404, 404, 404]);
    expect(await nextCall(other, otherPair.token)).toBe(200);
  });

  it("refuses a user ending another user's sessions (403); an admin may", async () => {
    const owner = await api.signUpAndLogIn();
    const pair = await logIn(owner);
    const stranger = await api.signUpAndLogIn();
    const admin = await api.admin();

    const refusedOne = await api.call('DELETE', `/users/${owner.id}/sessions/${pair.sessionId}`, {
      token: stranger.token,
    });
    const refusedAll = await api.call('DELETE', `/users/${owner.id}/sessions`, { token: stranger.token });
    expect([refusedOne.status, refusedAll.status]).toEqual([403, 403]);
    expect(await nextCall(owner, pair.token)).toBe(200);

    const byAdmin = await api.call('DELETE', `/users/${owner.id}/sessions/${pair.sessionId}`, {
      token: admin.token,
    });
    expect(byAdmin.status).toBe(204);
    expect(await nextCall(owner, pair.token)).toBe(401);
  });

  it('logs out everywhere: every session of the user ends, another user is untouched', async () => {
    const user = await api.signUpAndLogIn();
    const sessions = [await logIn(user), await logIn(user)];
    const bystander = await api.signUpAndLogIn();

    const response = await api.call('DELETE', `/users/${user.id}/sessions`, { token: sessions[0]?.token });

    expect(response.status).toBe(204);
    for (const pair of sessions) {
      expect(await nextCall(user, pair.token)).toBe(401);
      expect((await refresh(pair.refreshToken)).status).toBe(401);
    }
    expect(await nextCall(user, user.token)).toBe(401);
    expect(await nextCall(bystander, bystander.token)).toBe(200);
    const fresh = await logIn(user);
    const listed = await api.call('GET', `/users/${user.id}/sessions`, { token: fresh.token });
    expect(listed.body.items.map((item: { id: string }) => item.id)).toEqual([fresh.sessionId]);
  });

  it('ends every session of a user whose password they change; the new login works', async () => {
    const user = await api.signUpAndLogIn();
    const other = await logIn(user);
    const password = `a brand new passphrase ${Date.now()}`;

    const changed = await api.call('PATCH', `/users/${user.id}`, {
      token: user.token,
      body: { password, current_password: user.password },
    });

    expect(changed.status).toBe(200);
    expect(await nextCall(user, user.token)).toBe(401);
    expect(await nextCall(user, other.token)).toBe(401);
    expect((await refresh(other.refreshToken)).status).toBe(401);
    const again = await logIn({ ...user, password });
    expect(await nextCall(user, again.token)).toBe(200);
  });

  it("ends every session of a user whose password an admin changes, and none of the admin's", async () => {
    const user = await api.signUpAndLogIn();
    const pair = await logIn(user);
    const admin = await api.admin();

    const changed = await api.call('PATCH', `/users/${user.id}`, {
      token: admin.token,
      body: { password: `set by the admin ${Date.now()}` },
    });

    expect(changed.status).toBe(200);
    expect(await nextCall(user, pair.token)).toBe(401);
    expect((await refresh(pair.refreshToken)).status).toBe(401);
    expect((await api.call('GET', `/users/${admin.id}`, { token: admin.token })).status).toBe(200);
  });

  it('ends the sessions of a deleted user and removes their items', async () => {
    const user = await api.signUpAndLogIn();
    const pair = await logIn(user);

    const deleted = await api.call('DELETE', `/users/${user.id}`, { token: user.token });

    expect(deleted.status).toBe(204);
    expect(await nextCall(user, pair.token)).toBe(401);
    expect((await refresh(pair.refreshToken)).status).toBe(401);
    expect(await api.deps.sessions.get(pair.sessionId)).toBeUndefined();
  });

  it('keeps sessions across a role change, under the new role at once', async () => {
    const user = await api.signUpAndLogIn();
    const admin = await api.admin();
    await api.call('PATCH', `/users/${user.id}`, { token: admin.token, body: { role: 'admin' } });

    const listing = await api.call('GET', '/users', { token: user.token });

    expect(listing.status).toBe(200);
  });
});
