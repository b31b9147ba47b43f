// The app as the deployed stack runs it, built in-process from the handlers' own factories: the
// router and the authorizer over one set of dependencies, plus the bootstrap of the first admin.
// The local stack, the test kit, `npm run invoke` and the bench build it here, never through
// process.env, so any number of apps with different settings can share one process.
import { createAuthorizer } from '../lambda/authorizer/create-authorizer';
import { createRouter } from '../lambda/router/create-router';
import { type RouterDependencies, type RouterParts, routerDependencies } from '../lambda/router/dependencies';
import { createTokenVerifier, importSigningKey } from '../lambda/shared/tokens';
import { type AdminBootstrapOutcome, ensureAdmin } from '../lambda/users/ensure-admin';
import type { GatewayHandlers } from './gateway';

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
  const verifier = createTokenVerifier(await importSigningKey(parts.signingSecret), dependencies.clock);
  const router = createRouter(dependencies);
  const authorizer = createAuthorizer({ verifier: async () => verifier, logger: dependencies.logger });
  return {
    handlers: {
      router: (event, context) => router(event, context),
      authorizer: (event) => authorizer(event),
    },
    dependencies,
    ensureAdmin: (email, password) => ensureAdmin(dependencies, email, password),
  };
};
