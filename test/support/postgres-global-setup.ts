// Jest global setup of the suites that need PostgreSQL: one real PostgreSQL 15 for the run
// (test/support/postgres.ts); each test file makes databases of its own on it (sql.ts). Its URL
// reaches the workers through process.env, which they inherit.
import { type RunningPostgres, startPostgres } from './postgres';

declare global {
  var __postgres: RunningPostgres | undefined;
}

export const POSTGRES_URL_VARIABLE = 'TEST_POSTGRES_URL';

export default async function globalSetup(): Promise<void> {
  if (globalThis.__postgres) return;
  const postgres = await startPostgres();
  globalThis.__postgres = postgres;
  process.env[POSTGRES_URL_VARIABLE] = postgres.url;
  // A server left running would hold its port and folder: stop it even when Jest is interrupted.
  process.once('exit', () => {
    void postgres.stop();
  });
}
