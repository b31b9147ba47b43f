// `npm run rotate-signing-key -- --store` on the server's PostgreSQL store: a new key published in
// the sealed set every replica reads, which signs only after the publish delay.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { sqlKeySetStore } from '../../lambda/store/sql/key-set-store';
import { migrate } from '../../lambda/store/sql/migrate';
import { openPostgres } from '../../lambda/store/sql/postgres';
import { keyInState } from '../../lambda/tokens/key-set';
import { spawnCollecting } from '../support/child-process';
import { createPostgresDatabase } from '../support/sql';

const ROOT = join(__dirname, '..', '..');

it('publishes a new key in the store for every replica, signing later', async () => {
  const url = await createPostgresDatabase();
  const kek = randomBytes(32);
  const db = openPostgres({ url });
  try {
    await migrate(db);
    const before = await sqlKeySetStore(db, kek).ensure(new Date());
    const run = spawnCollecting(
      process.execPath,
      ['--import', 'tsx', 'scripts/rotate-signing-key.ts', '--store'],
      {
        cwd: ROOT,
        env: {
          PATH: process.env.PATH ?? '',
          STORE: 'postgres',
          DATABASE_URL: url,
          KEY_ENCRYPTION_KEY: kek.toString('base64'),
        },
      },
    );
    expect(await run.exit).toBe(0);
    expect(run.stdout()).toMatch(
      /^Signing keys of the postgres store:\n {2}Published key \S+; it signs from /,
    );
    const after = await sqlKeySetStore(db, kek).read();
    const next = after && keyInState(after, 'next');
    expect(next?.kid).toBeDefined();
    expect(Date.parse(next?.signsFrom ?? '')).toBeGreaterThan(Date.now());
    expect(after && keyInState(after, 'current')?.kid).toBe(keyInState(before, 'current')?.kid);
  } finally {
    await db.close();
  }
});
