import { ACCOUNT_CEILING, lockSeconds, retryAfterSeconds } from '../../lambda/users/login-throttle';

describe('login back-off policy', () => {
  it('locks nothing for the first five failures', () => {
    expect([0, 1, 2, 3, 4, 5].map(lockSeconds)).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it('doubles the lock from the sixth failure on, up to fifteen minutes', () => {
    expect([6, 7, 8, 9, 10].map(lockSeconds)).toEqual([5, 10, 20, 40, 80]);
    expect(lockSeconds(50)).toBe(900);
  });

  it('tells how long is left of a lock, rounded up to whole seconds', () => {
    const lastFailedAt = '2026-11-28T12:00:00.000Z';

    expect(
      retryAfterSeconds({ client: { count: 6, lastFailedAt } }, new Date('2026-11-28T12:00:01.500Z')),
    ).toBe(4);
    expect(
      retryAfterSeconds({ client: { count: 6, lastFailedAt } }, new Date('2026-11-28T12:00:05.000Z')),
    ).toBe(0);
    expect(
      retryAfterSeconds({ client: { count: 5, lastFailedAt } }, new Date('2026-11-28T12:00:00.000Z')),
    ).toBe(0);
    expect(retryAfterSeconds({}, new Date())).toBe(0);
  });

  it('locks the whole account for the rest of the hour once it reaches the ceiling, from any client', () => {
    const windowStartedAt = '2026-11-28T12:00:00.000Z';
    const at = new Date('2026-11-28T12:59:00.000Z');

    expect(retryAfterSeconds({ account: { count: ACCOUNT_CEILING, windowStartedAt } }, at)).toBe(60);
    expect(retryAfterSeconds({ account: { count: ACCOUNT_CEILING - 1, windowStartedAt } }, at)).toBe(0);
    expect(retryAfterSeconds({ account: { count: 0, clearedAt: windowStartedAt } }, at)).toBe(0);
  });
});
