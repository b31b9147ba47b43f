// Authorizer Lambda entry, its composition root: the only module that reads the environment.
// A verifier only, over the public keys only: this bundle never issues tokens, so jose's signing
// code stays out of it, and its role can read the public-keys secret and nothing else.
import { systemClock } from '../shared/clock';
import { createLogger } from '../shared/logger';
import { refreshEvery } from '../shared/refreshing';
import { readSecret, secretSourceFromEnv } from '../shared/secrets-extension';
import { sourceMappedStack } from '../shared/source-mapped-stack';
import { KEY_SET_REFRESH_SECONDS, parseJwks } from '../tokens/jwks';
import { createTokenVerifier, importVerificationKeys } from '../tokens/verifier';
import { type AuthorizerHandler, createAuthorizer } from './create-authorizer';

const env = process.env;
const logger = createLogger({ level: env.LOG_LEVEL, stack: sourceMappedStack });
const publicKeys = secretSourceFromEnv(env, {
  valueVariable: 'PUBLIC_KEYS',
  arnVariable: 'PUBLIC_KEYS_SECRET_ARN',
});

// Keys imported once per cold start, and again only when the copy is KEY_SET_REFRESH_SECONDS old.
const verifier = refreshEvery(
  async () =>
    createTokenVerifier(await importVerificationKeys(parseJwks(await readSecret(publicKeys))), systemClock),
  {
    maxAgeSeconds: KEY_SET_REFRESH_SECONDS,
    clock: systemClock,
    onError: (error) =>
      logger.error('Could not refresh the public keys; still using the last ones', { error }),
  },
);
verifier().catch(() => undefined);

export const handler: AuthorizerHandler = createAuthorizer({ verifier, logger });
