import type { AccountDependencies } from '../account/dependencies';
import {
  createRateLimiter,
  DEFAULT_RATE_LIMITS,
  RATE_LIMIT_BUCKETS,
  type RateCounter,
  type RateLimiter,
  type RateLimits,
} from '../limits/rate-limits';
import { createMailTokenKeys } from '../mail/mail-tokens';
import { createMfaKeys } from '../mfa/mfa-keys';
import { createRefreshTokens } from '../sessions/refresh-tokens';
import type { Clock, IdSource } from '../shared/clock';
import { createCursorSealer } from '../shared/cursor';
import { ConfigurationError, type Environment, integerEnv, requiredEnv } from '../shared/env';
import type { Logger } from '../shared/logger';
import { createPasswordHasher } from '../shared/passwords';
import { refreshEvery } from '../shared/refreshing';
import { DEFAULT_AUDIT_RETENTION_DAYS, DynamoDbAuditRepository } from '../store/audit-repository';
import type { DocumentClient } from '../store/dynamodb-client';
import { DynamoDbMailRepository } from '../store/mail-repository';
import { DynamoDbMfaRepository } from '../store/mfa-repository';
import { DynamoDbRateCounter } from '../store/rate-counter';
import { DynamoDbSessionRepository } from '../store/session-repository';
import { DynamoDbUserRepository } from '../store/user-repository';
import { createTokenService, importKeySet, MAX_TOKEN_TTL_SECONDS } from '../tokens/issuer';
import { KEY_SET_REFRESH_SECONDS } from '../tokens/jwks';
import type { KeySet } from '../tokens/key-set';

/** Everything every use case the router calls is given, and what the edge itself needs. */
export interface RouterDependencies extends AccountDependencies {
  readonly logger: Logger;
  readonly rateLimiter: RateLimiter;
}

export interface RouterSettings {
  readonly tableName: string;
  /** bcrypt cost. 10 (~55 ms per hash on one core) is the floor; each step doubles the time. */
  readonly bcryptCost: number;
  /** Access tokens: 15 minutes by default. The router checks their session on every call anyway. */
  readonly tokenTtlSeconds: number;
  /** Sessions (and so refresh tokens) end this long after their login: 30 days by default. */
  readonly sessionTtlSeconds: number;
  /** Audit events expire (DynamoDB TTL) this many days after they happened. */
  readonly auditRetentionDays: number;
  /** Per-client limits by bucket; unset buckets keep DEFAULT_RATE_LIMITS. */
  readonly rateLimits?: Partial<RateLimits>;
  /** The issuer authenticator apps show beside the account; "User API" when not set. */
  readonly mfaIssuer?: string | undefined;
}

export const DEFAULT_MFA_ISSUER = 'User API';

const bucketEnvName = (bucket: string) => `RATE_LIMIT_${bucket.toUpperCase().replace(/-/g, '_')}`;

/** `RATE_LIMIT_LOGIN=20/60`: requests per window of seconds, per source IP. */
const readRateLimits = (env: Environment): RateLimits =>
  Object.fromEntries(
    RATE_LIMIT_BUCKETS.map((bucket) => {
      const name = bucketEnvName(bucket);
      const raw = env[name];
      if (raw === undefined || raw === '') return [bucket, DEFAULT_RATE_LIMITS[bucket]];
      const match = /^(\d{1,7})\/(\d{1,6})$/.exec(raw);
      if (!match)
        throw new ConfigurationError(
          `Environment variable ${name} must be "<requests>/<seconds>", got "${raw}"`,
        );
      return [bucket, { limit: Number(match[1]), windowSeconds: Math.max(1, Number(match[2])) }];
    }),
  ) as RateLimits;

/** The router's settings from an environment record (index.ts hands it `process.env`). */
export const readRouterSettings = (env: Environment): RouterSettings => ({
  tableName: requiredEnv(env, 'TABLE_NAME'),
  bcryptCost: integerEnv(env, 'BCRYPT_COST', 10, 10, 15),
  tokenTtlSeconds: integerEnv(env, 'JWT_TTL_SECONDS', 900, 60, MAX_TOKEN_TTL_SECONDS),
  sessionTtlSeconds: integerEnv(env, 'SESSION_TTL_SECONDS', 30 * 24 * 3600, 300, 365 * 24 * 3600),
  auditRetentionDays: integerEnv(env, 'AUDIT_RETENTION_DAYS', DEFAULT_AUDIT_RETENTION_DAYS, 1, 3650),
  rateLimits: readRateLimits(env),
  mfaIssuer: env.MFA_ISSUER || undefined,
});

/** The storage every use case reaches: DynamoDB's repositories unless a part brings others (the SQL store). */
export interface RouterStores {
  readonly repository: RouterDependencies['repository'];
  readonly mail: RouterDependencies['mail'];
  readonly mfa: RouterDependencies['mfa'];
  readonly sessions: RouterDependencies['sessions'];
  readonly audit: RouterDependencies['audit'];
  readonly rateCounter: RateCounter;
}

export interface RouterParts {
  readonly settings: RouterSettings;
  /**
   * Reads the signing key set: the ES256 keys (tokens, JWKS) and the symmetric key that cursors,
   * refresh-token hashes, mailed tokens' HMAC and the second factor's keys are derived from. Called at the first
   * request and again whenever the copy in hand is KEY_SET_REFRESH_SECONDS old, so a rotation
   * reaches warm routers.
   */
  readonly keys: () => Promise<KeySet>;
  /** DynamoDB, for the repositories; not read when `stores` are given. */
  readonly client?: DocumentClient;
  /** Other repositories than DynamoDB's (the server's SQL store). */
  readonly stores?: RouterStores;
  readonly clock: Clock;
  readonly newId: IdSource;
  readonly logger: Logger;
}

/** The repositories on the stack's table. */
const dynamoDbStores = (parts: RouterParts): RouterStores => {
  const { client } = parts;
  if (!client) throw new Error('The router needs a DynamoDB client or other stores');
  const table = {
    tableName: parts.settings.tableName,
    client,
    auditRetentionDays: parts.settings.auditRetentionDays,
  };
  return {
    repository: new DynamoDbUserRepository({ ...table, clock: parts.clock, newId: parts.newId }),
    mail: new DynamoDbMailRepository({ ...table, clock: parts.clock, newId: parts.newId }),
    mfa: new DynamoDbMfaRepository(table),
    sessions: new DynamoDbSessionRepository(table),
    audit: new DynamoDbAuditRepository({ ...table, retentionDays: parts.settings.auditRetentionDays }),
    rateCounter: new DynamoDbRateCounter(table),
  };
};

/** The production wiring of the router's dependencies; tests replace any part they need to. */
export const routerDependencies = async (parts: RouterParts): Promise<RouterDependencies> => {
  const keys = refreshEvery(async () => importKeySet(await parts.keys(), parts.clock), {
    maxAgeSeconds: KEY_SET_REFRESH_SECONDS,
    clock: parts.clock,
    onError: (error) =>
      parts.logger.error('Could not refresh the signing keys; still using the last ones', { error }),
  });
  // The symmetric key is not rotated with the signing keys (a rotation must not invalidate a
  // cursor, a refresh token, a mailed link or a stored second factor): the first read's is the one for good.
  const { hmacSecret } = await keys();
  const stores = parts.stores ?? dynamoDbStores(parts);
  return {
    repository: stores.repository,
    mail: stores.mail,
    mailTokens: createMailTokenKeys(hmacSecret),
    mfa: stores.mfa,
    mfaKeys: createMfaKeys(hmacSecret),
    mfaIssuer: parts.settings.mfaIssuer ?? DEFAULT_MFA_ISSUER,
    sessions: stores.sessions,
    refreshTokens: createRefreshTokens(hmacSecret),
    sessionTtlSeconds: parts.settings.sessionTtlSeconds,
    audit: stores.audit,
    passwords: createPasswordHasher(parts.settings.bcryptCost),
    tokens: createTokenService(keys, parts.settings.tokenTtlSeconds),
    cursors: createCursorSealer(hmacSecret),
    clock: parts.clock,
    newId: parts.newId,
    logger: parts.logger,
    rateLimiter: createRateLimiter(
      stores.rateCounter,
      { ...DEFAULT_RATE_LIMITS, ...parts.settings.rateLimits },
      parts.clock,
    ),
  };
};
