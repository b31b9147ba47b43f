// What the router is built from. Each field is a value made once per cold start by the
// composition root (index.ts), or by whoever else builds a router: the local stack, the test
// kit, the bench. Nothing here reads the environment.
import type { KeySet } from '../keys/key-set';
import type { Clock, IdSource } from '../shared/clock';
import { type CursorSealer, createCursorSealer } from '../shared/cursor';
import { type Environment, integerEnv, requiredEnv } from '../shared/env';
import { KEY_SET_REFRESH_SECONDS } from '../shared/jwks';
import type { Logger } from '../shared/logger';
import { createPasswordHasher, type PasswordHasher } from '../shared/passwords';
import { refreshEvery } from '../shared/refreshing';
import {
  createTokenService,
  importKeySet,
  MAX_TOKEN_TTL_SECONDS,
  type TokenService,
} from '../shared/token-issuer';
import type { DocumentClient } from '../store/dynamodb-client';
import { DynamoDbUserRepository } from '../store/user-repository';
import type { UserRepository } from '../users/repository';

export interface RouterDependencies {
  readonly repository: UserRepository;
  readonly passwords: PasswordHasher;
  readonly tokens: TokenService;
  readonly cursors: CursorSealer;
  readonly clock: Clock;
  readonly newId: IdSource;
  readonly logger: Logger;
}

export interface RouterSettings {
  readonly tableName: string;
  /** bcrypt cost. 10 (~55 ms per hash on one core) is the floor; each step doubles the time. */
  readonly bcryptCost: number;
  readonly tokenTtlSeconds: number;
}

/** The router's settings from an environment record (index.ts hands it `process.env`). */
export const readRouterSettings = (env: Environment): RouterSettings => ({
  tableName: requiredEnv(env, 'TABLE_NAME'),
  bcryptCost: integerEnv(env, 'BCRYPT_COST', 10, 10, 15),
  tokenTtlSeconds: integerEnv(env, 'JWT_TTL_SECONDS', 3600, 60, MAX_TOKEN_TTL_SECONDS),
});

export interface RouterParts {
  readonly settings: RouterSettings;
  /**
   * Reads the signing key set (tokens, JWKS, cursors). Called at the first request and again
   * whenever the copy in hand is KEY_SET_REFRESH_SECONDS old, so a rotation reaches warm routers.
   */
  readonly keys: () => Promise<KeySet>;
  readonly client: DocumentClient;
  readonly clock: Clock;
  readonly newId: IdSource;
  readonly logger: Logger;
}

/** The production wiring of the router's dependencies; tests replace any part they need to. */
export const routerDependencies = async (parts: RouterParts): Promise<RouterDependencies> => {
  const keys = refreshEvery(async () => importKeySet(await parts.keys(), parts.clock), {
    maxAgeSeconds: KEY_SET_REFRESH_SECONDS,
    clock: parts.clock,
    onError: (error) =>
      parts.logger.error('Could not refresh the signing keys; still using the last ones', { error }),
  });
  // The symmetric key is not rotated with the signing keys: the first read's is the one for good.
  const { hmacSecret } = await keys();
  return {
    repository: new DynamoDbUserRepository({ tableName: parts.settings.tableName, client: parts.client }),
    passwords: createPasswordHasher(parts.settings.bcryptCost),
    tokens: createTokenService(keys, parts.settings.tokenTtlSeconds),
    cursors: createCursorSealer(hmacSecret),
    clock: parts.clock,
    newId: parts.newId,
    logger: parts.logger,
  };
};
