// The schema's versioned migrations on both SQL stores: applied in order, once; each one from the
// schema before it; replicas that start together on one PostgreSQL migrate it once between them.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { migrate, readMigrations, schemaVersion } from '../../lambda/store/sql/migrate';
import { emptyDatabase, openTestDatabase, SQL_STORES, type TestDatabase } from '../support/sql';

const MIGRATIONS = readMigrations();
const LATEST = MIGRATIONS.length;

describe.each(SQL_STORES)('migrations on %s', (kind) => {
  let test: TestDatabase;
  beforeAll(async () => {
    test = await openTestDatabase(kind);
  });
  beforeEach(() => emptyDatabase(test.db));
  afterAll(() => test.close());

  it('applies every migration to an empty database, in order, and nothing the second time', async () => {
    expect(await schemaVersion(test.db)).toBe(0);
    expect(await migrate(test.db)).toEqual(MIGRATIONS.map((m) => m.version));
    expect(await schemaVersion(test.db)).toBe(LATEST);
    expect(await migrate(test.db)).toEqual([]);
    const { rows } = await test.db.query<{ version: number; name: string }>(
      'SELECT version, name FROM schema_migrations ORDER BY version',
    );
    expect(rows).toEqual(MIGRATIONS.map(({ version, name }) => ({ version, name })));
  });

  it.each(MIGRATIONS.map((m) => [m.version, m.name] as const))(
    'applies migration %i (%s) to the schema before it',
    async (version) => {
      await migrate(test.db, MIGRATIONS, version - 1);
      expect(await schemaVersion(test.db)).toBe(version - 1);
      expect(await migrate(test.db, MIGRATIONS, version)).toEqual([version]);
      expect(await schemaVersion(test.db)).toBe(version);
    },
  );

  it('leaves no trace of a migration that fails: its statements and its ledger row roll back together', async () => {
    const broken = [
      ...MIGRATIONS,
      {
        version: LATEST + 1,
        name: 'broken',
        sql: 'CREATE TABLE half_done (id int); SELECT no_such_function();',
      },
    ];
    await expect(migrate(test.db, broken)).rejects.toThrow(/no_such_function/);
    expect(await schemaVersion(test.db)).toBe(LATEST);
    const { rows } = await test.db.query("SELECT to_regclass('half_done') AS t");
    expect(rows[0]).toEqual({ t: null });
  });
});

describe('migrations on PostgreSQL, with replicas starting together', () => {
  it('apply each version once, whichever replica gets there first', async () => {
    const test = await openTestDatabase('postgres');
    try {
      const replicas = [test.db, test.another(), test.another(), test.another()];
      const applied = await Promise.all(replicas.map((db) => migrate(db)));
      expect(applied.flat().sort((a, b) => a - b)).toEqual(MIGRATIONS.map((m) => m.version));
      expect(await schemaVersion(test.db)).toBe(LATEST);
    } finally {
      await test.close();
    }
  });
});

describe('migration files', () => {
  it('must be numbered without gaps', () => {
    const dir = mkdtempSync(join(tmpdir(), 'migrations-'));
    writeFileSync(join(dir, '0001_first.sql'), 'SELECT 1;');
    writeFileSync(join(dir, '0003_third.sql'), 'SELECT 1;');
    expect(() => readMigrations(dir)).toThrow(/0*3_third is out of sequence: expected 2/);
  });
});
