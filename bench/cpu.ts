// CPU time from /proc (Linux): of given processes (user + system, their threads included) and of
// the whole machine, so a phase can say which processes spent the cores it had.
import { readdirSync, readFileSync } from 'node:fs';

/** USER_HZ: the unit of /proc's tick counts on Linux. */
const TICKS_PER_SECOND = 100;

/**
 * utime + stime of a process in seconds (with `reaped`, also its children that have exited: a
 * PostgreSQL server's ended backends); 0 once it is gone.
 */
export const processCpuSeconds = (pid: number, { reaped = false } = {}): number => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may hold spaces: the fields start after its closing parenthesis.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const own = Number(fields[11]) + Number(fields[12]);
    return (reaped ? own + Number(fields[13]) + Number(fields[14]) : own) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
};

/** The processes whose parent is `pid` (a PostgreSQL server's backends and workers). */
export const childrenOf = (pid: number): number[] =>
  readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map(Number)
    .filter((candidate) => {
      try {
        const stat = readFileSync(`/proc/${candidate}/stat`, 'utf8');
        return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) === pid;
      } catch {
        return false;
      }
    });

/** Busy and total CPU seconds of the whole machine, summed over its cores. */
export const machineCpuSeconds = (): { busy: number; total: number } => {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0] ?? '';
  const ticks = line.trim().split(/\s+/).slice(1).map(Number);
  const total = ticks.reduce((sum, value) => sum + value, 0);
  // idle and iowait
  const idle = (ticks[3] ?? 0) + (ticks[4] ?? 0);
  return { busy: (total - idle) / TICKS_PER_SECOND, total: total / TICKS_PER_SECOND };
};

/** Resident memory of a process in MB (VmRSS). */
export const rssMb = (pid: number): number => {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Number(match[1]) / 1024 : Number.NaN;
};
