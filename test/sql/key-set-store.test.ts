// The signing key set in the SQL store: sealed under KEY_ENCRYPTION_KEY, one set for all replicas
// however many make it at once, a rotation seen by every replica's next read, and a wrong key
// refused by name.
import { randomBytes } from 'node:crypto';
import { ConfigurationError } from '../../lambda/shared/env';
import { sqlKeySetStore } from '../../lambda/store/sql/key-set-store';
import { migrate } from '../../lambda/store/sql/migrate';
import { keyInState } from '../../lambda/tokens/key-set';
import { rotateKeySet } from '../../lambda/tokens/rotation';
import { emptyDatabase, openTestDatabase, SQL_STORES, type TestDatabase } from '../support/sql';

const KEK = randomBytes(32);
const NOW = new Date('2026-12-06T00:00:00.000Z');

describe.each(SQL_STORES)('the signing key set on %s', (kind) => {
  let test: TestDatabase;
  beforeAll(async () => {
    test = await openTestDatabase(kind);
  });
  beforeEach(async () => {
    await emptyDatabase(test.db);
    await migrate(test.db);
  });
  afterAll(() => test.close());

  it('is made once and read back whole; the row holds no private key or symmetric key in clear', async () => {
    const store = sqlKeySetStore(test.db, KEK);
    expect(await store.read()).toBeUndefined();
    const made = await store.ensure(NOW);
    expect(await store.ensure(NOW)).toEqual(made);
    expect(await store.read()).toEqual(made);
    const { rows } = await test.db.query<{ sealed: string }>('SELECT sealed FROM signing_key_set');
    const current = keyInState(made, 'current');
    expect(rows).toHaveLength(1);
    expect(rows[0]?.sealed).not.toContain(current?.jwk.d);
    expect(rows[0]?.sealed).not.toContain(made.hmacSecret);
    expect(rows[0]?.sealed).not.toContain(current?.kid);
  });

  it('refuses to open with another KEY_ENCRYPTION_KEY, naming it', async () => {
    await sqlKeySetStore(test.db, KEK).ensure(NOW);
    const wrong = sqlKeySetStore(test.db, randomBytes(32));
    await expect(wrong.read()).rejects.toThrow(ConfigurationError);
    await expect(wrong.read()).rejects.toThrow(/^KEY_ENCRYPTION_KEY does not open the signing keys/);
  });

  it('stores a rotation for every reader', async () => {
    const store = sqlKeySetStore(test.db, KEK);
    const rotation = await rotateKeySet(await store.ensure(NOW), NOW);
    await store.write(rotation.set);
    expect(keyInState((await sqlKeySetStore(test.db, KEK).read()) ?? rotation.set, 'next')?.kid).toBe(
      rotation.published.kid,
    );
  });
});

describe('the signing key set on PostgreSQL, made by replicas at once', () => {
  it('is one set: every replica reads the one that won', async () => {
    const test = await openTestDatabase('postgres');
    try {
      await migrate(test.db);
      const replicas = [test.db, test.another(), test.another(), test.another(), test.another()];
      const sets = await Promise.all(replicas.map((db) => sqlKeySetStore(db, KEK).ensure(NOW)));
      const kids = sets.map((set) => keyInState(set, 'current')?.kid);
      expect(new Set(kids).size).toBe(1);
      expect(new Set(sets.map((set) => set.hmacSecret)).size).toBe(1);
    } finally {
      await test.close();
    }
  });
});
