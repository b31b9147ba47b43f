// The per-client rate limits' fixed windows, crossed by moving the injected clock (never by
// sleeping): a window lasts exactly its configured seconds, Retry-After counts down to its end
// on the clock the service is given, and the next window starts fresh.
import { createTestClock } from '../support/clock';
import { startTestStack, type TestStack, uniqueEmail } from '../support/stack';

// On a minute and on a quarter hour: both windows start here.
const clock = createTestClock('2026-11-28T12:00:00.000Z');
let api: TestStack;

beforeAll(async () => {
  api = await startTestStack({
    over: 'core',
    clock: clock.now,
    rateLimits: { login: { limit: 3, windowSeconds: 60 }, mail: { limit: 2, windowSeconds: 15 * 60 } },
  });
});
afterAll(() => api.close());

describe('rate-limit windows on the injected clock', () => {
  it('the login window lasts its 60 seconds: refused until the minute is over, fresh after it', async () => {
    const { call } = api.client({ sourceIp: '10.9.0.1' });
    const attempt = () =>
      call('POST', '/login', { json: { email: uniqueEmail('nobody'), password: 'a guess' } });
    clock.set('2026-11-28T12:00:30.000Z');

    const allowed = [(await attempt()).status, (await attempt()).status, (await attempt()).status];
    const past = await attempt();
    clock.set('2026-11-28T12:00:59.000Z');
    const lastSecond = await attempt();
    clock.set('2026-11-28T12:01:00.000Z');
    const nextWindow = await attempt();

    expect(allowed).toEqual([401, 401, 401]);
    expect(past.status).toBe(429);
    expect(past.headers.get('retry-after')).toBe('30');
    expect(lastSecond.status).toBe(429);
    expect(lastSecond.headers.get('retry-after')).toBe('1');
    expect(nextWindow.status).toBe(401);
  });

  it('the mail window lasts its 15 minutes, not one minute', async () => {
    const { call } = api.client({ sourceIp: '10.9.0.2' });
    const request = () => call('POST', '/password-reset', { json: { email: uniqueEmail('reset') } });
    clock.set('2026-11-28T12:15:00.000Z');

    const allowed = [(await request()).status, (await request()).status];
    clock.set('2026-11-28T12:16:00.000Z');
    const aMinuteLater = await request();
    clock.set('2026-11-28T12:29:59.000Z');
    const lastSecond = await request();
    clock.set('2026-11-28T12:30:00.000Z');
    const nextWindow = await request();

    expect(allowed.every((status) => status < 300)).toBe(true);
    expect(aMinuteLater.status).toBe(429);
    expect(aMinuteLater.headers.get('retry-after')).toBe(String(14 * 60));
    expect(lastSecond.status).toBe(429);
    expect(lastSecond.headers.get('retry-after')).toBe('1');
    expect(nextWindow.status).toBe(allowed[0]);
  });
});
