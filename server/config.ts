// The server's configuration, read once from an environment record and the command line. Only
// server/index.ts hands it `process.env`; everything else receives this value. A missing or
// malformed setting is a ConfigurationError whose message starts with the variable's name: the
// one line the server prints before it exits non-zero.
import { resolve } from 'node:path';
import { type Brand, BrandError, brandOf } from '../lambda/pages/create-pages-handler';
import { type RouterSettings, readRouterSettings } from '../lambda/router/dependencies';
import { ConfigurationError, type Environment, integerEnv } from '../lambda/shared/env';

export type StoreKind = 'embedded' | 'postgres' | 'dynamodb';
const STORE_KINDS: readonly StoreKind[] = ['embedded', 'postgres', 'dynamodb'];

export type StoreConfig =
  | { readonly kind: 'embedded' }
  | { readonly kind: 'postgres'; readonly databaseUrl: string }
  | {
      readonly kind: 'dynamodb';
      readonly tableName: string;
      /** DynamoDB Local (or another endpoint); unset, the SDK's own resolution (a deployed table). */
      readonly endpoint?: string;
    };

export interface ServerConfig {
  readonly store: StoreConfig;
  /** Absolute. The embedded database, its lock, and whatever else the server keeps on disk. */
  readonly dataDir: string;
  readonly port: number;
  readonly host: string;
  /** 32 bytes: encrypts the private signing keys at rest. Made and kept in DATA_DIR for `embedded`. */
  readonly keyEncryptionKey?: Buffer;
  readonly smtpUrl?: string;
  /** `--catch-mail`: mail stays in the in-process catcher, served at /_local/inbox and /_local/mail. */
  readonly catchMail: boolean;
  readonly admin?: { readonly email: string; readonly password: string };
  /** The router's settings, by the router's own rules (`TABLE_NAME` aside, which only `dynamodb` uses). */
  readonly router: Omit<RouterSettings, 'tableName'>;
  /** The base of the links in mails; the server's own URL + /account (the account pages) when unset. */
  readonly appUrl?: string;
  /** The pages' and the mail's product name and accent colour (PRODUCT_NAME, ACCENT_COLOR). */
  readonly brand: Brand;
  /** A folder `npm run build:pages` wrote (the image's); unset, the pages are built in memory at start. */
  readonly pagesDir?: string;
  readonly logLevel: string;
  /** After SIGTERM, how long /readyz says 503 while requests are still served, so load balancers notice. */
  readonly shutdownDelaySeconds: number;
  /** 0: the client is the socket's peer. N: the Nth address from the right of X-Forwarded-For. */
  readonly trustProxyHops: number;
  /** bcrypt's worker threads (PASSWORD_THREADS); unset, one per core but one. A container sets its CPU limit. */
  readonly passwordThreads?: number;
}

export const DEFAULT_PORT = 8080;
export const DEFAULT_HOST = '0.0.0.0';
export const DEFAULT_DATA_DIR = '.data';
export const DEFAULT_SHUTDOWN_DELAY_SECONDS = 5;
/** The table of DynamoDB Local when only an endpoint is given (as `npm start` names it). */
export const DEFAULT_LOCAL_TABLE_NAME = 'users-local';

export const USAGE = `Usage: npm run serve [-- --catch-mail]

Serves the User API on a long-running HTTP server (see README, "Run it as a server").
  --catch-mail   keep mail in the in-process catcher: GET /_local/inbox?to= and /_local/mail
Environment: STORE (embedded | postgres | dynamodb), DATA_DIR (.data), DATABASE_URL, PORT (8080),
HOST (0.0.0.0), KEY_ENCRYPTION_KEY, SMTP_URL, ADMIN_EMAIL + ADMIN_PASSWORD, BCRYPT_COST,
JWT_TTL_SECONDS, SESSION_TTL_SECONDS, REAUTH_MAX_AGE_SECONDS (300), AUDIT_RETENTION_DAYS (365),
MFA_ISSUER (User API), RATE_LIMIT_* (e.g. RATE_LIMIT_LOGIN=20/60), LOG_LEVEL (info), SHUTDOWN_DELAY_SECONDS (5),
TRUST_PROXY_HOPS (0), PASSWORD_THREADS (cores - 1), APP_URL, PRODUCT_NAME, ACCENT_COLOR, PAGES_DIR; with STORE=dynamodb: TABLE_NAME, DYNAMODB_ENDPOINT.`;

const set = (env: Environment, name: string): string | undefined => {
  const value = env[name];
  return value === undefined || value === '' ? undefined : value;
};

const storeFrom = (env: Environment): StoreConfig => {
  const kind = set(env, 'STORE') ?? 'embedded';
  if (!STORE_KINDS.includes(kind as StoreKind))
    throw new ConfigurationError(`STORE must be one of ${STORE_KINDS.join(', ')}, got "${kind}"`);
  if (kind === 'postgres') {
    const databaseUrl = set(env, 'DATABASE_URL');
    if (!databaseUrl) throw new ConfigurationError('DATABASE_URL is required with STORE=postgres');
    let url: URL;
    try {
      url = new URL(databaseUrl);
    } catch {
      // Never quote it: it may hold a password.
      throw new ConfigurationError('DATABASE_URL is not a URL (postgres://user:password@host:port/database)');
    }
    if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:')
      throw new ConfigurationError(`DATABASE_URL must start with postgres://, not ${url.protocol}//`);
    return { kind, databaseUrl };
  }
  if (kind === 'dynamodb') {
    const endpoint = set(env, 'DYNAMODB_ENDPOINT');
    if (endpoint && !/^https?:\/\/[^/]+/.test(endpoint))
      throw new ConfigurationError(`DYNAMODB_ENDPOINT must be an http(s) URL, got "${endpoint}"`);
    const tableName = set(env, 'TABLE_NAME') ?? (endpoint ? DEFAULT_LOCAL_TABLE_NAME : undefined);
    if (!tableName)
      throw new ConfigurationError('TABLE_NAME is required with STORE=dynamodb (the deployed stack’s table)');
    if (!/^[\w.-]{3,255}$/.test(tableName))
      throw new ConfigurationError(
        `TABLE_NAME must be 3 to 255 letters, digits, '_', '-' or '.', got "${tableName}"`,
      );
    return { kind, tableName, ...(endpoint && { endpoint }) };
  }
  return { kind: 'embedded' };
};

const keyEncryptionKeyFrom = (env: Environment, store: StoreConfig): Buffer | undefined => {
  const raw = set(env, 'KEY_ENCRYPTION_KEY');
  if (raw === undefined) {
    if (store.kind === 'postgres')
      throw new ConfigurationError(
        'KEY_ENCRYPTION_KEY is required with STORE=postgres (32 random bytes, base64: `openssl rand -base64 32`)',
      );
    return undefined;
  }
  const key = Buffer.from(raw, 'base64');
  // Node decodes base64 leniently: only a value that is exactly 32 bytes' canonical spelling counts.
  if (key.length !== 32 || key.toString('base64').replace(/=+$/, '') !== raw.trim().replace(/=+$/, ''))
    throw new ConfigurationError(
      'KEY_ENCRYPTION_KEY must be 32 bytes, base64-encoded (`openssl rand -base64 32`)',
    );
  return key;
};

const portFrom = (env: Environment): number => {
  const raw = set(env, 'PORT');
  if (raw === undefined) return DEFAULT_PORT;
  const port = Number(raw);
  if (!/^\d{1,5}$/.test(raw) || port > 65_535)
    throw new ConfigurationError(`PORT must be a port number (0-65535), got "${raw}"`);
  return port;
};

const smtpUrlFrom = (env: Environment): string | undefined => {
  const raw = set(env, 'SMTP_URL');
  if (raw === undefined) return undefined;
  if (!/^smtps?:\/\/[^/]+/.test(raw))
    throw new ConfigurationError('SMTP_URL must be an smtp:// or smtps:// URL');
  return raw;
};

const appUrlFrom = (env: Environment): string | undefined => {
  const raw = set(env, 'APP_URL');
  if (raw === undefined) return undefined;
  if (!/^https?:\/\/[^/]+/.test(raw))
    throw new ConfigurationError(`APP_URL must be an http(s) URL, got "${raw}"`);
  return raw.replace(/\/+$/, '');
};

const brandFrom = (env: Environment): Brand => {
  try {
    return brandOf(set(env, 'PRODUCT_NAME'), set(env, 'ACCENT_COLOR'));
  } catch (error) {
    // Its message already starts with the variable's name.
    if (error instanceof BrandError) throw new ConfigurationError(error.message);
    throw error;
  }
};

const routerSettingsFrom = (env: Environment): Omit<RouterSettings, 'tableName'> => {
  try {
    const { tableName: _unused, ...settings } = readRouterSettings({ ...env, TABLE_NAME: 'unused' });
    return settings;
  } catch (error) {
    // The router's own words ("Environment variable BCRYPT_COST must be …"), led by the variable.
    if (error instanceof ConfigurationError)
      throw new ConfigurationError(error.message.replace(/^Environment variable /, ''));
    throw error;
  }
};

const integerSetting = (env: Environment, name: string, fallback: number, min: number, max: number) => {
  try {
    return integerEnv(env, name, fallback, min, max);
  } catch (error) {
    if (error instanceof ConfigurationError)
      throw new ConfigurationError(error.message.replace(/^Environment variable /, ''));
    throw error;
  }
};

const LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'silent'];

const logLevelFrom = (env: Environment): string => {
  const raw = set(env, 'LOG_LEVEL') ?? 'info';
  if (!LOG_LEVELS.includes(raw.toLowerCase()))
    throw new ConfigurationError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}, got "${raw}"`);
  return raw.toLowerCase();
};

export const KNOWN_ARGUMENTS = ['--catch-mail'] as const;

/** The whole configuration, or a ConfigurationError naming the first setting that is wrong. */
export const readServerConfig = (env: Environment, args: readonly string[], cwd: string): ServerConfig => {
  const unknown = args.filter((arg) => !(KNOWN_ARGUMENTS as readonly string[]).includes(arg));
  if (unknown.length > 0) throw new ConfigurationError(`unknown argument ${unknown.join(' ')} (try --help)`);
  const store = storeFrom(env);
  const email = set(env, 'ADMIN_EMAIL');
  const password = set(env, 'ADMIN_PASSWORD');
  if (Boolean(email) !== Boolean(password))
    throw new ConfigurationError(
      `${email ? 'ADMIN_PASSWORD' : 'ADMIN_EMAIL'} is required with the other one`,
    );
  const keyEncryptionKey = keyEncryptionKeyFrom(env, store);
  const smtpUrl = smtpUrlFrom(env);
  const appUrl = appUrlFrom(env);
  const pagesDir = set(env, 'PAGES_DIR');
  return {
    store,
    dataDir: resolve(cwd, set(env, 'DATA_DIR') ?? DEFAULT_DATA_DIR),
    port: portFrom(env),
    host: set(env, 'HOST') ?? DEFAULT_HOST,
    ...(keyEncryptionKey && { keyEncryptionKey }),
    ...(smtpUrl && { smtpUrl }),
    catchMail: args.includes('--catch-mail'),
    ...(email && password && { admin: { email, password } }),
    router: routerSettingsFrom(env),
    ...(appUrl && { appUrl }),
    brand: brandFrom(env),
    ...(pagesDir && { pagesDir: resolve(cwd, pagesDir) }),
    logLevel: logLevelFrom(env),
    shutdownDelaySeconds: integerSetting(
      env,
      'SHUTDOWN_DELAY_SECONDS',
      DEFAULT_SHUTDOWN_DELAY_SECONDS,
      0,
      120,
    ),
    trustProxyHops: integerSetting(env, 'TRUST_PROXY_HOPS', 0, 0, 10),
    ...(set(env, 'PASSWORD_THREADS') && {
      passwordThreads: integerSetting(env, 'PASSWORD_THREADS', 1, 1, 64),
    }),
  };
};
