// One server per data folder. PGlite holds the database in one process and a second process on
// the same folder loses writes silently, so the folder is locked: a file made with O_EXCL that
// names the holder's pid. A lock whose holder is gone (a crash, a kill -9) is taken over.
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigurationError } from '../lambda/shared/env';

export const LOCK_FILE = 'server.lock';

export interface DataDirLock {
  release(): void;
}

const isRunning = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, under another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

const holderOf = (file: string): number | undefined => {
  try {
    const pid = Number.parseInt(readFileSync(file, 'utf8'), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
};

export const lockDataDir = (dataDir: string, pid = process.pid): DataDirLock => {
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, LOCK_FILE);
  for (let attempt = 0; attempt < 3; attempt += 1) {
    try {
      writeFileSync(file, `${pid}\n`, { flag: 'wx' });
      return {
        release: () => {
          if (holderOf(file) === pid) rmSync(file, { force: true });
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = holderOf(file);
    if (holder !== undefined && holder !== pid && isRunning(holder))
      throw new ConfigurationError(
        `DATA_DIR ${dataDir} is held by another server (pid ${holder}): one server per data folder`,
      );
    // A stale lock: moved aside, then looked at. When another server took it over meanwhile,
    // what was moved is that server's live lock, and it goes back.
    const aside = `${file}.stale-${pid}`;
    try {
      renameSync(file, aside);
    } catch {
      continue;
    }
    const moved = holderOf(aside);
    if (moved !== undefined && moved !== holder && isRunning(moved)) renameSync(aside, file);
    else rmSync(aside, { force: true });
  }
  throw new ConfigurationError(`DATA_DIR ${dataDir}: could not take its lock (${LOCK_FILE})`);
};
