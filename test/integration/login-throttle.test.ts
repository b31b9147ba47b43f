// Failed logins back off per account, Cognito style: five free failures, then 429s.
import { testStackForThisFile, uniqueEmail } from '../support/stack';

describe('failed-login back-off', () => {
  const api = testStackForThisFile({ over: 'core' });

  const logIn = (email: string, password: string) =>
    api.call('POST', '/login', { json: { email, password } });

  const failTimes = async (email: string, times: number) => {
    const results: number[] = [];
    for (let attempt = 0; attempt < times; attempt++)
      results.push((await logIn(email, 'wrong-password')).status);
    return results;
  };

  it('answers the first five failures with 401 and the sixth with 429 and Retry-After', async () => {
    const user = await api.signUp();

    const first = await failTimes(user.email, 5);
    const sixth = await logIn(user.email, 'wrong-password');

    expect(first).toEqual([401, 401, 401, 401, 401]);
    expect(sixth.status).toBe(429);
    expect(Number(sixth.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(sixth.headers.get('content-type')).toBe('application/problem+json');
  });

  it('refuses even the right password during the back-off', async () => {
    const user = await api.signUp();
    await failTimes(user.email, 6);

    const response = await logIn(user.email, user.password);

    expect(response.status).toBe(429);
    expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('grows the back-off with further failures', async () => {
    const { lockSeconds } = await import('../../lambda/users/login-throttle');

    expect([5, 6, 7, 8, 9].map(lockSeconds)).toEqual([0, 5, 10, 20, 40]);
    expect(lockSeconds(100)).toBe(15 * 60);
  });

  it('resets the count after a success', async () => {
    const user = await api.signUp();
    await failTimes(user.email, 5);

    const success = await logIn(user.email, user.password);
    const afterwards = await failTimes(user.email, 5);

    expect(success.status).toBe(200);
    expect(afterwards).toEqual([401, 401, 401, 401, 401]);
  });

  it('throttles unknown emails the same way, so a 429 reveals nothing about who exists', async () => {
    const email = uniqueEmail('ghost');

    const statuses = await failTimes(email, 6);

    expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
  });

  it('counts every failure of a concurrent burst: twelve parallel guesses lock the account', async () => {
    const user = await api.signUp();

    const burst = await Promise.all(Array.from({ length: 12 }, () => logIn(user.email, 'wrong-password')));
    const after = await logIn(user.email, user.password);

    expect(burst.filter((response) => response.status === 429).length).toBeGreaterThanOrEqual(6);
    expect(after.status).toBe(429);
  });

  it('counts a wrong current_password as a failed login', async () => {
    const user = await api.signUp();
    for (let attempt = 0; attempt < 5; attempt++) {
      await api.changeUser(user, user.id, { password: 'new-password-1', current_password: 'nope-nope' });
    }

    const login = await logIn(user.email, 'wrong-password');

    expect(login.status).toBe(429);
  });

  it('does not lock other accounts', async () => {
    const victim = await api.signUp();
    const bystander = await api.signUp();
    await failTimes(victim.email, 6);

    const response = await logIn(bystander.email, bystander.password);

    expect(response.status).toBe(200);
  });
});
