// Router Lambda entry, its composition root: the only module that reads the environment. It
// builds the dependencies once per cold start and exports the handler createRouter makes.

import { randomIds, systemClock } from '../shared/clock';
import { createLogger } from '../shared/logger';
import { memoizeUntilFailure } from '../shared/memoize';
import { readSecret, secretSourceFromEnv } from '../shared/secrets-extension';
import { sourceMappedStack } from '../shared/source-mapped-stack';
import { createDocumentClient, createDynamoDbClient } from '../store/dynamodb-client';
import { parseKeySet } from '../tokens/key-set';
import { createRouter, type RouterHandler } from './create-router';
import { readRouterSettings, routerDependencies } from './dependencies';

const env = process.env;
const settings = readRouterSettings(env);
const logger = createLogger({ level: env.LOG_LEVEL, stack: sourceMappedStack });
const client = createDocumentClient(createDynamoDbClient());
const keySet = secretSourceFromEnv(env, {
  valueVariable: 'SIGNING_KEYS',
  arnVariable: 'SIGNING_KEYS_SECRET_ARN',
});

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
