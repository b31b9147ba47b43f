// Mailer Lambda entry, its composition root: the only module of the mailer that reads the
// environment. MAIL_FROM unset means mail is off: the handler logs it and fails every outbox
// record, so they reach the dead-letter queue (and its alarm) instead of vanishing.
import { systemClock } from '../shared/clock';
import { requiredEnv } from '../shared/env';
import { createLogger } from '../shared/logger';
import { createDocumentClient, createDynamoDbClient } from '../store/dynamodb-client';
import { createDynamoDbOutbox } from '../store/outbox';
import { createMailer, type MailerHandler } from './create-mailer';
import { createSesClient, createSesSender } from './ses-sender';

const env = process.env;
const logger = createLogger({ level: env.LOG_LEVEL });
const from = env.MAIL_FROM?.trim() ?? '';

export const handler: MailerHandler = createMailer({
  sender: from === '' ? undefined : createSesSender({ from, client: createSesClient() }),
  outbox: createDynamoDbOutbox({
    tableName: requiredEnv(env, 'TABLE_NAME'),
    client: createDocumentClient(createDynamoDbClient()),
  }),
  settings: {
    appUrl: requiredEnv(env, 'APP_URL').replace(/\/+$/, ''),
    productName: env.PRODUCT_NAME?.trim() || 'User API',
  },
  logger,
  clock: systemClock,
});
