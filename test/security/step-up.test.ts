// Recent authentication (step-up), black-box over HTTP as an attacker holding a stolen access
// token would try it: binding their own authenticator to the victim's account, replacing the
// recovery codes, removing the factor, deleting the account. A session that signed in more than
// REAUTH_MAX_AGE_SECONDS ago (a refresh does not renew it), or one that passed only the password
// of an account with a factor, is refused with 403 `reauthentication-required`; the password
// (and a code) in the body proves the caller again, and a wrong one counts as a failed login.
import { Secret, TOTP } from 'otpauth';
import { createTestClock } from '../support/clock';
import { expectProblem } from '../support/expect';
import { type Account, ADMIN, testStackForThisFile } from '../support/stack';

// Mid-step, so that a code stays valid across the few seconds a test takes.
const clock = createTestClock('2026-11-28T12:00:10.000Z');
const api = testStackForThisFile({ over: 'http', admin: ADMIN, clock: clock.now });
const REAUTH_MAX_AGE_SECONDS = 300;

const codeAt = (secret: string): string =>
  new TOTP({ secret: Secret.fromBase32(secret), algorithm: 'SHA1', digits: 6, period: 30 }).generate({
    timestamp: clock.now().getTime(),
  });

const expectReauthentication = (response: Parameters<typeof expectProblem>[0]) => {
  expectProblem(response, 403);
  expect(response.body.type).toMatch(/\/reauthentication-required$/);
};

const inbox = async (to: string): Promise<{ subject: string; text: string }[]> => {
  const response = await fetch(`${api.url}/_local/inbox?to=${encodeURIComponent(to)}`);
  return ((await response.json()) as { items: { subject: string; text: string }[] }).items;
};

/** Enrols and verifies a factor with a fresh session; the clock then moves past the code's step. */
const withFactor = async (user: Account): Promise<string> => {
  const enrolment = await api.call('POST', `/users/${user.id}/mfa/totp`, { token: user.token });
  const secret: string = enrolment.body.secret;
  const verified = await api.call('POST', `/users/${user.id}/mfa/totp/verify`, {
    token: user.token,
    json: { code: codeAt(secret) },
  });
  if (verified.status !== 200) throw new Error(`verify: ${verified.status} ${verified.text}`);
  clock.advance(30);
  return secret;
};

/** A session of `user` that passed the second factor, signed in now. */
const otpSession = async (user: Account, secret: string): Promise<string> => {
  const step = await api.call('POST', '/login', { json: { email: user.email, password: user.password } });
  const done = await api.call('POST', '/login/mfa', {
    json: { mfa_token: step.body.mfa_token, code: codeAt(secret) },
  });
  if (done.status !== 200) throw new Error(`login/mfa: ${done.status} ${done.text}`);
  clock.advance(30);
  return done.body.token;
};

describe('binding a factor with a stolen access token', () => {
  it('refuses enrolment and verification on a session older than REAUTH_MAX_AGE_SECONDS', async () => {
    const victim = await api.signUp('victim');
    const pending = await api.call('POST', `/users/${victim.id}/mfa/totp`, { token: victim.token });
    clock.advance(REAUTH_MAX_AGE_SECONDS + 1);
    const stolen = victim.token;

    const enrol = await api.call('POST', `/users/${victim.id}/mfa/totp`, { token: stolen });
    const verify = await api.call('POST', `/users/${victim.id}/mfa/totp/verify`, {
      token: stolen,
      json: { code: codeAt(pending.body.secret) },
    });

    expectReauthentication(enrol);
    expectReauthentication(verify);
    const login = await api.call('POST', '/login', {
      json: { email: victim.email, password: victim.password },
    });
    expect(login.status).toBe(200);
    expect(login.body.mfa_required).toBeUndefined();
    expect(login.body.user.mfa_enabled).toBe(false);
  });

  it('is not renewed by a refresh: the refreshed token of an old sign-in is refused too', async () => {
    const victim = await api.signUp('refreshed');
    const login = await api.call('POST', '/login', {
      json: { email: victim.email, password: victim.password },
    });
    clock.advance(REAUTH_MAX_AGE_SECONDS + 1);
    const refreshed = await api.call('POST', '/refresh', {
      json: { refresh_token: login.body.refresh_token },
    });
    expect(refreshed.status).toBe(200);

    expectReauthentication(
      await api.call('POST', `/users/${victim.id}/mfa/totp`, { token: refreshed.body.token }),
    );
  });

  it('counts a wrong current_password as a failed login, and accepts the right one', async () => {
    const victim = await api.signUp('guessed');
    clock.advance(REAUTH_MAX_AGE_SECONDS + 1);

    const wrong = await api.call('POST', `/users/${victim.id}/mfa/totp`, {
      token: victim.token,
      json: { current_password: 'an attacker guess' },
    });
    const right = await api.call('POST', `/users/${victim.id}/mfa/totp`, {
      token: victim.token,
      json: { current_password: victim.password },
    });

    expectProblem(wrong, 400);
    expect(wrong.body.errors).toEqual([expect.objectContaining({ path: 'current_password' })]);
    expect(right.status).toBe(201);
    const events = await api.call('GET', `/users/${victim.id}/events?type=login.failed`, {
      token: (await api.newAdmin()).token,
    });
    expect(events.body.items).toEqual([
      expect.objectContaining({ details: expect.objectContaining({ reason: 'wrong_current_password' }) }),
    ]);
  });

  it('ends every other session of the user on enrolment and mails a notice; the caller stays signed in', async () => {
    const owner = await api.signUp({ name: 'Owner' });
    const elsewhere = await api.logIn(owner.email, owner.password);

    await withFactor(owner);

    expect((await api.call('GET', `/users/${owner.id}`, { token: elsewhere })).status).toBe(401);
    expect((await api.call('GET', `/users/${owner.id}`, { token: owner.token })).status).toBe(200);
    const deadline = Date.now() + 5_000;
    let mails = await inbox(owner.email);
    while (!mails.some((mail) => /Two-step verification was turned on/.test(mail.subject))) {
      if (Date.now() > deadline) throw new Error(`no notice among ${mails.map((m) => m.subject)}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
      mails = await inbox(owner.email);
    }
  });
});

describe('the other sensitive actions', () => {
  it('refuses recovery codes and removal to a password-only session of an account with a factor, even a fresh one', async () => {
    const owner = await api.signUp('pwd-only');
    const secret = await withFactor(owner);
    const step = await api.call('POST', '/login', { json: { email: owner.email, password: owner.password } });
    expect(step.body.mfa_required).toBe(true);

    // The enrolling session (password only, signed in before the factor) is fresh but lacks otp.
    expectReauthentication(
      await api.call('POST', `/users/${owner.id}/mfa/recovery-codes`, { token: owner.token }),
    );
    expectReauthentication(await api.call('DELETE', `/users/${owner.id}/mfa/totp`, { token: owner.token }));
    // The password alone is not enough for an account with a factor.
    expectReauthentication(
      await api.call('DELETE', `/users/${owner.id}/mfa/totp`, {
        token: owner.token,
        json: { current_password: owner.password },
      }),
    );
    const removed = await api.call('DELETE', `/users/${owner.id}/mfa/totp`, {
      token: owner.token,
      json: { current_password: owner.password, code: codeAt(secret) },
    });
    expect(removed.status).toBe(204);
  });

  it('accepts a step-up code once: the same code replayed is a 400 naming code', async () => {
    const owner = await api.signUp('replay');
    const secret = await withFactor(owner);
    const proof = { current_password: owner.password, code: codeAt(secret) };

    const first = await api.call('POST', `/users/${owner.id}/mfa/recovery-codes`, {
      token: owner.token,
      json: proof,
    });
    const replayed = await api.call('POST', `/users/${owner.id}/mfa/recovery-codes`, {
      token: owner.token,
      json: proof,
    });

    expect(first.status).toBe(200);
    expectProblem(replayed, 400);
    expect(replayed.body.errors).toEqual([expect.objectContaining({ path: 'code' })]);
  });

  it('lets an otp session signed in within the window replace the codes, and records it', async () => {
    const owner = await api.signUp('codes');
    const secret = await withFactor(owner);
    const token = await otpSession(owner, secret);

    const replaced = await api.call('POST', `/users/${owner.id}/mfa/recovery-codes`, { token });
    clock.advance(REAUTH_MAX_AGE_SECONDS);
    const late = await api.call('POST', `/users/${owner.id}/mfa/recovery-codes`, { token });

    expect(replaced.status).toBe(200);
    expectReauthentication(late);
    const events = await api.call('GET', `/users/${owner.id}/events?type=mfa.recovery_codes_replaced`, {
      token,
    });
    expect(events.body.items).toEqual([
      expect.objectContaining({ type: 'mfa.recovery_codes_replaced', user_id: owner.id, actor_id: owner.id }),
    ]);
  });
});

describe('deleting one own account', () => {
  it('refuses a session that never passed the second factor, and deletes with password and code', async () => {
    const owner = await api.signUp('delete-me');
    const secret = await withFactor(owner);

    const refused = await api.call('DELETE', `/users/${owner.id}`, { token: owner.token });
    expectReauthentication(refused);
    expect((await api.call('GET', `/users/${owner.id}`, { token: owner.token })).status).toBe(200);

    const deleted = await api.call('DELETE', `/users/${owner.id}`, {
      token: owner.token,
      json: { current_password: owner.password, code: codeAt(secret) },
    });
    expect(deleted.status).toBe(204);
  });

  it('refuses a stolen token of an old sign-in without a factor; an admin deleting another needs no step-up', async () => {
    const owner = await api.signUp('old-session');
    clock.advance(REAUTH_MAX_AGE_SECONDS + 1);

    expectReauthentication(await api.call('DELETE', `/users/${owner.id}`, { token: owner.token }));
    const byAdmin = await api.call('DELETE', `/users/${owner.id}`, { token: (await api.newAdmin()).token });
    expect(byAdmin.status).toBe(204);
  });
});

describe("a user's own trail", () => {
  it("shows an admin actor's id but not its ip or user_agent; an admin still sees them", async () => {
    const user = await api.signUp('audited');
    const admin = await api.newAdmin();
    const fromAdminDesk = api.client({ sourceIp: '127.0.0.23' });

    const renamed = await fromAdminDesk.call('PATCH', `/users/${user.id}`, {
      token: admin.token,
      json: { name: 'Renamed by an admin' },
      headers: { 'user-agent': 'AdminDesk/1.0 (office 4B)' },
    });
    expect(renamed.status).toBe(200);

    const query = `/users/${user.id}/events?type=user.updated`;
    const own = await api.call('GET', query, { token: user.token });
    const byAdmin = await api.call('GET', query, { token: admin.token });

    expect(own.body.items).toEqual([
      expect.objectContaining({ actor_id: admin.id, ip: null, user_agent: null }),
    ]);
    expect(byAdmin.body.items).toEqual([
      expect.objectContaining({
        actor_id: admin.id,
        ip: '127.0.0.23',
        user_agent: 'AdminDesk/1.0 (office 4B)',
      }),
    ]);
    // The user's own acts keep where they came from.
    const logins = await api.call('GET', `/users/${user.id}/events?type=login.succeeded`, {
      token: user.token,
    });
    expect(logins.body.items[0]).toEqual(expect.objectContaining({ ip: expect.any(String) }));
    expect(logins.body.items[0].ip).not.toBeNull();
  });
});
