// Time-based rules, tested by moving an injected clock (never by sleeping): how long a lock
// lasts, how long failures are remembered, and when a token stops working.
import { failureMemorySeconds } from '../../lambda/users/login-throttle';
import { createTestClock } from '../support/clock';
import { startTestStack, type TestStack } from '../support/stack';

const clock = createTestClock('2026-11-28T12:00:00.000Z');
let api: TestStack;

beforeAll(async () => {
  api = await startTestStack({ over: 'core', clock: clock.now });
});

const logIn = (email: string, password: string) => api.call('POST', '/login', { json: { email, password } });

const failTimes = async (email: string, times: number): Promise<number[]> => {
  const statuses: number[] = [];
  for (let attempt = 0; attempt < times; attempt++)
    statuses.push((await logIn(email, 'not the password')).status);
  return statuses;
};

describe('the failed-login back-off over time', () => {
  it('lifts the first lock after exactly its five seconds, and not before', async () => {
    const user = await api.signUp();
    await failTimes(user.email, 6);

    clock.advance(4.9);
    const during = await logIn(user.email, user.password);
    clock.advance(0.2);
    const after = await logIn(user.email, user.password);

    expect(during.status).toBe(429);
    expect(during.headers.get('retry-after')).toBe('1');
    expect(after.status).toBe(200);
  });

  it('still counts earlier failures a day later, so the next failure locks again', async () => {
    const user = await api.signUp();
    await failTimes(user.email, 6);

    clock.advance(24 * 60 * 60);
    const seventh = await logIn(user.email, 'not the password');

    expect(seventh.status).toBe(429);
    expect(seventh.headers.get('retry-after')).toBe('10');
  });

  it('forgets failures once their memory has passed: the count starts again at one', async () => {
    const user = await api.signUp();
    await failTimes(user.email, 6);

    clock.advance(failureMemorySeconds);
    const afterwards = await failTimes(user.email, 5);

    expect(afterwards).toEqual([401, 401, 401, 401, 401]);
  });
});

describe('token expiry', () => {
  // Refused by the authorizer (403) when it is asked again, or by the router (401) when a cached
  // verdict lets the request through: either way, not served.
  it('accepts a token until its expiry and refuses it from that second on', async () => {
    const user = await api.signUp();

    clock.advance(3600 - 1);
    const before = await api.call('GET', `/users/${user.id}`, { token: user.token });
    clock.advance(1);
    const at = await api.call('GET', `/users/${user.id}`, { token: user.token });

    expect(before.status).toBe(200);
    expect([401, 403]).toContain(at.status);
  });
});
