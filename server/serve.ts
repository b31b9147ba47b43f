// `npm run serve` without its entry: binds the port first (so /livez answers and a port in use
// fails in milliseconds), then opens the store, retrying with back-off while /readyz says 503 and
// the API answers the same 503 problem as on Lambda, then serves the gateway core. Nothing here
// reads process.env; server/index.ts hands in the configuration.
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { createGatewayCore } from '../gateway/gateway-core';
import type { Gateway } from '../gateway/gateway-types';
import { createHttpListener } from '../gateway/http-listener';
import type { MailSender } from '../lambda/mailer/create-mailer';
import { createPagesHandler } from '../lambda/pages/create-pages-handler';
import { type PageFiles, readPageFiles } from '../lambda/pages/page-files';
import { problem } from '../lambda/router/responses';
import type { Clock } from '../lambda/shared/clock';
import { ConfigurationError } from '../lambda/shared/env';
import { UnavailableError, ValidationError } from '../lambda/shared/errors';
import type { Logger } from '../lambda/shared/logger';
import { parseStrict } from '../lambda/shared/parse-strict';
import { adminAccountSchema } from '../lambda/users/schemas';
import { createSmtpSender } from '../local/smtp-sender';
import { clientAddress } from './client-address';
import type { ServerConfig } from './config';
import { lockDataDir } from './data-dir-lock';
import { openDynamoDbStore } from './dynamodb-store';
import { createHttpServer } from './http-server';
import { createPasswordPool } from './password-pool';
import { openSqlStore } from './sql-store';
import type { OpenedStore, StoreContext } from './store';

export const MAIL_FROM = 'User API <no-reply@localhost>';
/** Back-off while the store does not answer at start: 0.5 s, doubling, at most this. */
const MAX_RETRY_DELAY_MS = 15_000;

export interface ServerDependencies {
  readonly logger: Logger;
  readonly clock: Clock;
}

export interface RunningServer {
  /** Where a client on this machine reaches it. */
  readonly url: string;
  readonly port: number;
  /**
   * True once the store is open and the API is served, false when a shutdown came first;
   * rejects on a ConfigurationError.
   */
  readonly opened: Promise<boolean>;
  /** The store and the gateway behind the socket once serving: for the test kit's checks. */
  serving(): { readonly store: OpenedStore; readonly gateway: Gateway } | undefined;
  /** The SIGTERM path: readyz 503, the delay (unless `immediate`), the drain, then the store and the pool are closed. */
  shutdown(options?: { readonly immediate?: boolean }): Promise<void>;
}

const readBuiltPages = (folder: string): PageFiles => {
  try {
    const files = readPageFiles(folder);
    if (Object.keys(files.html).length > 0) return files;
  } catch {
    // Missing or unreadable: the same refusal.
  }
  throw new ConfigurationError(`PAGES_DIR ${folder} holds no built pages (npm run build:pages writes them)`);
};

const ADMIN_VARIABLES: Record<string, string> = { email: 'ADMIN_EMAIL', password: 'ADMIN_PASSWORD' };

/** The API's refusal of the admin account, addressed to the variable that carries it (never the value). */
const checkAdmin = (admin: ServerConfig['admin']): void => {
  if (!admin) return;
  try {
    parseStrict(adminAccountSchema, admin, 'admin account');
  } catch (error) {
    if (!(error instanceof ValidationError)) throw error;
    const first = error.errors[0];
    throw new ConfigurationError(
      first ? `${ADMIN_VARIABLES[first.path] ?? first.path} ${first.message}` : `ADMIN_EMAIL ${error.detail}`,
    );
  }
};

const unavailable = problem(
  new UnavailableError('The service is starting and its store is not answering yet; retry shortly.'),
);
const notYetServing: RequestListener = (_req, res) => {
  res.writeHead(unavailable.statusCode ?? 503, unavailable.headers as Record<string, string>);
  res.end(unavailable.body);
};

const storeOpener = (config: ServerConfig) => {
  const { store } = config;
  return store.kind === 'dynamodb'
    ? (context: StoreContext) => openDynamoDbStore(store, context)
    : (context: StoreContext) => openSqlStore(config, context);
};

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    });
  });

export const startServer = async (config: ServerConfig, deps: ServerDependencies): Promise<RunningServer> => {
  const { logger } = deps;
  checkAdmin(config.admin);
  const openStore = storeOpener(config);
  // PostgreSQL keeps nothing in DATA_DIR; the embedded database and DynamoDB's key file do.
  const lock = config.store.kind === 'postgres' ? { release: () => {} } : lockDataDir(config.dataDir);
  const passwords = createPasswordPool(config.router.bcryptCost, config.passwordThreads);
  const closers: (() => Promise<void> | void)[] = [() => passwords.close(), () => lock.release()];
  const closeAll = async () => {
    for (const close of closers.splice(0).reverse()) await close();
  };

  let listener: RequestListener = notYetServing;
  let serving: { store: OpenedStore; gateway: Gateway } | undefined;
  let store: OpenedStore | undefined;
  const http = createHttpServer({
    listener: (req, res) => listener(req, res),
    ready: () => store?.ready() ?? Promise.resolve(false),
    shutdownDelaySeconds: config.shutdownDelaySeconds,
    onDrainTimeout: (open) => logger.warn('Drain timed out; closing the connections still open', { open }),
  });
  let port: number;
  try {
    port = await http.listen(config.port, config.host);
  } catch (error) {
    await closeAll();
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE')
      throw new ConfigurationError(`PORT ${config.port} is already in use on ${config.host}`);
    if ((error as NodeJS.ErrnoException).code === 'EADDRNOTAVAIL')
      throw new ConfigurationError(`HOST ${config.host} is not an address of this machine`);
    throw error;
  }
  const local = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
  const url = `http://${local.includes(':') ? `[${local}]` : local}:${port}`;

  let sender: (MailSender & { close(): void }) | undefined;
  let localPages: ((req: IncomingMessage, res: ServerResponse) => boolean) | undefined;
  if (config.catchMail) {
    // Loaded only when asked for: the catcher is a tool for trying it out and for tests.
    const { mailboxOf, startMailCatcher } = await import('../local/mail-catcher');
    const { localPages: pagesOf } = await import('../local/pages');
    // On PostgreSQL the replicas share one inbox: whichever sends a mail, any of them shows it.
    const shared =
      config.store.kind === 'postgres'
        ? (await import('./shared-mailbox')).openSharedMailbox(config.store.databaseUrl)
        : undefined;
    if (shared) closers.push(() => shared.close());
    const catcher = await startMailCatcher(shared && { onCaught: (mail) => shared.add(mail) });
    closers.push(() => catcher.stop());
    sender = createSmtpSender(catcher.port, MAIL_FROM);
    localPages = pagesOf(shared ?? mailboxOf(catcher));
  } else if (config.smtpUrl) {
    sender = createSmtpSender(config.smtpUrl, MAIL_FROM);
  } else {
    logger.warn('SMTP_URL is not set: mail waits in the outbox until it is');
  }
  if (sender) {
    const { close } = sender;
    closers.push(() => close());
  }

  // The account pages: an image serves the files its build stage wrote; a checkout builds them
  // in memory (well under a second), so there is no stale build to serve.
  const pageFiles: PageFiles = config.pagesDir
    ? readBuiltPages(config.pagesDir)
    : await (await import('../pages/build')).buildPages();
  const pages = createPagesHandler(pageFiles, config.brand);

  const stopping = new AbortController();
  const context: StoreContext = {
    logger,
    clock: deps.clock,
    passwords,
    dataDir: config.dataDir,
    settings: config.router,
  };
  const open = async (): Promise<boolean> => {
    for (let delayMs = 500; !stopping.signal.aborted; delayMs = Math.min(delayMs * 2, MAX_RETRY_DELAY_MS)) {
      let opened: OpenedStore | undefined;
      try {
        opened = await openStore(context);
        if (config.admin) await opened.app.ensureAdmin(config.admin.email, config.admin.password);
      } catch (error) {
        await opened?.close();
        if (error instanceof ConfigurationError) throw error;
        logger.warn('Could not open the store (or make the admin); retrying', {
          error,
          retry_in_ms: delayMs,
        });
        await sleep(delayMs, stopping.signal);
        continue;
      }
      store = opened;
      closers.push(() => opened.close());
      if (stopping.signal.aborted) return false;
      if (sender) {
        const stopMail = await opened.startMail(sender, {
          productName: config.brand.productName,
          appUrl: config.appUrl ?? `${url}/account`,
        });
        closers.push(stopMail);
      }
      const core: Gateway = createGatewayCore({
        ...opened.app.handlers,
        pages,
        clock: deps.clock,
        onError: (error, handler) => logger.error(`${handler} failed`, { error }),
      });
      serving = { store: opened, gateway: core };
      listener = createHttpListener(core, {
        ...(localPages && { localPages }),
        clientAddress: (req) =>
          clientAddress(
            req.socket.remoteAddress,
            req.headersDistinct['x-forwarded-for'],
            config.trustProxyHops,
          ),
        // Method, path, status, time: never a body, a header or a query string (they carry secrets).
        onRequest: (entry) => logger.info('access', { ...entry }),
      });
      return true;
    }
    return false;
  };
  const opened = open();
  opened.catch(() => undefined);

  let stopped: Promise<void> | undefined;
  return {
    url,
    port,
    opened,
    serving: () => serving,
    shutdown(options) {
      stopped ??= (async () => {
        await http.shutdown(options);
        stopping.abort();
        await opened.catch(() => undefined);
        await closeAll();
      })();
      return stopped;
    },
  };
};
