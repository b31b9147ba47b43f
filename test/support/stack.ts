// The one stack starter of the suites: the app as `npm start` builds it (local/app.ts), on the
// Jest harness's DynamoDB Local with a table of its own, reached either through the gateway core
// in process (`over: 'core'`, the integration suite: everything API Gateway does, minus the
// socket) or over real HTTP (`over: 'http'`, the e2e and security suites: the local stack on a
// free port). Both come with a leak-checking client (client.ts), helpers that make accounts
// through the API, and, when asked for, the bootstrap admin logged in.
import { randomBytes, randomUUID } from 'node:crypto';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteTableCommand } from '@aws-sdk/client-dynamodb';
import { createGatewayCore } from '../../gateway/gateway-core';
import type { Gateway, GatewayHandlers } from '../../gateway/gateway-types';
import { RATE_LIMIT_BUCKETS, type RateLimits } from '../../lambda/limits/rate-limits';
import { DEFAULT_BRAND } from '../../lambda/pages/create-pages-handler';
import type { RouterDependencies } from '../../lambda/router/dependencies';
import { type Clock, randomIds, systemClock } from '../../lambda/shared/clock';
import { type Logger, silentLogger } from '../../lambda/shared/logger';
import { createDynamoDbClient } from '../../lambda/store/dynamodb-client';
import type { KeySet } from '../../lambda/tokens/key-set';
import { ensureKeySet, type KeySetStore } from '../../lambda/tokens/rotation';
import type { AdminBootstrapOutcome } from '../../lambda/users/ensure-admin';
import { createLocalApp, type LocalApp } from '../../local/app';
import { localClientOptions } from '../../local/dynamodb-local';
import { memoryKeySetStore } from '../../local/signing-keys';
import { type LocalStack, type LocalStackOptions, startLocalStack } from '../../local/stack';
import { buildPages } from '../../pages/build';
import { startServer } from '../../server/serve';
import { createClient } from './client';
import { claimsOf, signToken } from './forged-tokens';
import { newDataDir } from './server-process';
import { createPostgresDatabase } from './sql';
import { createTestTable, harnessEndpoint, testDocumentClient, testDynamoDbClient } from './tables';
import { type ApiResponse, type Client, newSecrets, overCore, overHttp, type Transport } from './transport';

/** The admin a stack bootstraps when asked (`admin: ADMIN`), as `ADMIN_EMAIL`/`ADMIN_PASSWORD` do for `npm start`. */
export const ADMIN = { email: 'admin@kit.example.com', password: 'test kit admin password' } as const;

/**
 * Every suite calls from one address, far more often than a person would: the kit's default is
 * limits no suite reaches, and the abuse tests set the limits they attack.
 */
export const UNREACHED_RATE_LIMITS: RateLimits = Object.fromEntries(
  RATE_LIMIT_BUCKETS.map((bucket) => [bucket, { limit: 1_000_000, windowSeconds: 60 }]),
) as RateLimits;

let pagesBuild: ReturnType<typeof buildPages> | undefined;
/** The pages as `npm start` serves them, built once per test process. */
export const builtPages = (): ReturnType<typeof buildPages> => {
  pagesBuild ??= buildPages();
  return pagesBuild;
};

export const uniqueEmail = (label = 'user'): string => `${label}-${randomUUID().slice(0, 12)}@example.com`;

export interface Account {
  readonly id: string;
  readonly email: string;
  readonly password: string;
  readonly token: string;
  /** The ETag of the account as it was made. */
  readonly etag: string;
}

export interface SignUpOverrides {
  readonly email?: string;
  readonly password?: string;
  readonly name?: string;
}

export interface TestStackOptions {
  /** `core`: the gateway core in process, no socket. `http`: the local stack on a free port. */
  readonly over: 'core' | 'http';
  /** The handlers' clock and the gateway's (its verdict cache): tests move it instead of sleeping. */
  readonly clock?: Clock;
  /** The handlers' logger; silent by default. */
  readonly logger?: Logger;
  /** Where the signing keys live; a fresh set in memory by default. */
  readonly keys?: KeySetStore;
  /** Per-client limits; by default none that a suite could reach (UNREACHED_RATE_LIMITS). */
  readonly rateLimits?: Partial<RateLimits>;
  /** Access-token lifetime: 3600 s in process, the local stack's default over HTTP. */
  readonly tokenTtlSeconds?: number;
  /** Step-up's window (REAUTH_MAX_AGE_SECONDS): the product default, 300 s, when not set. */
  readonly reauthMaxAgeSeconds?: number;
  readonly authorizerCacheTtlSeconds?: number;
  /** The admin bootstrapped at start and logged in as `stack.admin`; none by default. */
  readonly admin?: { readonly email: string; readonly password: string };
  /** Serve the account pages, built once per test process (`http` only). */
  readonly pages?: boolean;
  /** More for the local stack (`http` only): its own DynamoDB Local, a fixed table, a request log. */
  readonly local?: Partial<LocalStackOptions>;
}

export interface TestStack extends Client {
  readonly tableName: string;
  /** The gateway every request goes through (behind the socket, with `http`). */
  readonly gateway: Gateway;
  /** The router and authorizer behind it, for what no gateway would send (a misrouted event). */
  readonly handlers: GatewayHandlers;
  /** What the handlers were built from, to call use cases directly. */
  readonly deps: RouterDependencies;
  /** Where this stack's signing keys live: tests forge tokens with them, and rotate them. */
  readonly keys: KeySetStore;
  keySet(): Promise<KeySet>;
  /** Signs `claims` with this stack's current key (test/support/forged-tokens.ts). */
  signToken(claims: Record<string, unknown>, options?: Parameters<typeof signToken>[2]): Promise<string>;
  /** The local stack (`http` only). */
  readonly local: LocalStack;
  /** The base URL (`http` only). */
  readonly url: string;
  /** A client on this stack's DynamoDB, to look at (or plant) what the API stored. */
  readonly dynamoDb: DynamoDBClient;
  /** The bootstrap admin (`options.admin`), logged in. */
  readonly admin: Account;
  /** Another client, from another address (127.0.0.x): a different client to the gateway. */
  client(options: { readonly sourceIp: string }): Client;
  /** Signs up (anonymously, role `user`) and logs in a fresh account; a string is its label. */
  signUp(who?: string | SignUpOverrides): Promise<Account>;
  logIn(email: string, password: string): Promise<string>;
  /** PATCH /users/{id} with `json`, as the holder of `as.token`. */
  changeUser(as: { readonly token: string }, id: string, json: unknown): Promise<ApiResponse>;
  /** The bootstrap of `npm run create-admin`, on this stack (its password joins the sent ones). */
  ensureAdmin(email: string, password: string): Promise<AdminBootstrapOutcome>;
  /** A fresh admin made by that bootstrap, logged in. */
  newAdmin(): Promise<Account>;
  /** Deletes the table, then stops whatever the stack started. */
  close(): Promise<void>;
}

interface Started {
  readonly tableName: string;
  readonly gateway: Gateway;
  readonly app: LocalApp;
  readonly local: LocalStack | undefined;
  /** The base URL, over http. */
  readonly url: string | undefined;
  /** The store's own key set, when the stack keeps it (the server on a SQL store). */
  readonly keys?: KeySetStore;
  readonly dynamoDb: DynamoDBClient;
  readonly transport: (sourceIp?: string) => Transport;
  stop(): Promise<void>;
}

const appSettings = (options: TestStackOptions) => ({
  rateLimits: options.rateLimits ?? UNREACHED_RATE_LIMITS,
  logger: options.logger ?? silentLogger,
  clock: options.clock ?? systemClock,
});

const startInProcess = async (options: TestStackOptions, keys: KeySetStore): Promise<Started> => {
  const tableName = await createTestTable();
  const { rateLimits, logger, clock } = appSettings(options);
  const app = await createLocalApp({
    settings: {
      tableName,
      bcryptCost: 10,
      tokenTtlSeconds: options.tokenTtlSeconds ?? 3600,
      sessionTtlSeconds: 30 * 24 * 3600,
      ...(options.reauthMaxAgeSeconds !== undefined && { reauthMaxAgeSeconds: options.reauthMaxAgeSeconds }),
      auditRetentionDays: 365,
      rateLimits,
    },
    keys: async () => {
      const set = await keys.read();
      if (!set) throw new Error('the test key set has gone');
      return set;
    },
    client: testDocumentClient(),
    clock,
    newId: randomIds,
    logger,
  });
  if (options.admin) await app.ensureAdmin(options.admin.email, options.admin.password);
  const gateway = createGatewayCore({
    ...app.handlers,
    clock,
    ...(options.authorizerCacheTtlSeconds !== undefined && {
      authorizerCacheTtlSeconds: options.authorizerCacheTtlSeconds,
    }),
  });
  const dynamoDb = testDynamoDbClient();
  return {
    tableName,
    gateway,
    app,
    local: undefined,
    url: undefined,
    dynamoDb,
    transport: (sourceIp) => overCore(gateway, sourceIp),
    stop: async () => {
      await dynamoDb.send(new DeleteTableCommand({ TableName: tableName }));
    },
  };
};

const startOverHttp = async (options: TestStackOptions, keys: KeySetStore): Promise<Started> => {
  const { rateLimits, logger, clock } = appSettings(options);
  const local = await startLocalStack({
    inMemory: true,
    port: 0,
    dynamoDbEndpoint: harnessEndpoint(),
    tableName: `stack-${randomUUID()}`,
    keys,
    rateLimits,
    logger,
    clock,
    ...(options.admin && { admin: options.admin }),
    ...(options.tokenTtlSeconds !== undefined && { tokenTtlSeconds: options.tokenTtlSeconds }),
    ...(options.reauthMaxAgeSeconds !== undefined && { reauthMaxAgeSeconds: options.reauthMaxAgeSeconds }),
    ...(options.authorizerCacheTtlSeconds !== undefined && {
      authorizerCacheTtlSeconds: options.authorizerCacheTtlSeconds,
    }),
    ...(options.pages && { pages: await builtPages() }),
    ...options.local,
  });
  const dynamoDb = createDynamoDbClient(localClientOptions(local.dynamoDb.endpoint));
  return {
    tableName: local.tableName,
    gateway: local.gateway,
    app: local.app,
    local,
    url: local.url,
    dynamoDb,
    transport: (sourceIp) => overHttp(local.url, sourceIp),
    stop: async () => {
      await dynamoDb.send(new DeleteTableCommand({ TableName: local.tableName }));
      dynamoDb.destroy();
      await local.stop();
    },
  };
};

/**
 * The e2e suites run a second and third time against `npm run serve` on the SQL stores: their
 * Jest projects set E2E_SERVE (jest.config.js), and `over: 'http'` then starts the server in
 * this process, on a PGlite folder or a fresh PostgreSQL database, instead of the local stack.
 */
const serveTarget = (): 'embedded' | 'postgres' | undefined =>
  (globalThis as { E2E_SERVE?: 'embedded' | 'postgres' }).E2E_SERVE;

const startOverServer = async (
  options: TestStackOptions,
  kind: 'embedded' | 'postgres',
): Promise<Started> => {
  const { rateLimits, logger, clock } = appSettings(options);
  const server = await startServer(
    {
      store: kind === 'postgres' ? { kind, databaseUrl: await createPostgresDatabase() } : { kind },
      dataDir: newDataDir(),
      port: 0,
      host: '127.0.0.1',
      keyEncryptionKey: randomBytes(32),
      catchMail: true,
      ...(options.admin && { admin: options.admin }),
      router: {
        bcryptCost: 10,
        tokenTtlSeconds: options.tokenTtlSeconds ?? 900,
        sessionTtlSeconds: 30 * 24 * 3600,
        auditRetentionDays: 365,
        rateLimits,
      },
      brand: DEFAULT_BRAND,
      logLevel: 'silent',
      shutdownDelaySeconds: 0,
      trustProxyHops: 0,
    },
    { logger, clock },
  );
  await server.opened;
  const serving = server.serving();
  if (!serving) throw new Error('the server stopped before it served');
  const dynamoDb = testDynamoDbClient();
  return {
    tableName: `serve-${kind}`,
    gateway: serving.gateway,
    app: serving.store.app,
    local: undefined,
    url: server.url,
    keys: serving.store.keys,
    dynamoDb,
    transport: (sourceIp) => overHttp(server.url, sourceIp),
    stop: () => server.shutdown({ immediate: true }),
  };
};

/** The key set the kit hands the stack it starts: the test's, or a fresh one in memory. */
const kitKeys = async (options: TestStackOptions): Promise<KeySetStore> => {
  const keys = options.keys ?? memoryKeySetStore();
  await ensureKeySet(keys, (options.clock ?? systemClock)());
  return keys;
};

const startStack = async (options: TestStackOptions): Promise<{ started: Started; keys: KeySetStore }> => {
  const serve = options.over === 'http' ? serveTarget() : undefined;
  if (serve) {
    const started = await startOverServer(options, serve);
    if (!started.keys) throw new Error('the server keeps no key set');
    return { started, keys: started.keys };
  }
  const keys = await kitKeys(options);
  const started = await (options.over === 'core'
    ? startInProcess(options, keys)
    : startOverHttp(options, keys));
  return { started, keys };
};

export const startTestStack = async (options: TestStackOptions): Promise<TestStack> => {
  const { started, keys } = await startStack(options);
  const secrets = newSecrets(options.admin ? [options.admin.password] : []);
  /** The key set now; its private members join what no response may show. */
  const keySet = async (): Promise<KeySet> => {
    const set = await keys.read();
    if (!set) throw new Error('the test key set has gone');
    secrets.others.add(set.hmacSecret);
    for (const key of set.keys) if (key.jwk.d) secrets.others.add(key.jwk.d);
    return set;
  };
  await keySet();
  const { call } = createClient(started.transport(), secrets);

  const logIn = async (email: string, password: string): Promise<string> => {
    const response = await call('POST', '/login', { json: { email, password } });
    if (response.status !== 200) throw new Error(`login failed: ${response.status} ${response.text}`);
    return response.body.token;
  };
  const account = async (email: string, password: string): Promise<Account> => {
    const token = await logIn(email, password);
    const id = claimsOf(token).sub as string;
    const read = await call('GET', `/users/${id}`, { token });
    if (read.status !== 200) throw new Error(`reading the new account failed: ${read.status} ${read.text}`);
    return { id, email, password, token, etag: read.headers.get('etag') ?? '' };
  };
  const admin = options.admin && (await account(options.admin.email, options.admin.password));

  const signUp = async (who: string | SignUpOverrides = {}): Promise<Account> => {
    const overrides = typeof who === 'string' ? { name: who, email: uniqueEmail(who) } : who;
    const email = overrides.email ?? uniqueEmail();
    const password = overrides.password ?? `pw ${randomUUID()}`;
    const created = await call('POST', '/users', {
      json: { email, name: overrides.name ?? 'Test User', password },
    });
    if (created.status !== 201) throw new Error(`sign-up failed: ${created.status} ${created.text}`);
    return account(email, password);
  };
  const ensureAdmin = (email: string, password: string): Promise<AdminBootstrapOutcome> => {
    secrets.passwords.add(password);
    return started.app.ensureAdmin(email, password);
  };
  const newAdmin = async (): Promise<Account> => {
    const email = uniqueEmail('admin');
    const password = `admin ${randomUUID()}`;
    await ensureAdmin(email, password);
    return account(email, password);
  };
  const changeUser = (as: { readonly token: string }, id: string, json: unknown) =>
    call('PATCH', `/users/${id}`, { token: as.token, json });
  const httpOnly = <T>(value: T | undefined, what: string): T => {
    if (value === undefined)
      throw new Error(`a stack over the gateway core has no ${what}: start it over http`);
    return value;
  };

  return {
    call,
    sentPasswords: secrets.passwords,
    tableName: started.tableName,
    gateway: started.gateway,
    handlers: started.app.handlers,
    deps: started.app.dependencies,
    keys,
    keySet,
    signToken: async (claims, signOptions = {}) => signToken(claims, await keySet(), signOptions),
    get local() {
      return httpOnly(started.local, 'local stack');
    },
    get url() {
      return httpOnly(started.url, 'URL');
    },
    dynamoDb: started.dynamoDb,
    get admin() {
      if (!admin) throw new Error('this stack bootstraps no admin: start it with `admin: ADMIN`');
      return admin;
    },
    client: ({ sourceIp }) => createClient(started.transport(sourceIp), secrets),
    signUp,
    logIn,
    changeUser,
    ensureAdmin,
    newAdmin,
    close: started.stop,
  };
};

/**
 * The stack of this test file, started before its first test and closed after its last: usable
 * as soon as the file declares it, so each file's setup is one line.
 */
export const testStackForThisFile = (options: TestStackOptions): TestStack => {
  let started: TestStack | undefined;
  beforeAll(async () => {
    started = await startTestStack(options);
  });
  afterAll(async () => {
    await started?.close();
  });
  // Every field and method read from the started stack at the moment it is used.
  return new Proxy({} as TestStack, {
    get: (_, key) => {
      if (!started) throw new Error('the test stack is used before beforeAll started it');
      return Reflect.get(started, key);
    },
  });
};
