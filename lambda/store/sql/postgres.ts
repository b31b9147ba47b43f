// STORE=postgres: pg's pool on DATABASE_URL. Bounded waits everywhere, so a database that hangs
// becomes a prompt 503 instead of a request that waits forever.
import pg from 'pg';
import { orUnavailable, retryingConflicts, type SqlClient, type SqlDatabase } from './database';

export interface PostgresOptions {
  readonly url: string;
  /** Connections per replica; replicas × this must stay under the server's max_connections. */
  readonly maxConnections?: number;
}

const clientOf = (queryable: pg.Pool | pg.PoolClient): SqlClient => ({
  query: async <Row>(text: string, params: readonly unknown[] = []) => {
    const result = await orUnavailable(queryable.query(text, params as unknown[]));
    return { rows: result.rows as Row[], rowCount: result.rowCount ?? 0 };
  },
  // Without parameters pg sends the simple query protocol, which takes several statements.
  exec: async (script) => {
    await orUnavailable(queryable.query(script));
  },
});

export const openPostgres = (options: PostgresOptions): SqlDatabase => {
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.maxConnections ?? 10,
    connectionTimeoutMillis: 2_000,
    idleTimeoutMillis: 30_000,
    statement_timeout: 10_000,
    query_timeout: 12_000,
    application_name: 'user-api',
  });
  // An idle client whose server went away: the next query gets a fresh one; nothing to crash for.
  pool.on('error', () => undefined);
  return {
    kind: 'postgres',
    ...clientOf(pool),
    transaction: (work) =>
      retryingConflicts(async () => {
        const connection = await orUnavailable(pool.connect());
        let broken = false;
        // A server that ends the connection while it is checked out (shut down, restarted) emits
        // an error no query is waiting for; unheard, it would end the process. The statement
        // that follows fails as unavailable, and the connection is thrown away.
        const lost = () => {
          broken = true;
        };
        connection.on('error', lost);
        try {
          await orUnavailable(connection.query('BEGIN'));
          const result = await work(clientOf(connection));
          // A COMMIT whose answer was lost may have landed: 503, never 2xx, and the client retries.
          await orUnavailable(connection.query('COMMIT'));
          return result;
        } catch (error) {
          await connection.query('ROLLBACK').catch(() => {
            broken = true;
          });
          throw error;
        } finally {
          connection.off('error', lost);
          connection.release(broken);
        }
      }),
    close: () => pool.end(),
  };
};
