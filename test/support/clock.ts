// A clock tests move by hand: time-based rules (back-off, expiry, memory of failures, caches)
// are tested by moving it, never by sleeping.
import type { Clock } from '../../lambda/shared/clock';

export interface TestClock {
  /** Hand this to the app: it reads the current test time. */
  readonly now: Clock;
  advance(seconds: number): void;
  set(at: Date | string): void;
}

export const createTestClock = (start: Date | string = new Date()): TestClock => {
  let current = new Date(start).getTime();
  return {
    now: () => new Date(current),
    advance: (seconds) => {
      current += seconds * 1000;
    },
    set: (at) => {
      current = new Date(at).getTime();
    },
  };
};
