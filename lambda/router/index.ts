// Router Lambda entry, its composition root: the only module that reads the environment. It
// builds the dependencies once per cold start and exports the handler createRouter makes.
import { parseKeySet } from '../keys/key-set';
import { randomIds, systemClock } from '../shared/clock';
import { requiredEnv } from '../shared/env';
import { createLogger } from '../shared/logger';
import { memoizeUntilFailure } from '../shared/memoize';
import { readSecret, type SecretSource } from '../shared/secrets-extension';
import { createDocumentClient, createDynamoDbClient } from '../store/dynamodb-client';
import { createRouter, type RouterHandler } from './create-router';
import { readRouterSettings, routerDependencies } from './dependencies';

const env = process.env;
const settings = readRouterSettings(env);
const logger = createLogger({ level: env.LOG_LEVEL });
const client = createDocumentClient(createDynamoDbClient());
// SIGNING_KEYS (the key set itself) is for running this bundle off AWS: the bench does.
const keySet: SecretSource = env.SIGNING_KEYS
  ? { value: env.SIGNING_KEYS }
  : {
      extension: {
        secretId: requiredEnv(env, 'SIGNING_KEYS_SECRET_ARN'),
        sessionToken: requiredEnv(env, 'AWS_SESSION_TOKEN'),
        port: env.PARAMETERS_SECRETS_EXTENSION_HTTP_PORT,
      },
    };

// Started while the module loads, so the keys are fetched during the init phase. A failed
// start is forgotten, so the next request tries again instead of failing forever.
const router = memoizeUntilFailure(async () =>
  createRouter(
    await routerDependencies({
      settings,
      keys: async () => parseKeySet(await readSecret(keySet)),
      client,
      clock: systemClock,
      newId: randomIds,
      logger,
    }),
  ),
);
router().catch(() => undefined);

export const handler: RouterHandler = async (event, context) => (await router())(event, context);
