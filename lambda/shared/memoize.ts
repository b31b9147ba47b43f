// Cold-start initialisation shared by both Lambda entries.

/**
 * Runs `start` once and hands every caller the same promise. A failed start is forgotten, so
 * the next call tries again instead of the container failing until it is recycled. Calling the
 * result at module load moves the work into Lambda's init phase.
 */
export const memoizeUntilFailure = <T>(start: () => Promise<T>): (() => Promise<T>) => {
  let started: Promise<T> | undefined;
  return () => {
    started ??= start().catch((error: unknown) => {
      started = undefined;
      throw error;
    });
    return started;
  };
};
