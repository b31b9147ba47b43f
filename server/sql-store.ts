// STORE=embedded and STORE=postgres: the SQL database opened and migrated (under the advisory
// lock, so replicas starting together migrate once), the signing key set kept in it sealed
// under KEY_ENCRYPTION_KEY (one set for every replica, re-read by each as the Lambdas re-read
// theirs, so a rotation reaches them all long before the new key signs), the router on the SQL
// repositories, the outbox sender and the sweep.
import { randomIds } from '../lambda/shared/clock';
import { sqlKeySetStore } from '../lambda/store/sql/key-set-store';
import { migrate, readMigrations, schemaVersion } from '../lambda/store/sql/migrate';
import { sqlStores } from '../lambda/store/sql/stores';
import { startSweeper } from '../lambda/store/sql/sweep';
import { createLocalApp } from '../local/app';
import type { ServerConfig } from './config';
import { startOutboxSender } from './outbox-sender';
import { openSqlDatabase } from './sql-database';
import type { OpenedStore, StoreContext } from './store';

export const openSqlStore = async (
  config: Pick<ServerConfig, 'store' | 'dataDir' | 'keyEncryptionKey'>,
  context: StoreContext,
): Promise<OpenedStore> => {
  // The server holds DATA_DIR's lock itself, for as long as it runs.
  const { db, keyEncryptionKey, close } = await openSqlDatabase(config, { lock: false });
  try {
    const latest = readMigrations().length;
    await migrate(db);
    const keys = sqlKeySetStore(db, keyEncryptionKey);
    await keys.ensure(context.clock());
    const writing = {
      auditRetentionDays: context.settings.auditRetentionDays,
      clock: context.clock,
      newId: randomIds,
    };
    const app = await createLocalApp(
      {
        settings: { ...context.settings, tableName: config.store.kind },
        keys: async () => {
          const set = await keys.read();
          if (!set) throw new Error('The signing key set has gone from the store');
          return set;
        },
        stores: sqlStores(db, writing),
        clock: context.clock,
        newId: randomIds,
        logger: context.logger,
      },
      { passwords: context.passwords },
    );
    const sweeper = startSweeper({ db, clock: context.clock, logger: context.logger });
    return {
      app,
      keys,
      // Ahead counts as current: an upgrade runs the next release's migrations (the Kubernetes
      // Job) before its rollout, and this release's replicas must keep serving until replaced.
      ready: async () => (await schemaVersion(db)) >= latest,
      async startMail(sender, settings) {
        const outbox = startOutboxSender({
          db,
          sender,
          settings,
          logger: context.logger,
          clock: context.clock,
        });
        return () => outbox.stop();
      },
      close: async () => {
        await sweeper.stop();
        await close();
      },
    };
  } catch (error) {
    await close();
    throw error;
  }
};
