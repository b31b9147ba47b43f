// STORE=dynamodb: the repositories the Lambdas use, on a deployed stack's table or on DynamoDB
// Local (DYNAMODB_ENDPOINT, where the table is made as the stack defines it). On AWS the stack's
// mailer Lambda sends the outbox from the table's stream, so the server sends nothing there;
// on DynamoDB Local it reads the stream itself, as `npm start` does.

import { createMailer } from '../lambda/mailer/create-mailer';
import { randomIds } from '../lambda/shared/clock';
import { ensureUsersTable } from '../lambda/store/create-table';
import { createDocumentClient, createDynamoDbClient } from '../lambda/store/dynamodb-client';
import { createDynamoDbOutbox } from '../lambda/store/outbox';
import { ensureKeySet } from '../lambda/tokens/rotation';
import { createLocalApp } from '../local/app';
import { fileKeySetStore } from '../local/signing-keys';
import type { OpenedStore, StoreContext } from './store';

/** DynamoDB Local takes any region and alphanumeric credentials. Also `create-admin --store`'s. */
export const clientOptions = (endpoint: string | undefined) =>
  endpoint
    ? { endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }
    : {};

/** An id no user has: reading it asks the table without finding anything. */
const PROBE_ID = '00000000-0000-4000-8000-000000000000';

export const openDynamoDbStore = async (
  config: { readonly tableName: string; readonly endpoint?: string },
  context: StoreContext,
): Promise<OpenedStore> => {
  const base = createDynamoDbClient(clientOptions(config.endpoint));
  const mailerBase = createDynamoDbClient(clientOptions(config.endpoint));
  try {
    if (config.endpoint) await ensureUsersTable(base, config.tableName);
    // One replica's key file: the SQL stores keep the key set in the store itself.
    const keys = fileKeySetStore(context.dataDir);
    await ensureKeySet(keys, context.clock());
    const app = await createLocalApp(
      {
        settings: { ...context.settings, tableName: config.tableName },
        keys: async () => {
          const set = await keys.read();
          if (!set) throw new Error(`The signing key set in ${keys.file} has gone`);
          return set;
        },
        client: createDocumentClient(base),
        clock: context.clock,
        newId: randomIds,
        logger: context.logger,
      },
      { passwords: context.passwords },
    );
    return {
      app,
      keys,
      ready: async () => {
        await app.dependencies.repository.getById(PROBE_ID);
        return true;
      },
      async startMail(sender, settings) {
        if (!config.endpoint) {
          context.logger.info('Mail is sent by the stack’s mailer Lambda from the table’s stream');
          return async () => {};
        }
        const { startStreamPoller } = await import('../local/stream-poller');
        const poller = await startStreamPoller({
          client: base,
          endpoint: config.endpoint,
          tableName: config.tableName,
          handler: createMailer({
            sender,
            outbox: createDynamoDbOutbox({
              tableName: config.tableName,
              client: createDocumentClient(mailerBase),
            }),
            settings,
            logger: context.logger,
            clock: context.clock,
          }),
          logger: context.logger,
        });
        return () => poller.stop();
      },
      close: async () => {
        base.destroy();
        mailerBase.destroy();
      },
    };
  } catch (error) {
    base.destroy();
    mailerBase.destroy();
    throw error;
  }
};
