// `npm run migrate` as an operator (or a Kubernetes Job) runs it: on the embedded store in a
// folder and on PostgreSQL, applying what is missing and saying so; a wrong setting is one line.
import { randomBytes } from 'node:crypto';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { readMigrations } from '../../lambda/store/sql/migrate';
import { lockDataDir } from '../../server/data-dir-lock';
import { KEY_FILE } from '../../server/key-encryption-key';
import { spawnCollecting } from '../support/child-process';
import { newDataDir } from '../support/server-process';
import { createPostgresDatabase } from '../support/sql';

const ROOT = join(__dirname, '..', '..');
const LATEST = readMigrations().length;

const migrate = async (env: Record<string, string>) => {
  const run = spawnCollecting(process.execPath, ['--import', 'tsx', 'scripts/migrate.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', ...env },
  });
  return { code: await run.exit, stdout: run.stdout().trim(), stderr: run.stderr().trim() };
};

// Each run starts node and, for the embedded store, PGlite (seconds each on a loaded machine).
jest.setTimeout(120_000);

describe('npm run migrate', () => {
  it('migrates the embedded store in DATA_DIR once, keeping a key-encryption key beside it', async () => {
    const dataDir = newDataDir();
    const first = await migrate({ DATA_DIR: dataDir });
    expect(first).toMatchObject({ code: 0, stdout: expect.stringMatching(/applied 1.*version \d+\.$/) });
    expect(statSync(join(dataDir, KEY_FILE)).mode & 0o777).toBe(0o600);
    const second = await migrate({ DATA_DIR: dataDir });
    expect(second).toEqual({
      code: 0,
      stdout: `npm run migrate: the embedded schema is current (version ${LATEST}).`,
      stderr: '',
    });
  });

  it('migrates PostgreSQL on DATABASE_URL', async () => {
    const result = await migrate({
      STORE: 'postgres',
      DATABASE_URL: await createPostgresDatabase(),
      KEY_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    });
    expect(result).toMatchObject({ code: 0, stdout: expect.stringMatching(/^npm run migrate: applied 1/) });
  });

  it('refuses a DATA_DIR a server holds, in one line, touching nothing', async () => {
    const dataDir = newDataDir();
    // This test process stands in for the server that holds it.
    const lock = lockDataDir(dataDir, process.pid);
    try {
      const result = await migrate({ DATA_DIR: dataDir });
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(
        /^npm run migrate: DATA_DIR \S+ is held by another server \(pid \d+\)[^\n]*$/,
      );
      expect(existsSync(join(dataDir, 'pglite'))).toBe(false);
    } finally {
      lock.release();
    }
  });

  it('refuses STORE=postgres without DATABASE_URL, in one line', async () => {
    const result = await migrate({ STORE: 'postgres' });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^npm run migrate: DATABASE_URL is required with STORE=postgres[^\n]*$/);
  });
});
