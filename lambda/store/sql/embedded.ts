// STORE=embedded: PGlite, PostgreSQL compiled to WASM, in DATA_DIR. It has one connection, so
// transactions run one after another in this process; the folder's lock (server/data-dir-lock.ts)
// keeps a second process out, since two on one folder lose writes silently.
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { retryingConflicts, type SqlClient, type SqlDatabase } from './database';

type Queryable = Pick<PGlite, 'query' | 'exec'>;

const clientOf = (queryable: Queryable): SqlClient => ({
  query: async <Row>(text: string, params: readonly unknown[] = []) => {
    const result = await queryable.query<Row>(text, params as unknown[]);
    return { rows: result.rows, rowCount: result.affectedRows ?? 0 };
  },
  exec: async (script) => {
    await queryable.exec(script);
  },
});

/** The database's own folder inside DATA_DIR; in memory when `dataDir` is undefined (tests). */
export const openEmbedded = async (dataDir: string | undefined): Promise<SqlDatabase> => {
  const db = dataDir === undefined ? await PGlite.create() : await PGlite.create(join(dataDir, 'pglite'));
  return {
    kind: 'embedded',
    ...clientOf(db),
    transaction: (work) => retryingConflicts(() => db.transaction((tx) => work(clientOf(tx)))),
    close: () => db.close(),
  };
};
