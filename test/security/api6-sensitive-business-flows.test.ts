// OWASP API6:2023 Unrestricted Access to Sensitive Business Flows, black-box over HTTP: the flows
// worth automating against this API — guessing passwords, taking over an account with a stolen
// token, harvesting which emails have accounts — are throttled or refused.
import { expectProblem } from '../support/expect';
import { type Account, ADMIN, testStackForThisFile, uniqueEmail } from '../support/stack';

const api = testStackForThisFile({ over: 'http', admin: ADMIN });

describe('password guessing', () => {
  it('locks an account from the 6th failure, with Retry-After, also against a parallel burst', async () => {
    const target = await api.signUp('guessed');

    const burst = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        api.call('POST', '/login', { json: { email: target.email, password: `guess number ${i}` } }),
      ),
    );
    const right = await api.call('POST', '/login', {
      json: { email: target.email, password: target.password },
    });

    const statuses = burst.map((answer) => answer.status).sort();
    expect(statuses.filter((status) => status === 401).length).toBeLessThanOrEqual(5);
    expect(statuses.filter((status) => status === 429).length).toBeGreaterThanOrEqual(5);
    expectProblem(right, 429);
    expect(Number(right.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('locks an email that has no account the same way, so the lock reveals nothing', async () => {
    const email = uniqueEmail('nobody');
    const answers = [];
    for (let i = 0; i < 6; i++)
      answers.push(await api.call('POST', '/login', { json: { email, password: 'guess guess' } }));

    expect(answers.map((answer) => answer.status)).toEqual([401, 401, 401, 401, 401, 429]);
  });

  it('does not let mixed case or spaces in the email start a fresh count', async () => {
    const target = await api.signUp('variants');
    const variants = [
      target.email,
      target.email.toUpperCase(),
      ` ${target.email}`,
      `${target.email} `,
      target.email,
    ];
    for (const email of variants)
      await api.call('POST', '/login', { json: { email, password: 'wrong wrong' } });

    const sixth = await api.call('POST', '/login', {
      json: { email: target.email.toUpperCase(), password: 'nope nope' },
    });

    expectProblem(sixth, 429);
  });
});

describe('account takeover with a stolen token', () => {
  let victim: Account;
  beforeAll(async () => {
    victim = await api.signUp('stolen');
  });

  it.each([
    ['the password', { password: 'attacker chose this' }],
    ['the email', { email: 'attacker@example.com' }],
  ])('cannot change %s without the current password: 400 naming current_password', async (_, change) => {
    const answer = await api.call('PATCH', `/users/${victim.id}`, { token: victim.token, json: change });

    expectProblem(answer, 400);
    expect(answer.body.errors).toContainEqual({ path: 'current_password', message: expect.any(String) });
  });

  it('cannot brute-force current_password: the 6th wrong one is a 429, then even the right one waits', async () => {
    const statuses = [];
    for (let i = 0; i < 6; i++) {
      const answer = await api.changeUser(victim, victim.id, {
        password: 'attacker chose this',
        current_password: `guess ${i} of many`,
      });
      statuses.push(answer.status);
    }
    const right = await api.changeUser(victim, victim.id, {
      password: 'attacker chose this',
      current_password: victim.password,
    });

    expect(statuses).toEqual([400, 400, 400, 400, 400, 429]);
    expectProblem(right, 429);
  });
});

describe('email harvesting', () => {
  it('gives no listing to anyone but an admin', async () => {
    const user = await api.signUp('harvester');

    expectProblem(await api.call('GET', '/users', { token: user.token }), 403);
  });

  it('answers login for a known and an unknown email with the same body', async () => {
    const known = await api.signUp('known');

    const a = await api.call('POST', '/login', { json: { email: known.email, password: 'not it at all' } });
    const b = await api.call('POST', '/login', { json: { email: uniqueEmail(), password: 'not it at all' } });

    expect(a.text).toBe(b.text);
  });
});
