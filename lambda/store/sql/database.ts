// One SQL dialect on two drivers: PGlite (the embedded store, PostgreSQL in WASM, one connection,
// one process per folder) and pg's pool (PostgreSQL). The repositories see only SqlDatabase:
// parameterised queries, and transactions that are retried when PostgreSQL picks them as the
// loser of a serialization conflict or a deadlock. A database that is unreachable or shutting
// down becomes the domain's UnavailableError (a 503 at the edge), as DynamoDB's outages do.
import { UnavailableError } from '../../shared/errors';

export interface SqlResult<Row> {
  readonly rows: Row[];
  /** Rows inserted, updated or deleted by the statement. */
  readonly rowCount: number;
}

export interface SqlClient {
  query<Row = Record<string, unknown>>(text: string, params?: readonly unknown[]): Promise<SqlResult<Row>>;
  /** Runs a script of several statements, without parameters (a migration). */
  exec(script: string): Promise<void>;
}

export interface SqlDatabase extends SqlClient {
  readonly kind: 'embedded' | 'postgres';
  /** Runs `work` in one transaction on one connection: all of it commits, or none. */
  transaction<T>(work: (tx: SqlClient) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

/** PostgreSQL's SQLSTATE of an error, when it has one. */
export const sqlStateOf = (error: unknown): string | undefined => {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
};

export const UNIQUE_VIOLATION = '23505';
const RETRIED = new Set(['40001', '40P01']);
/** Connection failures, server shutdown, too many connections, a server starting or stopping. */
const UNAVAILABLE = /^(08|57P0|53300)/;
const NETWORK = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EHOSTUNREACH', 'ENOTFOUND']);

export const isUnavailable = (error: unknown): boolean => {
  const state = sqlStateOf(error);
  if (state) return UNAVAILABLE.test(state);
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && NETWORK.has(code)) return true;
  const message = error instanceof Error ? error.message : '';
  return /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error/i.test(
    message,
  );
};

/** Awaits a database call; an outage becomes UnavailableError, with the cause kept for the log. */
export const orUnavailable = async <T>(request: Promise<T>): Promise<T> => {
  try {
    return await request;
  } catch (error) {
    if (!isUnavailable(error)) throw error;
    throw new UnavailableError('The user store is not answering right now; retry shortly.', [], {
      cause: error,
    });
  }
};

const MAX_TRANSACTION_ATTEMPTS = 5;

/** Runs a transaction again when PostgreSQL aborted it as a serialization failure or a deadlock. */
export const retryingConflicts = async <T>(attempt: () => Promise<T>): Promise<T> => {
  for (let tries = 1; ; tries += 1) {
    try {
      return await attempt();
    } catch (error) {
      const state = sqlStateOf(error);
      if (!state || !RETRIED.has(state) || tries >= MAX_TRANSACTION_ATTEMPTS) throw error;
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 10 * tries));
    }
  }
};
