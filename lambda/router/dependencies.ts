// What the router is built from. Each field is a value made once per cold start by the
// composition root (index.ts), or by whoever else builds a router: the local stack, the test
// kit, the bench. Nothing here reads the environment.
import { createMailTokenKeys, type MailTokenKeys } from '../mail/mail-tokens';
import type { MailRepository } from '../mail/repository';
import type { Clock, IdSource } from '../shared/clock';
import { type CursorSealer, createCursorSealer } from '../shared/cursor';
import { type Environment, integerEnv, requiredEnv } from '../shared/env';
import type { Logger } from '../shared/logger';
import { createPasswordHasher, type PasswordHasher } from '../shared/passwords';
import { createTokenService, importSigningKey, type TokenService } from '../shared/tokens';
import type { DocumentClient } from '../store/dynamodb-client';
import { DynamoDbMailRepository } from '../store/mail-repository';
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
  readonly mail: MailRepository;
  readonly mailTokens: MailTokenKeys;
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
  tokenTtlSeconds: integerEnv(env, 'JWT_TTL_SECONDS', 3600, 60, 24 * 3600),
});

export interface RouterParts {
  readonly settings: RouterSettings;
  /** Key material for tokens, cursors and mailed tokens' HMAC (each derives its own key). */
  readonly signingSecret: Uint8Array;
  readonly client: DocumentClient;
  readonly clock: Clock;
  readonly newId: IdSource;
  readonly logger: Logger;
}

/** The production wiring of the router's dependencies; tests replace any part they need to. */
export const routerDependencies = async (parts: RouterParts): Promise<RouterDependencies> => ({
  repository: new DynamoDbUserRepository({
    tableName: parts.settings.tableName,
    client: parts.client,
    clock: parts.clock,
    newId: parts.newId,
  }),
  mail: new DynamoDbMailRepository({
    tableName: parts.settings.tableName,
    client: parts.client,
    clock: parts.clock,
    newId: parts.newId,
  }),
  mailTokens: createMailTokenKeys(parts.signingSecret),
  passwords: createPasswordHasher(parts.settings.bcryptCost),
  tokens: createTokenService(
    await importSigningKey(parts.signingSecret),
    parts.settings.tokenTtlSeconds,
    parts.clock,
  ),
  cursors: createCursorSealer(parts.signingSecret),
  clock: parts.clock,
  newId: parts.newId,
  logger: parts.logger,
});
