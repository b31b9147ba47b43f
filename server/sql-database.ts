// Opens the SQL database a configuration names: PGlite in DATA_DIR (with the folder's lock and
// its kept KEY_ENCRYPTION_KEY unless one is given) or PostgreSQL on DATABASE_URL. Used by the
// server and by `npm run migrate`.

import type { SqlDatabase } from '../lambda/store/sql/database';
import { openEmbedded } from '../lambda/store/sql/embedded';
import { openPostgres } from '../lambda/store/sql/postgres';
import type { ServerConfig } from './config';
import { lockDataDir } from './data-dir-lock';
import { keptKeyEncryptionKey } from './key-encryption-key';

export interface OpenedSqlDatabase {
  readonly db: SqlDatabase;
  readonly keyEncryptionKey: Buffer;
  /** Closes the database, then frees DATA_DIR. */
  close(): Promise<void>;
}

export const openSqlDatabase = async (
  config: Pick<ServerConfig, 'store' | 'dataDir' | 'keyEncryptionKey'>,
  /** `lock: false` when the caller already holds DATA_DIR's lock (the server does). */
  { lock: locking = true } = {},
): Promise<OpenedSqlDatabase> => {
  if (config.store.kind === 'postgres') {
    // The configuration refuses postgres without a key; this keeps the type honest.
    if (!config.keyEncryptionKey) throw new Error('KEY_ENCRYPTION_KEY is required with STORE=postgres');
    const db = openPostgres({ url: config.store.databaseUrl });
    return { db, keyEncryptionKey: config.keyEncryptionKey, close: () => db.close() };
  }
  if (config.store.kind !== 'embedded') throw new Error(`STORE=${config.store.kind} is not a SQL store`);
  const lock = locking ? lockDataDir(config.dataDir) : { release: () => {} };
  try {
    const keyEncryptionKey = config.keyEncryptionKey ?? keptKeyEncryptionKey(config.dataDir);
    const db = await openEmbedded(config.dataDir);
    return {
      db,
      keyEncryptionKey,
      close: async () => {
        await db.close();
        lock.release();
      },
    };
  } catch (error) {
    lock.release();
    throw error;
  }
};
