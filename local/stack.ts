// The local stack behind `npm start`, the end-to-end tests and the benchmarks: the gateway's port
// → DynamoDB Local → the users table → the two handlers, built from their factories → the
// bootstrap admin → the gateway serving. Nothing is configured through process.env, so several
// stacks with different settings can live in one process.
import type { RequestListener, Server } from 'node:http';
import { createServer } from 'node:http';
import { join, resolve } from 'node:path';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { createGatewayCore } from '../gateway/gateway-core';
import type { Gateway, GatewayHandlers } from '../gateway/gateway-types';
import type { RateLimits } from '../lambda/limits/rate-limits';
import { createMailer } from '../lambda/mailer/create-mailer';
import { type Brand, createPagesHandler, DEFAULT_BRAND } from '../lambda/pages/create-pages-handler';
import type { PageFiles } from '../lambda/pages/page-files';
import { type Clock, randomIds, systemClock } from '../lambda/shared/clock';
import { ConfigurationError } from '../lambda/shared/env';
import { ValidationError } from '../lambda/shared/errors';
import { createLogger, type Logger } from '../lambda/shared/logger';
import { parseStrict } from '../lambda/shared/parse-strict';
import { ensureUsersTable } from '../lambda/store/create-table';
import { createDocumentClient, createDynamoDbClient } from '../lambda/store/dynamodb-client';
import { createDynamoDbOutbox } from '../lambda/store/outbox';
import { ensureKeySet, type KeySetStore } from '../lambda/tokens/rotation';
import type { AdminBootstrapOutcome } from '../lambda/users/ensure-admin';
import { adminAccountSchema } from '../lambda/users/schemas';
import { createLocalApp, type LocalApp } from './app';
import { type DynamoDbLocal, freePort, localClientOptions, startDynamoDbLocal } from './dynamodb-local';
import { createLocalListener, type GatewayOptions } from './gateway';
import { type MailCatcher, mailboxOf, startMailCatcher } from './mail-catcher';
import { INBOX_PAGE_PATH, localPages } from './pages';
import { fileKeySetStore, KEY_SET_FILE, memoryKeySetStore } from './signing-keys';
import { createSmtpSender } from './smtp-sender';
import { type StreamPoller, startStreamPoller } from './stream-poller';

/** The table name everywhere on this machine (on AWS, CloudFormation names it per branch). */
export const LOCAL_TABLE_NAME = 'users-local';
/** Where `npm start` keeps the database files and the signing keys between runs, by default. */
export const DEFAULT_DATA_DIR = resolve(__dirname, '..', '.local');

/** A startup failure the user can act on; its message is the one line `npm start` prints. */
export class LocalStackError extends Error {}

export interface LocalStackOptions {
  /** Keep no data: DynamoDB Local in memory, fresh signing keys. */
  readonly inMemory?: boolean;
  /** Where data is kept unless `inMemory`; `.local/` at the repository root by default. */
  readonly dataDir?: string;
  /** The gateway's port; 0 or omitted takes a free one. */
  readonly port?: number;
  /** DynamoDB Local's port; omitted takes a free one. */
  readonly dynamoDbPort?: number;
  /** An already running DynamoDB Local to use instead of starting one (the Jest harness has one). */
  readonly dynamoDbEndpoint?: string;
  readonly tableName?: string;
  /**
   * Where the signing key set comes from. Omitted: `signing-keys.json` in the data folder (made
   * on first start), or a fresh set in memory with `inMemory`. A store without a set gets one.
   */
  readonly keys?: KeySetStore;
  /** When given, this admin exists once the stack is up. */
  readonly admin?: { readonly email: string; readonly password: string };
  /** bcrypt cost (default 10), access-token lifetime (default 900 s) and session lifetime (default 30 days), as the stack sets them. */
  readonly bcryptCost?: number;
  readonly tokenTtlSeconds?: number;
  readonly sessionTtlSeconds?: number;
  /** Step-up: how recent a sign-in must be for a sensitive action without a password (default 300 s). */
  readonly reauthMaxAgeSeconds?: number;
  /** Per-client rate limits; unset buckets keep the product defaults (DEFAULT_RATE_LIMITS). */
  readonly rateLimits?: Partial<RateLimits>;
  /** The handlers' logger; quiet (warnings and errors only) by default: the gateway logs requests. */
  readonly logger?: Logger;
  /** The handlers' clock, and the gateway's for its verdict cache; tests move it instead of sleeping. */
  readonly clock?: Clock;
  /** How long the gateway reuses an authorizer verdict; the route table's TTL by default. */
  readonly authorizerCacheTtlSeconds?: number;
  readonly onRequest?: GatewayOptions['onRequest'];
  readonly onError?: GatewayOptions['onError'];
  /** The built pages (pages/build.ts) to serve at /account/; without them those routes are 404s. */
  readonly pages?: PageFiles;
  /** The product name and accent colour of the pages and the mail; DEFAULT_BRAND when absent. */
  readonly brand?: Brand;
}

export interface LocalStack {
  /** Base URL of the gateway, e.g. `http://localhost:3000`. */
  readonly url: string;
  readonly port: number;
  readonly tableName: string;
  readonly dynamoDb: {
    readonly endpoint: string;
    readonly pid: number | undefined;
    readonly inMemory: boolean;
  };
  readonly admin: AdminBootstrapOutcome | undefined;
  /** The local mail catcher's inbox page, for a person; programs use GET /_local/inbox?to=. */
  readonly mailInboxUrl: string;
  /** The router and authorizer this stack's gateway calls, for tools that run one event (invoke). */
  readonly handlers: GatewayHandlers;
  /** The gateway behind the socket: a request through it, without HTTP. */
  readonly gateway: Gateway;
  /** What the handlers were built from, and the bootstrap of further admins (the test kit's). */
  readonly app: LocalApp;
  /** Settles when a DynamoDB Local this stack started exits, for whatever reason. */
  readonly dynamoDbExited: Promise<void>;
  /** Closes the gateway, then stops DynamoDB Local if this stack started it. Safe to call twice. */
  stop(): Promise<void>;
}

const dataDirOf = (options: LocalStackOptions): string => resolve(options.dataDir || DEFAULT_DATA_DIR);

const listen = (server: Server, port: number, host: string): Promise<number> =>
  new Promise((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const address = server.address();
      resolveListen(typeof address === 'object' && address ? address.port : port);
    });
  });

const closeServer = (server: Server): Promise<void> =>
  new Promise((resolveClose) => {
    server.close(() => resolveClose());
    server.closeAllConnections();
  });

/**
 * Binds the gateway's port on both loopback addresses before anything slow starts, so a port in
 * use fails in milliseconds. Requests that arrive before `serve` wait for it, as they would
 * through a cold start.
 */
const bindGateway = async (port: number) => {
  let serve: (gateway: RequestListener) => void = () => {};
  const gateway = new Promise<RequestListener>((resolveGateway) => {
    serve = resolveGateway;
  });
  const makeServer = () => {
    const server = createServer({ keepAlive: true }, (req, res) => {
      void gateway.then((listener) => listener(req, res));
    });
    server.keepAliveTimeout = 60_000;
    return server;
  };
  const ipv4 = makeServer();
  let bound: number;
  try {
    bound = await listen(ipv4, port, '127.0.0.1');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new LocalStackError(
        `Port ${port} is already in use: stop whatever holds it, or set PORT to another port.`,
      );
    }
    throw error;
  }
  // `localhost` may resolve to ::1 first; serve it there too when the machine has IPv6.
  const servers = [ipv4];
  const ipv6 = makeServer();
  try {
    await listen(ipv6, bound, '::1');
    servers.push(ipv6);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE' && port !== 0) {
      await closeServer(ipv4);
      throw new LocalStackError(
        `Port ${port} is already in use on ::1: stop whatever holds it, or set PORT to another port.`,
      );
    }
  }
  return {
    port: bound,
    // `localhost` only when both loopback addresses answer, whichever one a client tries first.
    host: servers.length === 2 ? 'localhost' : '127.0.0.1',
    serve,
    close: () => Promise.all(servers.map(closeServer)).then(() => undefined),
  };
};

const assertPortFree = async (port: number, variable: string): Promise<void> => {
  const probe = createServer();
  try {
    await listen(probe, port, '127.0.0.1');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new LocalStackError(
        `${variable} ${port} is already in use: stop whatever holds it, or choose another port.`,
      );
    }
    throw error;
  } finally {
    await closeServer(probe);
  }
};

const ADMIN_VARIABLES: Record<string, string> = { email: 'ADMIN_EMAIL', password: 'ADMIN_PASSWORD' };

/** Runs `work`, turning the API's refusal of the admin account into one line about the variables. */
const refusingAdmin = async <T>(work: () => T | Promise<T>): Promise<T> => {
  try {
    return await work();
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    // The API's own words, addressed to the variable that carries the value (never the value).
    const reasons = error.errors.map(
      (issue) => `${ADMIN_VARIABLES[issue.path] ?? issue.path} ${issue.message}`,
    );
    throw new LocalStackError(`The admin was not created: ${reasons.join('; ') || error.detail}`);
  }
};

export const startLocalStack = async (options: LocalStackOptions = {}): Promise<LocalStack> => {
  const inMemory = options.inMemory ?? false;
  const tableName = options.tableName ?? LOCAL_TABLE_NAME;
  const clock = options.clock ?? systemClock;
  const keys = options.keys ?? (inMemory ? memoryKeySetStore() : fileKeySetStore(dataDirOf(options)));
  await ensureKeySet(keys, clock()).catch((error: unknown) => {
    if (!(error instanceof ConfigurationError)) throw error;
    throw new LocalStackError(
      `${error.message} (${KEY_SET_FILE} in the data folder; delete it for a new one).`,
    );
  });
  // The same rules again inside ensureAdmin; checked here too, so a refusal costs no Java start.
  if (options.admin)
    await refusingAdmin(() => parseStrict(adminAccountSchema, options.admin, 'admin account'));
  if (options.dynamoDbPort !== undefined && !options.dynamoDbEndpoint) {
    await assertPortFree(options.dynamoDbPort, 'DYNAMODB_PORT');
  }
  const gateway = await bindGateway(options.port ?? 0);

  let dynamoDb: DynamoDbLocal | undefined;
  let baseClient: DynamoDBClient | undefined;
  let stopped: Promise<void> | undefined;
  let catcher: MailCatcher | undefined;
  let poller: StreamPoller | undefined;
  let smtp: ReturnType<typeof createSmtpSender> | undefined;
  const closers: (() => void)[] = [];
  const stop = (): Promise<void> => {
    stopped ??= (async () => {
      await gateway.close();
      await poller?.stop();
      smtp?.close();
      for (const close of closers) close();
      await catcher?.stop();
      baseClient?.destroy();
      await dynamoDb?.stop();
    })();
    return stopped;
  };
  try {
    const dynamoDbPort = options.dynamoDbEndpoint ? undefined : (options.dynamoDbPort ?? (await freePort()));
    const endpoint = options.dynamoDbEndpoint ?? `http://127.0.0.1:${dynamoDbPort}`;
    baseClient = createDynamoDbClient(localClientOptions(endpoint));
    // Java takes seconds to come up; build the app meanwhile.
    const [started, built] = await Promise.allSettled([
      dynamoDbPort === undefined
        ? Promise.resolve(undefined)
        : startDynamoDbLocal({
            port: dynamoDbPort,
            ...(inMemory ? {} : { dataDir: join(dataDirOf(options), 'dynamodb') }),
          }),
      createLocalApp({
        settings: {
          tableName,
          bcryptCost: options.bcryptCost ?? 10,
          tokenTtlSeconds: options.tokenTtlSeconds ?? 900,
          sessionTtlSeconds: options.sessionTtlSeconds ?? 30 * 24 * 3600,
          ...(options.reauthMaxAgeSeconds !== undefined && {
            reauthMaxAgeSeconds: options.reauthMaxAgeSeconds,
          }),
          auditRetentionDays: 365,
          ...(options.rateLimits && { rateLimits: options.rateLimits }),
        },
        keys: async () => {
          const set = await keys.read();
          if (!set) throw new LocalStackError('The signing key set has gone.');
          return set;
        },
        client: createDocumentClient(baseClient),
        clock,
        newId: randomIds,
        // The handlers' JSON log lines are for CloudWatch; locally the gateway's request lines say enough.
        logger: options.logger ?? createLogger({ level: 'warn' }),
      }),
    ]);
    if (started.status === 'fulfilled' && started.value) {
      const child = started.value.process;
      dynamoDb = started.value;
      // Whatever ends this process, Java must not outlive it.
      process.once('exit', () => child.kill('SIGKILL'));
    }
    if (started.status === 'rejected') throw started.reason;
    if (built.status === 'rejected') throw built.reason;
    const app = built.value;

    await ensureUsersTable(baseClient, tableName);
    const url = `http://${gateway.host}:${gateway.port}`;
    const brand = options.brand ?? DEFAULT_BRAND;
    const mailerClient = createDynamoDbClient(localClientOptions(endpoint));
    closers.push(() => mailerClient.destroy());
    catcher = await startMailCatcher();
    smtp = createSmtpSender(catcher.port, 'User API <no-reply@localhost>');
    const logger = options.logger ?? createLogger({ level: 'warn' });
    // The same mailer handler the stack deploys, fed from DynamoDB Local's stream.
    const mailer = createMailer({
      sender: smtp,
      // A base client of its own: one document client per base client.
      outbox: createDynamoDbOutbox({ tableName, client: createDocumentClient(mailerClient) }),
      // Mailed links open the account pages this gateway serves.
      settings: { productName: brand.productName, appUrl: `${url}/account` },
      logger,
      clock: systemClock,
    });
    poller = await startStreamPoller({ client: baseClient, endpoint, tableName, handler: mailer, logger });
    const admin = options.admin
      ? await refusingAdmin(() => app.ensureAdmin(options.admin?.email ?? '', options.admin?.password ?? ''))
      : undefined;

    const pages = options.pages && createPagesHandler(options.pages, brand);
    const core = createGatewayCore({
      ...app.handlers,
      ...(pages && { pages }),
      clock,
      ...(options.authorizerCacheTtlSeconds !== undefined && {
        authorizerCacheTtlSeconds: options.authorizerCacheTtlSeconds,
      }),
      onError: options.onError,
    });
    gateway.serve(
      createLocalListener(core, { onRequest: options.onRequest, localPages: localPages(mailboxOf(catcher)) }),
    );
    const exited = dynamoDb
      ? new Promise<void>((resolveExit) => dynamoDb?.process.once('exit', () => resolveExit()))
      : new Promise<void>(() => {});
    return {
      url,
      mailInboxUrl: `${url}${INBOX_PAGE_PATH}`,
      port: gateway.port,
      tableName,
      dynamoDb: { endpoint, pid: dynamoDb?.process.pid, inMemory },
      admin,
      handlers: app.handlers,
      gateway: core,
      app,
      dynamoDbExited: exited,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
};
