// What the router is built from. Each field is a value made once per cold start by the
// composition root (index.ts), or by whoever else builds a router: the local stack, the test
// kit, the bench. Nothing here reads the environment.
import { createMfaKeys, type MfaKeys } from '../mfa/mfa-keys';
import type { MfaRepository } from '../mfa/repository';
import type { Clock, IdSource } from '../shared/clock';
import { type CursorSealer, createCursorSealer } from '../shared/cursor';
import { type Environment, integerEnv, requiredEnv } from '../shared/env';
import type { Logger } from '../shared/logger';
import { createPasswordHasher, type PasswordHasher } from '../shared/passwords';
import { createTokenService, importSigningKey, type TokenService } from '../shared/tokens';
import type { DocumentClient } from '../store/dynamodb-client';
import { DynamoDbMfaRepository } from '../store/mfa-repository';
import { DynamoDbUserRepository } from '../store/user-repository';
import type { UserRepository } from '../users/repository';

export interface RouterDependencies {
  readonly repository: UserRepository;
  readonly mfa: MfaRepository;
  readonly mfaKeys: MfaKeys;
  readonly mfaIssuer: string;
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
  /** The issuer authenticator apps show beside the account; "User API" when not set. */
  readonly mfaIssuer?: string | undefined;
}

export const DEFAULT_MFA_ISSUER = 'User API';

/** The router's settings from an environment record (index.ts hands it `process.env`). */
export const readRouterSettings = (env: Environment): RouterSettings => ({
  tableName: requiredEnv(env, 'TABLE_NAME'),
  bcryptCost: integerEnv(env, 'BCRYPT_COST', 10, 10, 15),
  tokenTtlSeconds: integerEnv(env, 'JWT_TTL_SECONDS', 3600, 60, 24 * 3600),
  mfaIssuer: env.MFA_ISSUER || undefined,
});

export interface RouterParts {
  readonly settings: RouterSettings;
  /** Key material for tokens, cursors and the second factor's keys (each derived for its own use). */
  readonly signingSecret: Uint8Array;
  readonly client: DocumentClient;
  readonly clock: Clock;
  readonly newId: IdSource;
  readonly logger: Logger;
}

/** The production wiring of the router's dependencies; tests replace any part they need to. */
export const routerDependencies = async (parts: RouterParts): Promise<RouterDependencies> => ({
  repository: new DynamoDbUserRepository({ tableName: parts.settings.tableName, client: parts.client }),
  mfa: new DynamoDbMfaRepository({ tableName: parts.settings.tableName, client: parts.client }),
  mfaKeys: createMfaKeys(parts.signingSecret),
  mfaIssuer: parts.settings.mfaIssuer ?? DEFAULT_MFA_ISSUER,
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
