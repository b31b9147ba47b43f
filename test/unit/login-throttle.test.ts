import { lockSeconds, retryAfterSeconds } from '../../lambda/users/login-throttle';

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

    expect(retryAfterSeconds({ count: 6, lastFailedAt }, new Date('2026-11-28T12:00:01.500Z'))).toBe(4);
    expect(retryAfterSeconds({ count: 6, lastFailedAt }, new Date('2026-11-28T12:00:05.000Z'))).toBe(0);
    expect(retryAfterSeconds({ count: 5, lastFailedAt }, new Date('2026-11-28T12:00:00.000Z'))).toBe(0);
    expect(retryAfterSeconds(undefined, new Date())).toBe(0);
  });
});
