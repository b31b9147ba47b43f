// Authorizer Lambda entry, its composition root: the only module that reads the environment.
// A verifier only: this bundle never issues tokens, so jose's signing code stays out of it.
import { requiredEnv } from '../shared/env';
import { createLogger } from '../shared/logger';
import { memoizeUntilFailure } from '../shared/memoize';
import { loadSigningSecret } from '../shared/signing-secret';
import { sourceMappedStack } from '../shared/source-mapped-stack';
import { createTokenVerifier, importSigningKey } from '../shared/tokens';
import { type AuthorizerHandler, createAuthorizer } from './create-authorizer';

const env = process.env;

const verifier = memoizeUntilFailure(() =>
  loadSigningSecret(
    env.JWT_SECRET
      ? { secret: env.JWT_SECRET }
      : {
          extension: {
            secretId: requiredEnv(env, 'JWT_SECRET_ARN'),
            sessionToken: requiredEnv(env, 'AWS_SESSION_TOKEN'),
            port: env.PARAMETERS_SECRETS_EXTENSION_HTTP_PORT,
          },
        },
  )
    .then(importSigningKey)
    .then(createTokenVerifier),
);
verifier().catch(() => undefined);

export const handler: AuthorizerHandler = createAuthorizer({
  verifier,
  logger: createLogger({ level: env.LOG_LEVEL, stack: sourceMappedStack }),
});
