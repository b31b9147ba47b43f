// Summary statistics for the bench and the load and fault tests: one definition of a percentile.

/**
 * The p-th percentile (0–100) by the nearest-rank method: the smallest sample such that at least
 * p % of the samples are less than or equal to it, i.e. the ⌈p/100 · n⌉-th smallest (the first for
 * p = 0). Always one of the samples, never an interpolation. NaN for no samples.
 */
export const percentile = (samples: readonly number[], p: number): number => {
  if (samples.length === 0) return Number.NaN;
  if (!(p >= 0 && p <= 100)) throw new RangeError(`a percentile is between 0 and 100, not ${p}`);
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1] as number;
};

/** The 50th percentile by nearest rank: for an even count, the lower of the two middle samples. */
export const median = (samples: readonly number[]): number => percentile(samples, 50);

export const round = (value: number, digits = 2): number => {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
};
