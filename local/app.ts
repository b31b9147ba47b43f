// The app as the deployed stack runs it, built in-process from the handlers' own factories: the
// router and the authorizer over one set of dependencies, plus the bootstrap of the first admin.
// The local stack, the test kit, `npm run invoke` and the bench build it here, never through
// process.env, so any number of apps with different settings can share one process.

import type { GatewayHandlers } from '../gateway/gateway-types';
import { createAuthorizer } from '../lambda/authorizer/create-authorizer';
import { createRouter } from '../lambda/router/create-router';
import { type RouterDependencies, type RouterParts, routerDependencies } from '../lambda/router/dependencies';
import { refreshEvery } from '../lambda/shared/refreshing';
import { KEY_SET_REFRESH_SECONDS, parseJwks } from '../lambda/tokens/jwks';
import { publishedKeys } from '../lambda/tokens/key-set';
import { createTokenVerifier, importVerificationKeys } from '../lambda/tokens/verifier';
import { type AdminBootstrapOutcome, ensureAdmin } from '../lambda/users/ensure-admin';

export interface LocalApp {
  readonly handlers: GatewayHandlers;
  readonly dependencies: RouterDependencies;
  /** The same idempotent bootstrap as `npm run create-admin`. */
  ensureAdmin(email: string, password: string): Promise<AdminBootstrapOutcome>;
}

export const createLocalApp = async (
  parts: RouterParts,
  overrides: Partial<RouterDependencies> = {},
): Promise<LocalApp> => {
  const dependencies = { ...(await routerDependencies(parts)), ...overrides };
  // The authorizer sees what its own secret holds on AWS: the published keys as JSON, nothing
  // private, re-read on the same schedule.
  const verifier = refreshEvery(
    async () => {
      const jwks = parseJwks(JSON.stringify(publishedKeys(await parts.keys())));
      return createTokenVerifier(await importVerificationKeys(jwks), dependencies.clock);
    },
    { maxAgeSeconds: KEY_SET_REFRESH_SECONDS, clock: dependencies.clock },
  );
  const router = createRouter(dependencies);
  const authorizer = createAuthorizer({ verifier, logger: dependencies.logger });
  return {
    handlers: {
      router: (event, context) => router(event, context),
      authorizer: (event) => authorizer(event),
    },
    dependencies,
    ensureAdmin: (email, password) => ensureAdmin(dependencies, email, password),
  };
};
