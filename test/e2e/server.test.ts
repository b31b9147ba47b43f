// `npm run serve` over real HTTP, on the harness's DynamoDB Local (STORE=dynamodb): health checks,
// the API through the same gateway core as `npm start`, JSON logs without secrets, the client
// address (socket, or X-Forwarded-For only when told how many proxies append to it), the drain on
// SIGTERM with a request in flight, and the one-line refusals of a wrong configuration.
import { randomBytes, randomUUID } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { freePort } from '../../local/dynamodb-local';
import { createClient } from '../support/client';
import {
  newDataDir,
  type ServerProcess,
  startServerProcess,
  waitForServing,
} from '../support/server-process';
import { harnessEndpoint } from '../support/tables';
import { overHttp } from '../support/transport';

const ADMIN = { ADMIN_EMAIL: 'root@serve.example.com', ADMIN_PASSWORD: 'serve admin password' };
const PASSWORD = 'correct horse battery';

const dynamoDbEnv = (extra: Record<string, string> = {}) => ({
  STORE: 'dynamodb',
  DYNAMODB_ENDPOINT: harnessEndpoint(),
  TABLE_NAME: `serve-${randomUUID()}`,
  DATA_DIR: newDataDir(),
  SHUTDOWN_DELAY_SECONDS: '0',
  ...extra,
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const until = async (what: string, check: () => Promise<boolean>, timeoutMs = 20_000): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await sleep(50);
  }
  throw new Error(`timed out waiting for ${what}`);
};

const statusOf = async (url: string): Promise<number | 'refused'> => {
  try {
    return (await fetch(url)).status;
  } catch {
    return 'refused';
  }
};

/** Signs up with this X-Forwarded-For header; the address the audit trail recorded for it. */
const recordedAddress = async (url: string, forwardedFor: string): Promise<string> => {
  const client = createClient(overHttp(url));
  const email = `xff-${randomUUID().slice(0, 8)}@example.com`;
  const made = await client.call('POST', '/users', {
    json: { email, name: 'Xff', password: PASSWORD },
    headers: { 'content-type': 'application/json', 'x-forwarded-for': forwardedFor },
  });
  const token = (await client.call('POST', '/login', { json: { email, password: PASSWORD } })).body.token;
  const events = await client.call('GET', `/users/${made.body.id}/events?type=user.created`, { token });
  expect(events.body.items).toHaveLength(1);
  return events.body.items[0].ip;
};

describe('npm run serve on DynamoDB Local', () => {
  const started: ServerProcess[] = [];
  const start = (env: Record<string, string>, args: string[] = []) => {
    const server = startServerProcess(env, args);
    started.push(server);
    return server;
  };
  afterAll(async () => {
    await Promise.all(started.map((server) => server.stop('SIGKILL')));
  });

  describe('a server with the mail catcher', () => {
    let server: ServerProcess;
    let url: string;
    let env: Record<string, string>;
    beforeAll(async () => {
      env = dynamoDbEnv(ADMIN);
      server = start(env, ['--catch-mail']);
      url = await waitForServing(server);
    });

    it('answers /livez and /readyz without a token, outside the API', async () => {
      const live = await fetch(`${url}/livez`);
      const ready = await fetch(`${url}/readyz`);
      expect([live.status, ready.status]).toEqual([200, 200]);
      expect(await ready.json()).toEqual({ status: 'ready' });
      expect(ready.headers.get('cache-control')).toBe('no-store');
    });

    it('serves the API: sign-up mails a verification to the catcher, login and the admin work', async () => {
      const client = createClient(overHttp(url));
      const email = `ada-${randomUUID().slice(0, 8)}@example.com`;
      const signUp = await client.call('POST', '/users', {
        json: { email, name: 'Ada', password: PASSWORD },
      });
      expect(signUp.status).toBe(201);
      await until('the verification mail', async () => {
        const inbox = (await (await fetch(`${url}/_local/inbox?to=${email}`)).json()) as {
          items: { text: string }[];
        };
        return inbox.items.length === 1 && /verify-email\?token=/.test(inbox.items[0]?.text ?? '');
      });
      const login = await client.call('POST', '/login', { json: { email, password: PASSWORD } });
      expect(login.status).toBe(200);
      const admin = await client.call('POST', '/login', {
        json: { email: ADMIN.ADMIN_EMAIL, password: ADMIN.ADMIN_PASSWORD },
      });
      const listed = await client.call('GET', `/users?email_prefix=${email}`, { token: admin.body.token });
      expect(listed.body.items.map((user: { id: string }) => user.id)).toEqual([signUp.body.id]);
    });

    it('takes the client address from the socket and ignores X-Forwarded-For by default', async () => {
      expect(await recordedAddress(url, '203.0.113.9')).toBe('127.0.0.1');
    });

    it('writes JSON log lines, one per request, with no password or token in them', () => {
      const lines = server.logLines();
      expect(lines.some((line) => line.message === 'access' && line.path === '/login')).toBe(true);
      expect(server.stdout()).not.toContain(PASSWORD);
      expect(server.stdout()).not.toContain(ADMIN.ADMIN_PASSWORD);
      expect(server.stdout()).not.toMatch(/eyJ[\w-]+\.eyJ/);
    });

    it('refuses a second server on the same DATA_DIR, in one line naming it', async () => {
      const second = start({ ...env, TABLE_NAME: `serve-${randomUUID()}` });
      expect(await second.exit).toBe(2);
      expect(second.stderr().trim().split('\n')).toEqual([
        expect.stringMatching(/^npm run serve: DATA_DIR \S+ is held by another server \(pid \d+\)/),
      ]);
    });
  });

  it('behind TRUST_PROXY_HOPS=1 proxy, takes the address that proxy appended, not one the client wrote', async () => {
    const url = await waitForServing(start(dynamoDbEnv({ TRUST_PROXY_HOPS: '1' })));
    expect(await recordedAddress(url, '198.51.100.1, 203.0.113.9')).toBe('203.0.113.9');
  });

  it('while the store does not answer at start: /livez 200, /readyz 503, the API the same 503 problem as on Lambda, and retries logged', async () => {
    const nothing = await freePort();
    const server = start(dynamoDbEnv({ DYNAMODB_ENDPOINT: `http://127.0.0.1:${nothing}` }));
    await until('the first retry', async () =>
      server
        .logLines()
        .some((line) => line.message === 'Could not open the store (or make the admin); retrying'),
    );
    const url = server.logLines().find((line) => line.message === 'Listening')?.url as string;
    expect(await statusOf(`${url}/livez`)).toBe(200);
    expect(await statusOf(`${url}/readyz`)).toBe(503);
    const answer = await createClient(overHttp(url)).call('POST', '/users', {
      json: { email: 'early@example.com', name: 'Early', password: PASSWORD },
    });
    expect(answer.status).toBe(503);
    expect(answer.headers.get('content-type')).toBe('application/problem+json');
    expect(answer.headers.get('retry-after')).toBe('1');
    expect(await server.stop()).toBe(0);
  });

  it('on SIGTERM: readyz 503 at once, still serves for the delay, then refuses connections, finishes the request in flight and exits 0', async () => {
    const server = start(dynamoDbEnv({ SHUTDOWN_DELAY_SECONDS: '2' }));
    const url = await waitForServing(server);
    const { port } = new URL(url);
    // A login whose body is only half sent: in flight across the whole shutdown.
    const body = JSON.stringify({ email: 'nobody@example.com', password: PASSWORD });
    const socket: Socket = connect(Number(port), '127.0.0.1');
    let answer = '';
    socket.on('data', (chunk) => {
      answer += chunk;
    });
    const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
    await new Promise<void>((resolve) => socket.once('connect', () => resolve()));
    socket.write(
      `POST /login HTTP/1.1\r\nhost: 127.0.0.1\r\ncontent-type: application/json\r\ncontent-length: ${body.length}\r\n\r\n${body.slice(0, 10)}`,
    );

    server.child.kill('SIGTERM');
    await until('readyz to turn 503', async () => (await statusOf(`${url}/readyz`)) === 503);
    expect(await statusOf(`${url}/livez`)).toBe(200);
    await until('new connections to be refused', async () => (await statusOf(`${url}/livez`)) === 'refused');
    expect(server.child.exitCode).toBeNull();

    socket.write(body.slice(10));
    await closed;
    expect(answer).toMatch(/^HTTP\/1\.1 401 /);
    expect(answer.toLowerCase()).toContain('connection: close');
    expect(await server.exit).toBe(0);
  });

  it.each([
    [{ STORE: 'postgres' }, /^npm run serve: DATABASE_URL is required with STORE=postgres/],
    [
      { STORE: 'dynamodb', TABLE_NAME: 'x-table', KEY_ENCRYPTION_KEY: randomBytes(16).toString('base64') },
      /^npm run serve: KEY_ENCRYPTION_KEY must be 32 bytes/,
    ],
    [{ STORE: 'dynamodb' }, /^npm run serve: TABLE_NAME is required/],
    [
      { STORE: 'dynamodb', TABLE_NAME: 'x-table', ADMIN_EMAIL: 'a@example.com', ADMIN_PASSWORD: 'short' },
      /^npm run serve: ADMIN_PASSWORD /,
    ],
  ])('refuses to start with %j: one line naming the variable, a non-zero exit', async (env, line) => {
    const server = start({ DATA_DIR: newDataDir(), ...env });
    expect(await server.exit).toBe(2);
    expect(server.stderr().trim().split('\n')).toEqual([expect.stringMatching(line)]);
  });
});
