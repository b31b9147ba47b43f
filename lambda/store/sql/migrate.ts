// The schema as versioned SQL files (migrations/NNNN_name.sql beside this module), applied in order, each
// in its own transaction under one advisory lock: replicas that start together wait for each
// other, and the first one applies what the others then find applied. A migration never edits
// one that shipped; it adds the next.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SqlClient, SqlDatabase } from './database';

export const MIGRATIONS_DIR = join(__dirname, 'migrations');
/** Any constant shared by every replica of this service: the key of its migration lock. */
const MIGRATION_LOCK = 7_531_902;

export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

const FILE = /^(\d{4})_([a-z0-9_]+)\.sql$/;

export const readMigrations = (dir = MIGRATIONS_DIR): Migration[] => {
  const migrations = readdirSync(dir)
    .filter((file) => FILE.test(file))
    .sort()
    .map((file) => {
      const [, version, name] = FILE.exec(file) ?? [];
      return { version: Number(version), name: name ?? file, sql: readFileSync(join(dir, file), 'utf8') };
    });
  migrations.forEach((migration, index) => {
    if (migration.version !== index + 1)
      throw new Error(
        `Migration ${migration.version}_${migration.name} is out of sequence: expected ${index + 1}`,
      );
  });
  return migrations;
};

const LEDGER = `CREATE TABLE IF NOT EXISTS schema_migrations (
  version integer PRIMARY KEY,
  name text NOT NULL,
  applied_at timestamptz NOT NULL DEFAULT now()
)`;

const applied = async (tx: SqlClient, version: number): Promise<boolean> =>
  (await tx.query('SELECT 1 FROM schema_migrations WHERE version = $1', [version])).rows.length > 0;

/** Applies what is missing, up to `upTo` (all by default); returns the versions this call applied. */
export const migrate = async (
  db: SqlDatabase,
  migrations: readonly Migration[] = readMigrations(),
  upTo = Number.POSITIVE_INFINITY,
): Promise<number[]> => {
  const done: number[] = [];
  for (const migration of migrations.filter((m) => m.version <= upTo)) {
    const ran = await db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK]);
      await tx.exec(LEDGER);
      if (await applied(tx, migration.version)) return false;
      await tx.exec(migration.sql);
      await tx.query('INSERT INTO schema_migrations (version, name) VALUES ($1, $2)', [
        migration.version,
        migration.name,
      ]);
      return true;
    });
    if (ran) done.push(migration.version);
  }
  return done;
};

/** The highest version applied; 0 on an empty database. */
export const schemaVersion = async (db: SqlClient): Promise<number> => {
  // Two statements: a query that names a missing table fails even in a branch it never takes.
  const ledger = await db.query<{ exists: boolean }>(
    "SELECT to_regclass('schema_migrations') IS NOT NULL AS exists",
  );
  if (!ledger.rows[0]?.exists) return 0;
  const { rows } = await db.query<{ version: number }>(
    'SELECT coalesce(max(version), 0)::int AS version FROM schema_migrations',
  );
  return rows[0]?.version ?? 0;
};
