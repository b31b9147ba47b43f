import { lockSeconds } from '../../lambda/users/login-throttle';

describe('login back-off policy', () => {
  it('locks nothing for the first five failures', () => {
    expect([0, 1, 2, 3, 4, 5].map(lockSeconds)).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it('doubles the lock from the sixth failure on, up to fifteen minutes', () => {
    expect([6, 7, 8, 9, 10].map(lockSeconds)).toEqual([5, 10, 20, 40, 80]);
    expect(lockSeconds(50)).toBe(900);
  });
});
