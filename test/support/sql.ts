// Databases for the SQL suites: a fresh database on the run's PostgreSQL (postgres-global-setup.ts)
// or an in-memory PGlite, both behind the same SqlDatabase the server uses.
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { SqlDatabase } from '../../lambda/store/sql/database';
import { openEmbedded } from '../../lambda/store/sql/embedded';
import { openPostgres } from '../../lambda/store/sql/postgres';
import { POSTGRES_URL_VARIABLE } from './postgres-global-setup';

export const SQL_STORES = ['embedded', 'postgres'] as const;
export type SqlStoreKind = (typeof SQL_STORES)[number];

const harnessUrl = (): string => {
  const url = process.env[POSTGRES_URL_VARIABLE];
  if (!url) throw new Error('this suite needs the PostgreSQL of test/support/postgres-global-setup.ts');
  return url;
};

/** A new, empty database on the harness's PostgreSQL; its URL. */
export const createPostgresDatabase = async (): Promise<string> => {
  const name = `t_${randomUUID().replaceAll('-', '')}`;
  const admin = new pg.Client({ connectionString: harnessUrl() });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  const url = new URL(harnessUrl());
  url.pathname = `/${name}`;
  return url.toString();
};

export interface TestDatabase {
  readonly db: SqlDatabase;
  /** Another connection pool on the same database: a second replica (PostgreSQL only). */
  another(): SqlDatabase;
  close(): Promise<void>;
}

/** An empty database of the given kind (PGlite in memory: ~2–3 s to start, so share it in a file). */
export const openTestDatabase = async (kind: SqlStoreKind): Promise<TestDatabase> => {
  if (kind === 'embedded') {
    const db = await openEmbedded(undefined);
    return {
      db,
      another: () => {
        throw new Error('PGlite has one connection: one process, one replica');
      },
      close: () => db.close(),
    };
  }
  const url = await createPostgresDatabase();
  const opened: SqlDatabase[] = [openPostgres({ url })];
  return {
    db: opened[0] as SqlDatabase,
    another: () => {
      const db = openPostgres({ url });
      opened.push(db);
      return db;
    },
    close: async () => {
      await Promise.all(opened.map((db) => db.close()));
    },
  };
};

/** Empties a database: every table, and the migrations ledger, gone. */
export const emptyDatabase = async (db: SqlDatabase): Promise<void> => {
  await db.exec('DROP SCHEMA public CASCADE; CREATE SCHEMA public;');
};
