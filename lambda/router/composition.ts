// Composition root of the router: configuration (read once, at load) and the wired service.
// Also used by `npm start` and `npm run create-admin`, so they run the very same code.
import { createCursorSealer } from '../shared/cursor';
import { integerEnv, requiredEnv } from '../shared/env';
import { createPasswordHasher } from '../shared/passwords';
import { loadSigningSecret } from '../shared/signing-secret';
import { createTokenService, importSigningKey } from '../shared/tokens';
import { createDocumentClient, createDynamoDbClient } from '../store/dynamodb-client';
import { DynamoDbUserRepository } from '../store/user-repository';
import { UserService } from '../users/service';

export interface RouterConfig {
  readonly tableName: string;
  /** bcrypt cost. 10 (~55 ms per hash on one core) is the floor; each step doubles the time. */
  readonly bcryptCost: number;
  readonly tokenTtlSeconds: number;
}

export const readRouterConfig = (): RouterConfig => ({
  tableName: requiredEnv('TABLE_NAME'),
  bcryptCost: integerEnv('BCRYPT_COST', 10, 10, 15),
  tokenTtlSeconds: integerEnv('JWT_TTL_SECONDS', 3600, 60, 24 * 3600),
});

export const createUserService = async (config: RouterConfig = readRouterConfig()): Promise<UserService> => {
  const secret = await loadSigningSecret();
  return new UserService({
    repository: new DynamoDbUserRepository({
      tableName: config.tableName,
      client: createDocumentClient(createDynamoDbClient()),
    }),
    passwords: createPasswordHasher(config.bcryptCost),
    tokens: createTokenService(await importSigningKey(secret), config.tokenTtlSeconds),
    cursors: createCursorSealer(secret),
  });
};
