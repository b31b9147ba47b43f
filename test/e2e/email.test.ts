import { createTestClock } from '../support/clock';
import { ADMIN, startTestStack, type TestStack, uniqueEmail } from '../support/stack';
import type { Call } from '../support/transport';

const clock = createTestClock();
let stack: TestStack;
let call: Call;
const PASSWORD = 'a fine password';

beforeAll(async () => {
  stack = await startTestStack({ over: 'http', admin: ADMIN, clock: clock.now, pages: true });
  call = stack.call;
}, 60_000);
afterAll(async () => {
  await stack?.close();
});

interface Mail {
  readonly to: string;
  readonly subject: string;
  readonly text: string;
  readonly sent_at: string;
}

const inbox = async (to: string): Promise<Mail[]> => {
  const response = await fetch(`${stack.url}/_local/inbox?to=${encodeURIComponent(to)}`);
  return ((await response.json()) as { items: Mail[] }).items;
};

/** Waits (at most 5 s, the contract) until `to` has `count` mails; returns them, newest first. */
const mailsFor = async (to: string, count: number): Promise<Mail[]> => {
  const deadline = Date.now() + 5_000;
  for (;;) {
    const items = await inbox(to);
    if (items.length >= count) return items;
    if (Date.now() > deadline) throw new Error(`${to} has ${items.length} mails, not ${count}, after 5 s`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
};

const tokenIn = (mail: Mail | undefined, page: 'verify-email' | 'reset-password'): string => {
  const match = mail?.text.match(new RegExp(`${stack.url}/account/${page}\\?token=([\\w-]+)`));
  if (!match?.[1]) throw new Error(`no ${page} link in ${mail?.subject}`);
  return match[1];
};

/** A new user with the suite's password, which the mailed flows change and log in with. */
const signUp = (label: string) =>
  stack.signUp({ name: label, email: uniqueEmail(label), password: PASSWORD });

const expectTokenProblem = (response: { status: number; body: { errors?: { path: string }[] } }) => {
  expect(response.status).toBe(400);
  expect(response.body.errors?.map((error) => error.path)).toEqual(['token']);
};

describe('email verification', () => {
  it('mails a link on sign-up whose token verifies the address once', async () => {
    const { email } = await signUp('verify');
    const [mail] = await mailsFor(email, 1);
    expect(mail?.subject).toMatch(/Confirm your email address/);
    const token = tokenIn(mail, 'verify-email');
    expect(Buffer.from(token, 'base64url').length).toBeGreaterThanOrEqual(32);

    const confirmed = await call('POST', '/email-verification/confirm', { json: { token } });
    expect(confirmed.status).toBe(200);
    expect(confirmed.body).toMatchObject({ email, email_verified: true });
    expectTokenProblem(await call('POST', '/email-verification/confirm', { json: { token } }));
  });

  it('the page a link opens changes nothing on GET', async () => {
    const { email } = await signUp('scanner');
    const token = tokenIn((await mailsFor(email, 1))[0], 'verify-email');
    const page = await fetch(`${stack.url}/account/verify-email?token=${token}`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<div id="app"></div>');
    expect((await call('POST', '/email-verification/confirm', { json: { token } })).status).toBe(200);
  });

  it('refuses a verification token after 24 hours', async () => {
    const { email } = await signUp('late');
    const token = tokenIn((await mailsFor(email, 1))[0], 'verify-email');
    clock.advance(24 * 3600 + 1);
    expectTokenProblem(await call('POST', '/email-verification/confirm', { json: { token } }));
  });

  it('resends to an unverified account, at most once a minute', async () => {
    const { email } = await signUp('resend');
    await mailsFor(email, 1);
    clock.advance(61);
    expect((await call('POST', '/email-verification', { json: { email } })).status).toBe(202);
    expect((await call('POST', '/email-verification', { json: { email } })).status).toBe(202);
    await mailsFor(email, 2);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(await inbox(email)).toHaveLength(2);
  });

  it('an email change mails a verification to the new address and a notice to the old one', async () => {
    const { id, email } = await signUp('mover');
    const login = await call('POST', '/login', { json: { email, password: PASSWORD } });
    const moved = uniqueEmail('moved');
    const changed = await call('PATCH', `/users/${id}`, {
      token: login.body.token,
      json: { email: moved, current_password: PASSWORD },
    });
    expect(changed.status).toBe(200);
    expect(changed.body.email_verified).toBe(false);
    const [notice] = await mailsFor(email, 2);
    expect(notice?.subject).toMatch(/email address was changed/);
    const token = tokenIn((await mailsFor(moved, 1))[0], 'verify-email');
    const confirmed = await call('POST', '/email-verification/confirm', { json: { token } });
    expect(confirmed.body).toMatchObject({ email: moved, email_verified: true });
  });
});

describe('password reset', () => {
  it('takes no token of the other purpose: a verification token cannot reset, a reset token cannot verify', async () => {
    const { email } = await signUp('purpose');
    const verification = tokenIn((await mailsFor(email, 1))[0], 'verify-email');
    expect((await call('POST', '/password-reset', { json: { email } })).status).toBe(202);
    const reset = tokenIn(
      (await mailsFor(email, 2)).find((mail) => /Reset/.test(mail.subject)),
      'reset-password',
    );

    expectTokenProblem(
      await call('POST', '/password-reset/confirm', {
        json: { token: verification, password: 'taken over with a verification link' },
      }),
    );
    expectTokenProblem(await call('POST', '/email-verification/confirm', { json: { token: reset } }));
    expect(
      (await call('POST', '/login', { json: { email, password: 'taken over with a verification link' } }))
        .status,
    ).toBe(401);
    // Both still work for their own purpose.
    expect(
      (await call('POST', '/email-verification/confirm', { json: { token: verification } })).status,
    ).toBe(200);
  });

  it('a reset link sets the password once, ends old tokens, verifies the address, and mails a notice', async () => {
    const { id, email } = await signUp('reset');
    const oldToken = (await call('POST', '/login', { json: { email, password: PASSWORD } })).body.token;
    expect((await call('POST', '/password-reset', { json: { email } })).status).toBe(202);
    const [mail] = await mailsFor(email, 2);
    const token = tokenIn(mail, 'reset-password');

    const weak = await call('POST', '/password-reset/confirm', { json: { token, password: 'short' } });
    expect(weak.status).toBe(400);
    expect(weak.body.errors.map((error: { path: string }) => error.path)).toEqual(['password']);

    const newPassword = 'a brand new passphrase';
    const reset = await call('POST', '/password-reset/confirm', { json: { token, password: newPassword } });
    expect(reset.status).toBe(204);
    expect(reset.text).toBe('');
    expectTokenProblem(
      await call('POST', '/password-reset/confirm', { json: { token, password: 'yet another passphrase' } }),
    );
    expect((await call('GET', `/users/${id}`, { token: oldToken })).status).toBe(401);
    expect((await call('POST', '/login', { json: { email, password: PASSWORD } })).status).toBe(401);
    const login = await call('POST', '/login', { json: { email, password: newPassword } });
    expect(login.status).toBe(200);
    expect(login.body.user.email_verified).toBe(true);
    const [notice] = await mailsFor(email, 3);
    expect(notice?.subject).toMatch(/password was changed/);
    expect(notice?.text).not.toContain(newPassword);
  });

  it('a newer reset mail voids the older one', async () => {
    const { email } = await signUp('twice');
    await call('POST', '/password-reset', { json: { email } });
    const older = tokenIn((await mailsFor(email, 2))[0], 'reset-password');
    clock.advance(61);
    await call('POST', '/password-reset', { json: { email } });
    const newer = tokenIn((await mailsFor(email, 3))[0], 'reset-password');
    expectTokenProblem(
      await call('POST', '/password-reset/confirm', {
        json: { token: older, password: 'older passphrase ok' },
      }),
    );
    expect(
      (
        await call('POST', '/password-reset/confirm', {
          json: { token: newer, password: 'newer passphrase ok' },
        })
      ).status,
    ).toBe(204);
  });

  it('refuses a reset token after 1 hour', async () => {
    const { email } = await signUp('expired');
    await call('POST', '/password-reset', { json: { email } });
    const token = tokenIn((await mailsFor(email, 2))[0], 'reset-password');
    clock.advance(3601);
    expectTokenProblem(
      await call('POST', '/password-reset/confirm', { json: { token, password: 'too late passphrase' } }),
    );
  });

  it('of two confirmations of one token racing, exactly one succeeds', async () => {
    const { email } = await signUp('race');
    await call('POST', '/password-reset', { json: { email } });
    const token = tokenIn((await mailsFor(email, 2))[0], 'reset-password');
    const results = await Promise.all(
      ['racing passphrase one', 'racing passphrase two', 'racing passphrase three'].map((password) =>
        call('POST', '/password-reset/confirm', { json: { token, password } }),
      ),
    );
    expect(results.map((result) => result.status).sort()).toEqual([204, 400, 400]);
  });
});

describe('who gets mail, and what the trail says', () => {
  const adminToken = async (): Promise<string> =>
    (await call('POST', '/login', { json: ADMIN })).body.token as string;

  it('a disabled user gets no mail, and the link mailed before is refused', async () => {
    const { id, email } = await signUp('disabled');
    const token = tokenIn((await mailsFor(email, 1))[0], 'verify-email');
    const disabled = await call('PATCH', `/users/${id}`, {
      token: await adminToken(),
      json: { status: 'disabled' },
    });
    expect(disabled.status).toBe(200);
    clock.advance(61);
    expect((await call('POST', '/password-reset', { json: { email } })).status).toBe(202);
    expect((await call('POST', '/email-verification', { json: { email } })).status).toBe(202);
    expectTokenProblem(await call('POST', '/email-verification/confirm', { json: { token } }));
    // Long enough for a mail that was going to come.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(await inbox(email)).toHaveLength(1);
  });

  it('a reset lifts the back-off of failed logins', async () => {
    const { email } = await signUp('locked');
    for (let attempt = 0; attempt < 6; attempt++) {
      await call('POST', '/login', { json: { email, password: 'not the password' } });
    }
    expect((await call('POST', '/login', { json: { email, password: PASSWORD } })).status).toBe(429);
    await call('POST', '/password-reset', { json: { email } });
    const token = tokenIn((await mailsFor(email, 2))[0], 'reset-password');
    const password = 'my fresh start passphrase';
    expect((await call('POST', '/password-reset/confirm', { json: { token, password } })).status).toBe(204);
    expect((await call('POST', '/login', { json: { email, password } })).status).toBe(200);
  });

  it('records every mailed token and its use in the audit trail, never the token itself', async () => {
    const { id, email } = await signUp('audited');
    const verify = tokenIn((await mailsFor(email, 1))[0], 'verify-email');
    await call('POST', '/email-verification/confirm', { json: { token: verify } });
    await call('POST', '/password-reset', { json: { email } });
    const reset = tokenIn((await mailsFor(email, 2))[0], 'reset-password');
    await call('POST', '/password-reset/confirm', {
      json: { token: reset, password: 'an audited passphrase' },
    });

    const trail = await call('GET', `/users/${id}/events?limit=100`, { token: await adminToken() });
    expect(trail.status).toBe(200);
    const events = trail.body.items as { type: string; user_id: string; actor_id: string | null }[];
    const types = events.map((event) => event.type);
    for (const type of [
      'email.verification_sent',
      'email.verified',
      'password.reset_requested',
      'password.reset',
      'session.ended',
    ]) {
      expect(types).toContain(type);
    }
    // Asked for by whoever knew the address: no actor.
    expect(events.find((event) => event.type === 'password.reset_requested')).toMatchObject({
      user_id: id,
      actor_id: null,
    });
    expect(trail.text).not.toContain(verify);
    expect(trail.text).not.toContain(reset);
  });

  it('GET /_local/inbox answers {items: [{to, subject, text, sent_at}]}, newest first', async () => {
    const { email } = await signUp('inbox');
    await call('POST', '/password-reset', { json: { email } });
    const [newest, older] = await mailsFor(email, 2);
    expect(newest).toEqual(
      expect.objectContaining({ to: email, subject: expect.any(String), text: expect.any(String) }),
    );
    expect(newest?.subject).toMatch(/Reset your/);
    expect(older?.subject).toMatch(/Confirm your email/);
    expect(Date.parse(newest?.sent_at ?? '')).toBeGreaterThanOrEqual(Date.parse(older?.sent_at ?? ''));
  });
});

describe('enumeration', () => {
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

  it.each(['/password-reset', '/email-verification'])(
    '%s answers a known and an unknown address alike: status, headers, body, and in about the same time',
    async (path) => {
      const { email: known } = await signUp('known');
      let mailed = (await mailsFor(known, 1)).length;
      const timings = { known: [] as number[], unknown: [] as number[] };
      const shapes = new Set<string>();
      for (let round = 0; round < 15; round++) {
        // A day a round: past the address's 60 s slot and its daily cap of 10 mails alike.
        clock.advance(24 * 3600);
        const unknown = uniqueEmail('nobody');
        // Alternating which goes first cancels any drift of the machine within a round.
        const order =
          round % 2 === 0
            ? ([
                ['known', known],
                ['unknown', unknown],
              ] as const)
            : ([
                ['unknown', unknown],
                ['known', known],
              ] as const);
        for (const [label, email] of order) {
          const started = performance.now();
          const response = await call('POST', path, { json: { email } });
          timings[label].push(performance.now() - started);
          expect(response.status).toBe(202);
          expect(response.text).toBe('');
          // Header names and the values that are not per-response (date, request id).
          const volatile = new Set(['date', 'apigw-requestid', 'x-request-id']);
          shapes.add(JSON.stringify([...response.headers].filter(([name]) => !volatile.has(name)).sort()));
          // The in-process mailer sends the known address's mail now; on AWS it runs elsewhere.
          // Measure the next request only once it is in the inbox.
          if (label === 'known') mailed = (await mailsFor(known, mailed + 1)).length;
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
      }
      expect(shapes.size).toBe(1);
      // Generous, and relative: the shared machine is noisy; a bcrypt, a mail send or a write
      // only one path makes would show as far more.
      const [fast, slow] = [median(timings.known), median(timings.unknown)].sort((a, b) => a - b);
      expect((slow ?? 0) - (fast ?? 0)).toBeLessThan(Math.max(25, 0.35 * (slow ?? 0)));
    },
    90_000,
  );
});
