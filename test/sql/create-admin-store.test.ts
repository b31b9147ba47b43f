// `npm run create-admin -- --store` as an operator runs it: a child process with the server's
// variables and the password on standard input, against PostgreSQL while a server runs on it and
// against the embedded store in a folder of its own (refused, in one line, while a server holds
// it). The admin it makes then logs in through `npm run serve`; a second run changes nothing.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { spawnCollecting } from '../support/child-process';
import { createClient } from '../support/client';
import {
  cleanEnv,
  newDataDir,
  type ServerProcess,
  startServerProcess,
  waitForServing,
} from '../support/server-process';
import { createPostgresDatabase } from '../support/sql';
import { overHttp } from '../support/transport';

const ROOT = join(__dirname, '..', '..');
const EMAIL = 'operator@store.example.com';
const PASSWORD = 'an operator passphrase 7';

const createAdmin = async (env: Record<string, string>, stdin = `${PASSWORD}\n`) => {
  const run = spawnCollecting(
    process.execPath,
    ['--import', 'tsx', 'scripts/create-admin.ts', '--store', '--email', EMAIL],
    { cwd: ROOT, env: { ...cleanEnv(), ...env }, stdin },
  );
  const code = await run.exit;
  // Whatever happened, the password is in no line it wrote.
  expect(`${run.stdout()}${run.stderr()}`).not.toContain(PASSWORD);
  return { code, stdout: run.stdout(), stderr: run.stderr() };
};

/** The admin logs in on the server and reaches an admin-only route. */
const expectAdminLogsIn = async (url: string) => {
  const client = createClient(overHttp(url));
  const login = await client.call('POST', '/login', { json: { email: EMAIL, password: PASSWORD } });
  expect(login.status).toBe(200);
  const listed = await client.call('GET', `/users?email_prefix=${EMAIL}`, { token: login.body.token });
  expect(listed.status).toBe(200);
  expect(listed.body.items.map((user: { email: string }) => user.email)).toEqual([EMAIL]);
};

describe('npm run create-admin -- --store', () => {
  const started: ServerProcess[] = [];
  const serve = (env: Record<string, string>) => {
    const server = startServerProcess({ SHUTDOWN_DELAY_SECONDS: '0', ...env });
    started.push(server);
    return server;
  };
  afterEach(async () => {
    await Promise.all(started.splice(0).map((server) => server.stop()));
  });

  it('makes the admin on PostgreSQL, again as a no-op while a server runs on it', async () => {
    const env = {
      STORE: 'postgres',
      DATABASE_URL: await createPostgresDatabase(),
      KEY_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    };
    // Before any server: the store's schema is applied as the server's start would.
    const first = await createAdmin(env);
    expect(first).toEqual({
      code: 0,
      stdout: `created admin: ${EMAIL} in the postgres store.\n`,
      stderr: '',
    });

    const url = await waitForServing(serve(env));
    await expectAdminLogsIn(url);
    const again = await createAdmin(env);
    expect(again.code).toBe(0);
    expect(again.stdout).toBe(
      `already an admin with this password; nothing changed: ${EMAIL} in the postgres store.\n`,
    );
    await expectAdminLogsIn(url);
  }, 120_000);

  it('makes the admin in an embedded DATA_DIR, and says so in one line while a server holds it', async () => {
    const env = { STORE: 'embedded', DATA_DIR: newDataDir() };
    const first = await createAdmin(env);
    expect(first).toEqual({
      code: 0,
      stdout: `created admin: ${EMAIL} in the embedded store.\n`,
      stderr: '',
    });

    const server = serve(env);
    const url = await waitForServing(server);
    await expectAdminLogsIn(url);
    const held = await createAdmin(env);
    expect(held.code).toBe(2);
    expect(held.stdout).toBe('');
    expect(held.stderr).toBe(
      `create-admin: DATA_DIR ${env.DATA_DIR} is held by another server (pid ${server.child.pid}): one server per data folder\n`,
    );
    await server.stop();

    const again = await createAdmin(env);
    expect(again.code).toBe(0);
    expect(again.stdout).toBe(
      `already an admin with this password; nothing changed: ${EMAIL} in the embedded store.\n`,
    );
  }, 180_000);

  it.each([
    [{ STORE: 'postgres' }, 'create-admin: DATABASE_URL is required with STORE=postgres\n'],
    [
      { STORE: 'embedded', KEY_ENCRYPTION_KEY: 'c2hvcnQ=' },
      'create-admin: KEY_ENCRYPTION_KEY must be 32 bytes, base64-encoded (`openssl rand -base64 32`)\n',
    ],
    [{ STORE: 'sqlite' }, 'create-admin: STORE must be one of embedded, postgres, dynamodb, got "sqlite"\n'],
  ])('stops at a bad setting with one line naming it: %j', async (env, line) => {
    const run = await createAdmin({ DATA_DIR: newDataDir(), ...env });
    expect(run).toEqual({ code: 2, stdout: '', stderr: line });
  });
});
