import { median, percentile, round } from '../support/stats';

describe('percentile (nearest rank)', () => {
  const ten = [10, 1, 9, 2, 8, 3, 7, 4, 6, 5];

  it.each([
    [0, 1],
    [1, 1],
    [10, 1],
    [11, 2],
    [50, 5],
    [51, 6],
    [90, 9],
    [99, 10],
    [100, 10],
  ])('p%d of 1..10 is %d: the ⌈p·n/100⌉-th smallest', (p, expected) => {
    expect(percentile(ten, p)).toBe(expected);
  });

  it('is always one of the samples, never an interpolation', () => {
    expect(percentile([1, 100], 50)).toBe(1);
    expect(percentile([1, 100], 51)).toBe(100);
  });

  it('reads one sample as every percentile', () => {
    expect([0, 50, 99, 100].map((p) => percentile([7], p))).toEqual([7, 7, 7, 7]);
  });

  it('sorts numerically without touching the input', () => {
    const samples = [100, 20, 3];

    expect(percentile(samples, 100)).toBe(100);
    expect(percentile(samples, 34)).toBe(20);
    expect(samples).toEqual([100, 20, 3]);
  });

  it('is NaN for no samples, and refuses a p outside 0..100', () => {
    expect(percentile([], 50)).toBeNaN();
    expect(() => percentile([1], 101)).toThrow(RangeError);
    expect(() => percentile([1], -1)).toThrow(RangeError);
  });
});

describe('median', () => {
  it('is the lower middle sample of an even count, the middle of an odd one', () => {
    expect(median([4, 1, 3, 2])).toBe(2);
    expect(median([5, 1, 3])).toBe(3);
  });
});

describe('round', () => {
  it('rounds to the given number of decimals', () => {
    expect(round(1.23456)).toBe(1.23);
    expect(round(1.23456, 3)).toBe(1.235);
    expect(round(1234.5, 0)).toBe(1235);
  });
});
