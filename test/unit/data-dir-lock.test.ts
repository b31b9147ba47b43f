// One server per data folder: a second one is refused while the first holds the lock; a lock
// whose holder has died is taken over; a release frees the folder.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LOCK_FILE, lockDataDir } from '../../server/data-dir-lock';

describe('data folder lock', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'lock-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses a second holder while a live process holds it, naming DATA_DIR and the holder', () => {
    const held = lockDataDir(dir);
    // Another live process: this test's parent shell stands in for a second server.
    expect(() => lockDataDir(dir, process.ppid)).toThrow(
      new RegExp(`^DATA_DIR ${dir} is held by another server \\(pid ${process.pid}\\)`),
    );
    held.release();
    expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
  });

  it('takes over a lock whose holder is gone', () => {
    const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']);
    writeFileSync(join(dir, LOCK_FILE), `${gone.stdout.toString()}\n`);
    const lock = lockDataDir(dir);
    expect(readFileSync(join(dir, LOCK_FILE), 'utf8').trim()).toBe(String(process.pid));
    lock.release();
  });

  it('makes the folder when it does not exist', () => {
    const nested = join(dir, 'a', 'b');
    lockDataDir(nested).release();
    expect(existsSync(nested)).toBe(true);
  });
});
