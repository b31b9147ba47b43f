// Login time by Lambda memory size, DERIVED (not measured on AWS) from the bcrypt compare timed
// here: Lambda gives a function CPU in proportion to its memory, one full vCPU at 1,769 MB, and a
// bcrypt compare is single-threaded CPU work, so below 1,769 MB it takes 1,769 / memory times as
// long as on one full core, and more memory than that buys it nothing. Each cost step doubles it.
import { round } from '../test/support/stats';

export const FULL_VCPU_MB = 1769;
export const MEMORY_SIZES = [128, 256, 512, 1024, 1536, 1769, 2048] as const;
export const COSTS = [10, 11, 12] as const;

export interface MemoryRow {
  readonly memoryMb: number;
  readonly cpuShare: number;
  /** bcrypt compare, by cost. */
  readonly compareMs: Record<string, number>;
  /** compare at the configured cost plus the rest of a login as measured here (not scaled). */
  readonly loginMs: number;
  /** Billed GB-seconds of one login at that memory size. */
  readonly gbSecondsPerLogin: number;
}

export const loginTimeByMemory = (options: {
  /** Median bcrypt compare on one core of this machine, at `measuredCost`. */
  readonly compareMs: number;
  readonly measuredCost: number;
  readonly configuredCost: number;
  /** Login p50 minus compare p50, both measured here: DynamoDB calls, token, HTTP. */
  readonly restOfLoginMs: number;
}): MemoryRow[] =>
  MEMORY_SIZES.map((memoryMb) => {
    const cpuShare = Math.min(1, memoryMb / FULL_VCPU_MB);
    const compareAt = (cost: number) => (options.compareMs * 2 ** (cost - options.measuredCost)) / cpuShare;
    const loginMs = compareAt(options.configuredCost) + options.restOfLoginMs;
    return {
      memoryMb,
      cpuShare: round(cpuShare, 3),
      compareMs: Object.fromEntries(COSTS.map((cost) => [String(cost), round(compareAt(cost), 0)])),
      loginMs: round(loginMs, 0),
      gbSecondsPerLogin: round((memoryMb / 1024) * (loginMs / 1000), 4),
    };
  });
