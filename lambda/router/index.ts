// Router Lambda entry, its composition root: the only module that reads the environment. It
// builds the dependencies once per cold start and exports the handler createRouter makes.
import { randomIds, systemClock } from '../shared/clock';
import { requiredEnv } from '../shared/env';
import { createLogger } from '../shared/logger';
import { memoizeUntilFailure } from '../shared/memoize';
import { loadSigningSecret } from '../shared/signing-secret';
import { sourceMappedStack } from '../shared/source-mapped-stack';
import { createDocumentClient, createDynamoDbClient } from '../store/dynamodb-client';
import { createRouter, type RouterHandler } from './create-router';
import { readRouterSettings, routerDependencies } from './dependencies';

const env = process.env;
const settings = readRouterSettings(env);
const logger = createLogger({ level: env.LOG_LEVEL, stack: sourceMappedStack });
const client = createDocumentClient(createDynamoDbClient());

// Started while the module loads, so the secret is fetched during the init phase. A failed
// start is forgotten, so the next request tries again instead of failing forever.
const router = memoizeUntilFailure(async () =>
  createRouter(
    await routerDependencies({
      settings,
      signingSecret: await loadSigningSecret(
        env.JWT_SECRET
          ? { secret: env.JWT_SECRET }
          : {
              extension: {
                secretId: requiredEnv(env, 'JWT_SECRET_ARN'),
                sessionToken: requiredEnv(env, 'AWS_SESSION_TOKEN'),
                port: env.PARAMETERS_SECRETS_EXTENSION_HTTP_PORT,
              },
            },
      ),
      client,
      clock: systemClock,
      newId: randomIds,
      logger,
    }),
  ),
);
router().catch(() => undefined);

export const handler: RouterHandler = async (event, context) => (await router())(event, context);
