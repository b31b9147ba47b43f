// `npm run serve` on the SQL stores over real HTTP: the embedded store in a folder (a fresh start
// with no configuration but DATA_DIR, then a restart that finds its users, keys and sessions) and
// PostgreSQL 15. Sign-up mails a verification through the outbox sender to the catcher; the
// mailed token confirms the address once; login, refresh and the admin's listing work. On
// PostgreSQL, a burst of wrong passwords from several addresses is counted as the same guesses one
// after another (the SQL store's claims, counted before the check).
import { randomBytes, randomUUID } from 'node:crypto';
import pg from 'pg';
import { readMigrations } from '../../lambda/store/sql/migrate';
import { createClient } from '../support/client';
import {
  newDataDir,
  type ServerProcess,
  startServerProcess,
  waitForServing,
} from '../support/server-process';
import { createPostgresDatabase } from '../support/sql';
import { type Client, overHttp } from '../support/transport';

const ADMIN = { ADMIN_EMAIL: 'root@sql.example.com', ADMIN_PASSWORD: 'sql admin password' };
const PASSWORD = 'correct horse battery';

const mailedToken = async (url: string, to: string): Promise<string> => {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    const inbox = (await (await fetch(`${url}/_local/inbox?to=${to}`)).json()) as {
      items: { token?: string; text: string }[];
    };
    const token = inbox.items[0]?.token;
    // The link opens the account page this server serves (APP_URL's default).
    if (token) expect(inbox.items[0]?.text).toContain(`${url}/account/verify-email?token=${token}`);
    if (token) return token;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`no mail reached ${to}`);
};

/** The whole walk: sign-up, the mailed verification, login, refresh, the admin's listing. */
const walk = async (url: string): Promise<{ client: Client; email: string }> => {
  const client = createClient(overHttp(url));
  const page = await fetch(`${url}/account/verify-email?token=x`);
  expect(page.status).toBe(200);
  expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
  expect(await page.text()).toContain('<div id="app">');
  const email = `sql-${randomUUID().slice(0, 8)}@example.com`;
  const signUp = await client.call('POST', '/users', { json: { email, name: 'Ada', password: PASSWORD } });
  expect(signUp.status).toBe(201);
  const token = await mailedToken(url, email);
  const confirmed = await client.call('POST', '/email-verification/confirm', { json: { token } });
  expect(confirmed.body).toMatchObject({ email, email_verified: true });
  expect((await client.call('POST', '/email-verification/confirm', { json: { token } })).status).toBe(400);
  const login = await client.call('POST', '/login', { json: { email, password: PASSWORD } });
  expect(login.status).toBe(200);
  const refreshed = await client.call('POST', '/refresh', {
    json: { refresh_token: login.body.refresh_token },
  });
  expect(refreshed.status).toBe(200);
  const admin = await client.call('POST', '/login', {
    json: { email: ADMIN.ADMIN_EMAIL, password: ADMIN.ADMIN_PASSWORD },
  });
  const listed = await client.call('GET', `/users?email_prefix=${email}`, { token: admin.body.token });
  expect(listed.body.items.map((user: { id: string }) => user.id)).toEqual([signUp.body.id]);
  return { client, email };
};

describe('npm run serve on the SQL stores', () => {
  const started: ServerProcess[] = [];
  const start = (env: Record<string, string>) => {
    const server = startServerProcess({ SHUTDOWN_DELAY_SECONDS: '0', ...ADMIN, ...env }, ['--catch-mail']);
    started.push(server);
    return server;
  };
  afterAll(async () => {
    await Promise.all(started.map((server) => server.stop('SIGKILL')));
  });

  it('serves the whole walk on the embedded store, and a restart on the same DATA_DIR keeps everything', async () => {
    const dataDir = newDataDir();
    const first = start({ DATA_DIR: dataDir });
    const url = await waitForServing(first);
    expect((await fetch(`${url}/readyz`)).status).toBe(200);
    const { email } = await walk(url);
    const keys = await (await fetch(`${url}/.well-known/jwks.json`)).json();
    expect(await first.stop()).toBe(0);

    const second = start({ DATA_DIR: dataDir });
    const again = await waitForServing(second);
    expect(await (await fetch(`${again}/.well-known/jwks.json`)).json()).toEqual(keys);
    const login = await createClient(overHttp(again)).call('POST', '/login', {
      json: { email, password: PASSWORD },
    });
    expect(login.status).toBe(200);
    expect(await second.stop()).toBe(0);
  });

  it('serves the whole walk on PostgreSQL', async () => {
    const server = start({
      STORE: 'postgres',
      DATABASE_URL: await createPostgresDatabase(),
      KEY_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    });
    const url = await waitForServing(server);
    expect((await fetch(`${url}/readyz`)).status).toBe(200);
    await walk(url);
    expect(await server.stop()).toBe(0);
  });

  it('shares one --catch-mail inbox between replicas on PostgreSQL: any replica shows a mail, whichever sent it', async () => {
    const env = {
      STORE: 'postgres',
      DATABASE_URL: await createPostgresDatabase(),
      KEY_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    };
    const [first, second] = await Promise.all(
      [start(env), start(env)].map((server) => waitForServing(server)),
    );
    if (!first || !second) throw new Error('two replicas');
    const emails = Array.from({ length: 4 }, () => `shared-${randomUUID().slice(0, 8)}@example.com`);
    for (const [index, email] of emails.entries()) {
      const via = createClient(overHttp(index % 2 ? second : first));
      expect(
        (await via.call('POST', '/users', { json: { email, name: 'Ada', password: PASSWORD } })).status,
      ).toBe(201);
    }
    const inboxOf = async (url: string, to: string) =>
      ((await (await fetch(`${url}/_local/inbox?to=${to}`)).json()) as { items: { token?: string }[] }).items;
    for (const email of emails) {
      // Read on both replicas: each shows the one verification, whichever replica's sender took it.
      const deadline = Date.now() + 20_000;
      let seen = [await inboxOf(first, email), await inboxOf(second, email)];
      while (seen.some((items) => items.length === 0) && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        seen = [await inboxOf(first, email), await inboxOf(second, email)];
      }
      expect(seen.map((items) => items.length)).toEqual([1, 1]);
      expect(seen[0]?.[0]?.token).toBeDefined();
      expect(seen[0]?.[0]?.token).toBe(seen[1]?.[0]?.token);
    }
  });

  it('stays ready on PostgreSQL when the next release’s migration has moved the schema ahead (migrations before the rollout)', async () => {
    const databaseUrl = await createPostgresDatabase();
    const server = start({
      STORE: 'postgres',
      DATABASE_URL: databaseUrl,
      KEY_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    });
    const url = await waitForServing(server);
    const next = readMigrations().length + 1;
    const db = new pg.Client({ connectionString: databaseUrl });
    await db.connect();
    try {
      await db.query("INSERT INTO schema_migrations (version, name) VALUES ($1, 'from_the_next_release')", [
        next,
      ]);
    } finally {
      await db.end();
    }
    expect((await fetch(`${url}/readyz`)).status).toBe(200);
    const signUp = await createClient(overHttp(url)).call('POST', '/users', {
      json: { email: `ahead-${randomUUID().slice(0, 8)}@example.com`, name: 'Ada', password: PASSWORD },
    });
    expect(signUp.status).toBe(201);
    expect(await server.stop()).toBe(0);
  });

  it('counts 100 concurrent wrong passwords from 5 addresses on PostgreSQL as sequential ones: no 5xx, six checked each', async () => {
    const server = start({
      STORE: 'postgres',
      DATABASE_URL: await createPostgresDatabase(),
      KEY_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      // The per-client rate limit out of the way: the back-off alone answers.
      RATE_LIMIT_LOGIN: '1000/60',
    });
    const url = await waitForServing(server);
    const client = createClient(overHttp(url));
    const email = `burst-${randomUUID().slice(0, 8)}@example.com`;
    const signUp = await client.call('POST', '/users', { json: { email, name: 'Ada', password: PASSWORD } });
    const addresses = Array.from({ length: 5 }, (_, i) => `127.0.0.${20 + i}`);

    const burst = await Promise.all(
      addresses.flatMap((address) =>
        Array.from({ length: 20 }, () =>
          createClient(overHttp(url, address)).call('POST', '/login', {
            json: { email, password: 'a wrong password' },
          }),
        ),
      ),
    );

    const statuses = burst.map((response) => response.status);
    expect({
      fiveXx: statuses.filter((status) => status >= 500).length,
      wrong: statuses.filter((status) => status === 401).length,
      refused: statuses.filter((status) => status === 429).length,
    }).toEqual({ fiveXx: 0, wrong: 25, refused: 75 });
    const admin = await client.call('POST', '/login', {
      json: { email: ADMIN.ADMIN_EMAIL, password: ADMIN.ADMIN_PASSWORD },
    });
    const events = await client.call('GET', `/users/${signUp.body.id}/events?type=login.failed&limit=100`, {
      token: admin.body.token,
    });
    const failed: { ip: string; details: { count: number } }[] = events.body.items;
    for (const address of addresses)
      expect(
        failed
          .filter((event) => event.ip === address)
          .map((event) => event.details.count)
          .sort((a, b) => a - b),
      ).toEqual([1, 2, 3, 4, 5, 6]);
    expect(failed).toHaveLength(30);
    expect(await server.stop()).toBe(0);
  });

  it('refuses a KEY_ENCRYPTION_KEY that does not open the keys already in the store, in one line', async () => {
    const databaseUrl = await createPostgresDatabase();
    const first = start({
      STORE: 'postgres',
      DATABASE_URL: databaseUrl,
      KEY_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    });
    await waitForServing(first);
    await first.stop();
    const second = start({
      STORE: 'postgres',
      DATABASE_URL: databaseUrl,
      KEY_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    });
    expect(await second.exit).toBe(2);
    expect(second.stderr().trim().split('\n').at(-1)).toMatch(
      /^npm run serve: KEY_ENCRYPTION_KEY does not open the signing keys/,
    );
  });
});
