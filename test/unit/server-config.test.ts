// The server's settings: every variable of SPEC's table read once, and a wrong one refused with a
// message that starts with its name (the one line `npm run serve` prints before exiting).
import { randomBytes } from 'node:crypto';
import { ConfigurationError } from '../../lambda/shared/env';
import { readServerConfig } from '../../server/config';

const CWD = '/srv/app';
const read = (env: Record<string, string>, args: string[] = []) => readServerConfig(env, args, CWD);
const refusal = (env: Record<string, string>, args: string[] = []): string => {
  try {
    read(env, args);
  } catch (error) {
    if (error instanceof ConfigurationError) return error.message;
    throw error;
  }
  throw new Error('the configuration was accepted');
};

describe('server configuration', () => {
  it('defaults to the embedded store in .data, on 0.0.0.0:8080, with a 5 s shutdown delay and no trusted proxy', () => {
    const config = read({});
    expect(config).toMatchObject({
      store: { kind: 'embedded' },
      dataDir: '/srv/app/.data',
      port: 8080,
      host: '0.0.0.0',
      catchMail: false,
      logLevel: 'info',
      shutdownDelaySeconds: 5,
      trustProxyHops: 0,
    });
    expect(config.keyEncryptionKey).toBeUndefined();
    expect(config.router.bcryptCost).toBe(10);
    // Unset: the pool picks one thread per core but one.
    expect(config.passwordThreads).toBeUndefined();
  });

  it('reads every setting it is given', () => {
    const key = randomBytes(32);
    const config = read(
      {
        STORE: 'postgres',
        DATABASE_URL: 'postgres://app:secret@db:5432/users',
        DATA_DIR: '/var/lib/user-api',
        PORT: '9000',
        HOST: '127.0.0.1',
        KEY_ENCRYPTION_KEY: key.toString('base64'),
        SMTP_URL: 'smtp://mail:25',
        ADMIN_EMAIL: 'root@example.com',
        ADMIN_PASSWORD: 'a long admin password',
        BCRYPT_COST: '11',
        JWT_TTL_SECONDS: '600',
        RATE_LIMIT_LOGIN: '7/60',
        LOG_LEVEL: 'WARN',
        SHUTDOWN_DELAY_SECONDS: '0',
        TRUST_PROXY_HOPS: '2',
        PASSWORD_THREADS: '3',
        APP_URL: 'https://id.example.com/account/',
      },
      ['--catch-mail'],
    );
    expect(config).toMatchObject({
      store: { kind: 'postgres', databaseUrl: 'postgres://app:secret@db:5432/users' },
      dataDir: '/var/lib/user-api',
      port: 9000,
      host: '127.0.0.1',
      smtpUrl: 'smtp://mail:25',
      catchMail: true,
      admin: { email: 'root@example.com', password: 'a long admin password' },
      logLevel: 'warn',
      shutdownDelaySeconds: 0,
      trustProxyHops: 2,
      passwordThreads: 3,
      appUrl: 'https://id.example.com/account',
    });
    expect(config.keyEncryptionKey?.equals(key)).toBe(true);
    expect(config.router).toMatchObject({ bcryptCost: 11, tokenTtlSeconds: 600 });
    expect(config.router.rateLimits?.login).toEqual({ limit: 7, windowSeconds: 60 });
  });

  it('takes DynamoDB Local’s table name by default when only an endpoint is given', () => {
    expect(read({ STORE: 'dynamodb', DYNAMODB_ENDPOINT: 'http://127.0.0.1:8000' }).store).toEqual({
      kind: 'dynamodb',
      tableName: 'users-local',
      endpoint: 'http://127.0.0.1:8000',
    });
    expect(read({ STORE: 'dynamodb', TABLE_NAME: 'users-main' }).store).toEqual({
      kind: 'dynamodb',
      tableName: 'users-main',
    });
  });

  it.each([
    [{ STORE: 'mysql' }, /^STORE must be one of embedded, postgres, dynamodb/],
    [{ STORE: 'postgres' }, /^DATABASE_URL is required with STORE=postgres/],
    [{ STORE: 'postgres', DATABASE_URL: 'not a url' }, /^DATABASE_URL is not a URL/],
    [{ STORE: 'postgres', DATABASE_URL: 'mysql://db/users' }, /^DATABASE_URL must start with postgres:/],
    [{ STORE: 'postgres', DATABASE_URL: 'postgres://db/users' }, /^KEY_ENCRYPTION_KEY is required/],
    [{ KEY_ENCRYPTION_KEY: randomBytes(16).toString('base64') }, /^KEY_ENCRYPTION_KEY must be 32 bytes/],
    [
      { KEY_ENCRYPTION_KEY: 'not base64 at all, but long enough to be 32 bytes!!' },
      /^KEY_ENCRYPTION_KEY must be 32 bytes/,
    ],
    [{ STORE: 'dynamodb' }, /^TABLE_NAME is required with STORE=dynamodb/],
    [{ STORE: 'dynamodb', TABLE_NAME: 'ab' }, /^TABLE_NAME must be 3 to 255/],
    [{ STORE: 'dynamodb', DYNAMODB_ENDPOINT: 'localhost:8000' }, /^DYNAMODB_ENDPOINT must be an http/],
    [{ PORT: '80000' }, /^PORT must be a port number/],
    [{ PORT: 'eighty' }, /^PORT must be a port number/],
    [{ SMTP_URL: 'mail.example.com' }, /^SMTP_URL must be an smtp/],
    [{ APP_URL: 'id.example.com' }, /^APP_URL must be an http/],
    [{ ADMIN_EMAIL: 'root@example.com' }, /^ADMIN_PASSWORD is required/],
    [{ ADMIN_PASSWORD: 'a long admin password' }, /^ADMIN_EMAIL is required/],
    [{ BCRYPT_COST: '4' }, /^BCRYPT_COST must be an integer from 10 to 15/],
    [{ RATE_LIMIT_LOGIN: 'many' }, /^RATE_LIMIT_LOGIN must be/],
    [{ LOG_LEVEL: 'loud' }, /^LOG_LEVEL must be one of/],
    [{ SHUTDOWN_DELAY_SECONDS: '-1' }, /^SHUTDOWN_DELAY_SECONDS must be an integer/],
    [{ TRUST_PROXY_HOPS: 'yes' }, /^TRUST_PROXY_HOPS must be an integer/],
    [{ PASSWORD_THREADS: '0' }, /^PASSWORD_THREADS must be an integer from 1 to 64/],
  ])('refuses %j, naming the variable', (env, message) => {
    expect(refusal(env)).toMatch(message);
  });

  it('never quotes a DATABASE_URL it refuses (it may hold a password)', () => {
    expect(refusal({ STORE: 'postgres', DATABASE_URL: 'p@ss word:secret' })).not.toContain('secret');
  });

  it('refuses an argument it does not know', () => {
    expect(refusal({}, ['--in-memory'])).toMatch(/unknown argument --in-memory/);
  });
});
