// The TOTP second factor: enrolment, verification, login with a code or a recovery code, replay
// and reuse refused, wrong codes feeding the back-off, mfa_token expiry and single use, removal
// rules, and two logins racing with one code. Time moves with the test clock; codes are computed
// with otpauth at the clock's time, as an authenticator app would.
import { decodeJwt } from 'jose';
import { Secret, TOTP } from 'otpauth';
import { createLogger } from '../../lambda/shared/logger';
import { createTestClock } from '../support/clock';
import { type Account, startTestStack, type TestStack } from '../support/stack';

// Mid-step: one step of drift either way stays inside the window.
const clock = createTestClock('2026-11-28T12:00:10.000Z');
const logLines: string[] = [];
let api: TestStack;

beforeAll(async () => {
  api = await startTestStack({
    over: 'core',
    clock: clock.now,
    logger: createLogger({ level: 'debug', write: (line) => logLines.push(line) }),
  });
});

const codeAt = (secret: string, at: Date = clock.now()): string =>
  new TOTP({ secret: Secret.fromBase32(secret), algorithm: 'SHA1', digits: 6, period: 30 }).generate({
    timestamp: at.getTime(),
  });

/** A code that is not the current one, nor one step either side. */
const wrongCodeFor = (secret: string): string => {
  const near = new Set(
    [-30, 0, 30].map((seconds) => codeAt(secret, new Date(clock.now().getTime() + seconds * 1000))),
  );
  for (let candidate = 0; ; candidate++) {
    const code = String(candidate).padStart(6, '0');
    if (!near.has(code)) return code;
  }
};

/** POST /users/{id}/mfa/totp/verify: the user confirms their pending factor with `code`. */
const verifyCode = (user: Account, code: string) =>
  api.call('POST', `/users/${user.id}/mfa/totp/verify`, { token: user.token, json: { code } });

interface Enrolled extends Account {
  readonly secret: string;
  readonly recoveryCodes: string[];
}

const enrolled = async (): Promise<Enrolled> => {
  const user = await api.signUp();
  const enrolment = await api.call('POST', `/users/${user.id}/mfa/totp`, { token: user.token });
  const verified = await verifyCode(user, codeAt(enrolment.body.secret));
  if (verified.status !== 200) throw new Error(`verify failed: ${verified.status} ${verified.text}`);
  // The verifying code's step is used up: the next login needs the next step's code.
  clock.advance(30);
  return { ...user, secret: enrolment.body.secret, recoveryCodes: verified.body.recovery_codes };
};

/** A fresh user with a pending factor: the secret its enrolment showed. */
const pendingEnrolment = async (): Promise<{ user: Account; secret: string }> => {
  const user = await api.signUp();
  const enrolment = await api.call('POST', `/users/${user.id}/mfa/totp`, { token: user.token });
  return { user, secret: enrolment.body.secret };
};

const passwordStep = (user: Account) =>
  api.call('POST', '/login', { json: { email: user.email, password: user.password } });

const mfaToken = async (user: Account): Promise<string> => {
  const response = await passwordStep(user);
  if (!response.body?.mfa_token) throw new Error(`no mfa_token: ${response.status} ${response.text}`);
  return response.body.mfa_token;
};

const secondStep = (body: Record<string, string>) => api.call('POST', '/login/mfa', { json: body });

describe('enrolment', () => {
  it('answers a pending factor: a base32 secret and its otpauth URI, with mfa_enabled still false', async () => {
    const user = await api.signUp();

    const response = await api.call('POST', `/users/${user.id}/mfa/totp`, { token: user.token });
    const read = await api.call('GET', `/users/${user.id}`, { token: user.token });

    expect(response.status).toBe(201);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.body.secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(response.body.otpauth_uri).toMatch(
      new RegExp(`^otpauth://totp/User%20API:${encodeURIComponent(user.email).replace(/\./g, '\\.')}\\?`),
    );
    const uri = new URL(response.body.otpauth_uri);
    expect(Object.fromEntries(uri.searchParams)).toEqual({
      secret: response.body.secret,
      issuer: 'User API',
      algorithm: 'SHA1',
      digits: '6',
      period: '30',
    });
    expect(read.body.mfa_enabled).toBe(false);
  });

  it('enables the factor with the current code and answers ten distinct recovery codes', async () => {
    const { user, secret } = await pendingEnrolment();

    const response = await verifyCode(user, codeAt(secret));
    const read = await api.call('GET', `/users/${user.id}`, { token: user.token });

    expect(response.status).toBe(200);
    expect(response.body.recovery_codes).toHaveLength(10);
    expect(new Set(response.body.recovery_codes).size).toBe(10);
    expect(read.body.mfa_enabled).toBe(true);
  });

  it('refuses a wrong code with a 400 naming code, and leaves the factor pending', async () => {
    const { user, secret } = await pendingEnrolment();

    const response = await verifyCode(user, wrongCodeFor(secret));
    const read = await api.call('GET', `/users/${user.id}`, { token: user.token });

    expect(response.status).toBe(400);
    expect(response.body.errors).toEqual([expect.objectContaining({ path: 'code' })]);
    expect(read.body.mfa_enabled).toBe(false);
  });

  it('voids a pending enrolment after 10 minutes', async () => {
    const { user, secret } = await pendingEnrolment();
    clock.advance(10 * 60 + 1);

    // The sign-in is no longer recent either: the password proves the caller again.
    const response = await api.call('POST', `/users/${user.id}/mfa/totp/verify`, {
      token: user.token,
      json: { code: codeAt(secret), current_password: user.password },
    });

    expect(response.status).toBe(400);
    expect(response.body.errors).toEqual([expect.objectContaining({ path: 'code' })]);
  });

  it('answers 409 to an enrolment while a factor is enabled', async () => {
    const user = await enrolled();

    const response = await api.call('POST', `/users/${user.id}/mfa/totp`, { token: user.token });

    expect(response.status).toBe(409);
    expect(response.body.type).toMatch(/mfa-already-enabled$/);
  });

  it('lets nobody else enrol a user, not even an admin', async () => {
    const user = await api.signUp();
    const admin = await api.newAdmin();

    const byAdmin = await api.call('POST', `/users/${user.id}/mfa/totp`, { token: admin.token });
    const verifyByAdmin = await api.call('POST', `/users/${user.id}/mfa/totp/verify`, {
      token: admin.token,
      json: { code: '123456' },
    });

    expect(byAdmin.status).toBe(403);
    expect(verifyByAdmin.status).toBe(403);
  });
});

describe('login with a second factor', () => {
  it('answers the right password with mfa_required and a 5-minute mfa_token, and no token', async () => {
    const user = await enrolled();

    const response = await passwordStep(user);

    expect(response.status).toBe(200);
    expect(response.body).toEqual({ mfa_required: true, mfa_token: expect.any(String), expires_in: 300 });
    expect(response.headers.get('cache-control')).toBe('no-store');
  });

  it('trades the mfa_token and the current code for a session whose amr is pwd and otp, answered as login answers', async () => {
    const user = await enrolled();
    const token = await mfaToken(user);

    const response = await secondStep({ mfa_token: token, code: codeAt(user.secret) });

    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      token: expect.any(String),
      token_type: 'Bearer',
      expires_in: expect.any(Number),
      refresh_token: expect.any(String),
      refresh_expires_in: expect.any(Number),
      device_token: expect.stringMatching(/^[\w-]{43}$/),
      user: expect.objectContaining({
        id: user.id,
        mfa_enabled: true,
        last_login: clock.now().toISOString(),
      }),
    });
    const claims = decodeJwt(response.body.token);
    expect(claims.amr).toEqual(['pwd', 'otp']);
    expect(await api.deps.sessions.get(String(claims.sid))).toEqual(
      expect.objectContaining({ userId: user.id, amr: ['pwd', 'otp'] }),
    );
    const read = await api.call('GET', `/users/${user.id}`, { token: response.body.token });
    expect(read.status).toBe(200);
  });

  it('keeps the session amr through a refresh: the refreshed token may still act as an otp session', async () => {
    const user = await enrolled();
    const loggedIn = await secondStep({ mfa_token: await mfaToken(user), code: codeAt(user.secret) });

    const refreshed = await api.call('POST', '/refresh', {
      json: { refresh_token: loggedIn.body.refresh_token },
    });

    expect(refreshed.status).toBe(200);
    expect(decodeJwt(refreshed.body.token).amr).toEqual(['pwd', 'otp']);
    const codes = await api.call('POST', `/users/${user.id}/mfa/recovery-codes`, {
      token: refreshed.body.token,
    });
    expect(codes.status).toBe(200);
  });

  it('accepts a code one step old (clock drift)', async () => {
    const user = await enrolled();
    // One step past the step the enrolment used up.
    clock.advance(30);
    const token = await mfaToken(user);

    const response = await secondStep({
      mfa_token: token,
      code: codeAt(user.secret, new Date(clock.now().getTime() - 30_000)),
    });

    expect(response.status).toBe(200);
  });

  it('refuses a code that was already accepted (replay), with a 401', async () => {
    const user = await enrolled();
    const code = codeAt(user.secret);
    expect((await secondStep({ mfa_token: await mfaToken(user), code })).status).toBe(200);

    const replay = await secondStep({ mfa_token: await mfaToken(user), code });

    expect(replay.status).toBe(401);
    expect(replay.headers.get('content-type')).toBe('application/problem+json');
  });

  it('accepts each recovery code once', async () => {
    const user = await enrolled();
    const [recoveryCode = ''] = user.recoveryCodes;

    const first = await secondStep({ mfa_token: await mfaToken(user), recovery_code: recoveryCode });
    const again = await secondStep({ mfa_token: await mfaToken(user), recovery_code: recoveryCode });

    expect(first.status).toBe(200);
    expect(decodeJwt(first.body.token).amr).toEqual(['pwd', 'otp']);
    expect(again.status).toBe(401);
  });

  it('uses an mfa_token once', async () => {
    const user = await enrolled();
    const token = await mfaToken(user);
    expect((await secondStep({ mfa_token: token, code: codeAt(user.secret) })).status).toBe(200);
    clock.advance(30);

    const again = await secondStep({ mfa_token: token, code: codeAt(user.secret) });

    expect(again.status).toBe(401);
  });

  it('refuses an mfa_token older than 5 minutes, even with the right code', async () => {
    const user = await enrolled();
    const token = await mfaToken(user);
    clock.advance(5 * 60 + 1);

    const response = await secondStep({ mfa_token: token, code: codeAt(user.secret) });

    expect(response.status).toBe(401);
  });

  it('voids the mfa_token after five wrong codes', async () => {
    const user = await enrolled();
    const token = await mfaToken(user);
    const wrong = wrongCodeFor(user.secret);
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 5; attempt++) {
      statuses.push((await secondStep({ mfa_token: token, code: wrong })).status);
    }

    const right = await secondStep({ mfa_token: token, code: codeAt(user.secret) });

    expect(statuses).toEqual([401, 401, 401, 401, 401]);
    expect(right.status).toBe(401);
  });

  it('counts wrong codes as failed logins: the sixth failure is a 429, and then even the right password is', async () => {
    const user = await enrolled();
    const wrong = wrongCodeFor(user.secret);
    const first = await mfaToken(user);
    for (let attempt = 0; attempt < 5; attempt++) await secondStep({ mfa_token: first, code: wrong });

    const sixth = await secondStep({ mfa_token: await mfaToken(user), code: wrong });
    const password = await passwordStep(user);

    expect(sixth.status).toBe(429);
    expect(Number(sixth.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(password.status).toBe(429);
  });

  it('clears the failed-login count once the second factor passes', async () => {
    const user = await enrolled();
    for (let attempt = 0; attempt < 3; attempt++) {
      await api.call('POST', '/login', { json: { email: user.email, password: 'wrong password!' } });
    }

    const response = await secondStep({ mfa_token: await mfaToken(user), code: codeAt(user.secret) });

    expect(response.status).toBe(200);
    for (let attempt = 0; attempt < 5; attempt++) {
      await api.call('POST', '/login', { json: { email: user.email, password: 'wrong password!' } });
    }
    // Five more failures, not eight: the earlier three no longer count towards the lock.
    expect((await passwordStep(user)).status).toBe(200);
  });

  it('refuses both or neither of code and recovery_code with a 400 naming them', async () => {
    const user = await enrolled();
    const token = await mfaToken(user);

    const neither = await secondStep({ mfa_token: token });
    const both = await secondStep({ mfa_token: token, code: '123456', recovery_code: 'abcd' });

    expect(neither.status).toBe(400);
    expect(both.status).toBe(400);
    expect(both.body.errors.map((error: { path: string }) => error.path)).toEqual(['code', 'recovery_code']);
  });

  it('lets exactly one of two concurrent logins with one code through', async () => {
    const user = await enrolled();
    const [first, second] = await Promise.all([mfaToken(user), mfaToken(user)]);
    const code = codeAt(user.secret);

    const statuses = (
      await Promise.all([secondStep({ mfa_token: first, code }), secondStep({ mfa_token: second, code })])
    ).map((response) => response.status);

    expect(statuses.sort()).toEqual([200, 401]);
  });

  it('lets exactly one of two concurrent logins with one recovery code through', async () => {
    const user = await enrolled();
    const [first, second] = await Promise.all([mfaToken(user), mfaToken(user)]);
    const [recovery_code = ''] = user.recoveryCodes;

    const statuses = (
      await Promise.all([
        secondStep({ mfa_token: first, recovery_code }),
        secondStep({ mfa_token: second, recovery_code }),
      ])
    ).map((response) => response.status);

    expect(statuses.sort()).toEqual([200, 401]);
  });
});

describe('removal and recovery codes', () => {
  const otpSession = async (user: Enrolled): Promise<string> => {
    const response = await secondStep({ mfa_token: await mfaToken(user), code: codeAt(user.secret) });
    clock.advance(30);
    return response.body.token;
  };

  it('refuses removal with a session that did not pass the second factor', async () => {
    const user = await enrolled();

    const response = await api.call('DELETE', `/users/${user.id}/mfa/totp`, { token: user.token });
    const read = await api.call('GET', `/users/${user.id}`, { token: user.token });

    expect(response.status).toBe(403);
    expect(read.body.mfa_enabled).toBe(true);
  });

  it('removes the factor for its user with an otp session: the next login needs no code', async () => {
    const user = await enrolled();
    const token = await otpSession(user);

    const response = await api.call('DELETE', `/users/${user.id}/mfa/totp`, { token });
    const login = await passwordStep(user);

    expect(response.status).toBe(204);
    expect(login.status).toBe(200);
    expect(login.body.user.mfa_enabled).toBe(false);
    expect(decodeJwt(login.body.token).amr).toEqual(['pwd']);
  });

  it("lets an admin remove anyone's factor, and nobody else", async () => {
    const user = await enrolled();
    const other = await enrolled();
    const admin = await api.newAdmin();

    const byOther = await api.call('DELETE', `/users/${user.id}/mfa/totp`, {
      token: await otpSession(other),
    });
    const byAdmin = await api.call('DELETE', `/users/${user.id}/mfa/totp`, { token: admin.token });
    const again = await api.call('DELETE', `/users/${user.id}/mfa/totp`, { token: admin.token });

    expect(byOther.status).toBe(403);
    expect(byAdmin.status).toBe(204);
    expect(again.status).toBe(404);
    expect((await passwordStep(user)).body.token).toEqual(expect.any(String));
  });

  it('replaces the recovery codes for an otp session only, voiding the old ones', async () => {
    const user = await enrolled();
    const refused = await api.call('POST', `/users/${user.id}/mfa/recovery-codes`, { token: user.token });
    const token = await otpSession(user);

    const response = await api.call('POST', `/users/${user.id}/mfa/recovery-codes`, { token });
    const old = await secondStep({
      mfa_token: await mfaToken(user),
      recovery_code: user.recoveryCodes[1] ?? '',
    });
    const fresh = await secondStep({
      mfa_token: await mfaToken(user),
      recovery_code: response.body.recovery_codes[0],
    });

    expect(refused.status).toBe(403);
    expect(response.status).toBe(200);
    expect(response.body.recovery_codes).toHaveLength(10);
    expect(old.status).toBe(401);
    expect(fresh.status).toBe(200);
  });

  it('keeps the factor through a password change', async () => {
    const user = await enrolled();
    const token = await otpSession(user);
    const changed = await api.call('PATCH', `/users/${user.id}`, {
      token,
      json: { password: 'a brand new passphrase', current_password: user.password },
    });

    const login = await api.call('POST', '/login', {
      json: { email: user.email, password: 'a brand new passphrase' },
    });

    expect(changed.status).toBe(200);
    expect(changed.body.mfa_enabled).toBe(true);
    expect(login.body.mfa_required).toBe(true);
  });
});

describe('secrets', () => {
  it('never writes a TOTP secret, a code, a recovery code or an mfa_token to the log', async () => {
    const { user, secret } = await pendingEnrolment();
    const code = codeAt(secret);
    const verified = await verifyCode(user, code);
    clock.advance(30);
    const token = await mfaToken(user);
    await secondStep({ mfa_token: token, code: wrongCodeFor(secret) });
    await secondStep({ mfa_token: token, recovery_code: verified.body.recovery_codes[0] });

    const log = logLines.join('\n');
    for (const shown of [secret, code, token, ...verified.body.recovery_codes]) {
      expect(log).not.toContain(shown);
    }
    expect(logLines.length).toBeGreaterThan(0);
  });

  it('stores the TOTP secret sealed, and recovery codes only as hashes', async () => {
    const user = await enrolled();

    const factor = await api.deps.mfa.getFactor(user.id);

    expect(factor?.sealedSecret).not.toContain(user.secret);
    expect(JSON.stringify(factor)).not.toContain(user.recoveryCodes[0]);
    expect(factor?.recoveryHashes).toHaveLength(10);
  });
});
