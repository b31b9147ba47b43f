// A PostgreSQL that goes away under a running `npm run serve` (STORE=postgres), once shut down
// cleanly (`fast`) and once as a crash (`immediate`), while a client keeps writing: /readyz turns
// 503, /livez stays 200, the API answers the same clean 503 problem as on Lambda (never a 500, no
// stack, no secret; the kit's client checks every answer), the process stays up; with PostgreSQL
// back on the same folder and port, /readyz returns to 200 by itself and every write answered 2xx
// before, during or after the outage is in the database. Its own PostgreSQL: the run's shared one
// must not go down.
import { randomBytes, randomUUID } from 'node:crypto';
import { createClient } from '../support/client';
import { type RunningPostgres, startPostgres } from '../support/postgres';
import { type ServerProcess, startServerProcess, waitForServing } from '../support/server-process';
import { type ApiResponse, type Client, overHttp } from '../support/transport';

const ADMIN = { email: 'root@outage.example.com', password: 'outage admin password' };
const PASSWORD = 'correct horse battery';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The server's own waits on PostgreSQL end within seconds: an answer later than this is a hang. */
const HANG_MS = 30_000;

interface Write {
  readonly kind: 'sign-up' | 'rename';
  /** The email signed up, or the name set. */
  readonly value: string;
  readonly response: ApiResponse;
}

const answerOrHang = async (request: Promise<ApiResponse>, what: string): Promise<ApiResponse> => {
  let timer: NodeJS.Timeout | undefined;
  const hang = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} got no answer in ${HANG_MS / 1000} s`)), HANG_MS);
  });
  try {
    return await Promise.race([request, hang]);
  } finally {
    clearTimeout(timer);
  }
};

/**
 * One writer, one request at a time: sign-ups and renames of `userId`, until stopped. A request
 * that fails (no answer, a dropped connection, a leak or a missing header the kit's client
 * refuses) stops it and is kept as its failure.
 */
const startWriter = (client: Client, userId: string, token: string) => {
  const writes: Write[] = [];
  let running = true;
  let failure: unknown;
  const done = (async () => {
    try {
      for (let n = 0; running; n += 1) {
        if (n % 2 === 0) {
          const email = `w${n}-${randomUUID().slice(0, 8)}@outage.example.com`;
          const json = { email, name: 'W', password: PASSWORD };
          const response = await answerOrHang(client.call('POST', '/users', { json }), 'a sign-up');
          writes.push({ kind: 'sign-up', value: email, response });
        } else {
          const name = `Ada ${n}`;
          const call = client.call('PATCH', `/users/${userId}`, { json: { name }, token });
          writes.push({ kind: 'rename', value: name, response: await answerOrHang(call, 'a rename') });
        }
        // An answer in milliseconds while the store is down: do not spin.
        if (writes.at(-1)?.response.status === 503) await sleep(50);
      }
    } catch (error) {
      failure = error;
    }
  })();
  const summary = () => writes.map((w) => w.response.status).join(' ');
  return {
    writes,
    answered: (status: (s: number) => boolean) => writes.filter((w) => status(w.response.status)).length,
    /** Polls until `check` holds; fails at once when the writer failed, after a minute otherwise. */
    eventually: async (what: string, check: () => Promise<boolean> | boolean): Promise<void> => {
      const deadline = Date.now() + 60_000;
      while (Date.now() < deadline) {
        if (failure) throw new Error(`before ${what}, the writer failed (${summary()}): ${String(failure)}`);
        if (await check()) return;
        await sleep(100);
      }
      throw new Error(`${what} did not happen within a minute; the writer saw ${summary()}`);
    },
    stop: async () => {
      running = false;
      await done;
      if (failure) throw new Error(`the writer failed (${summary()}): ${String(failure)}`);
    },
  };
};

const expectCleanUnavailable = (response: ApiResponse) => {
  expect(response.status).toBe(503);
  expect(response.headers.get('content-type')).toBe('application/problem+json');
  expect(response.body).toMatchObject({ status: 503, title: 'Service temporarily unavailable' });
  // No driver message, connection string or address of the database behind.
  expect(response.text).not.toMatch(/postgres|ECONNREFUSED|127\.0\.0\.1|terminat|\bat \w/i);
};

describe('npm run serve when its PostgreSQL goes away and comes back', () => {
  let postgres: RunningPostgres;
  let server: ServerProcess;
  let url: string;
  let client: Client;
  let halted = false;
  let writer: ReturnType<typeof startWriter> | undefined;

  beforeAll(async () => {
    postgres = await startPostgres();
    server = startServerProcess({
      STORE: 'postgres',
      DATABASE_URL: postgres.url,
      KEY_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      SHUTDOWN_DELAY_SECONDS: '0',
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
      // The per-client limits out of the way: the writer signs up more than ten users an hour.
      RATE_LIMIT_SIGN_UP: '1000/60',
      RATE_LIMIT_LOGIN: '1000/60',
    });
    url = await waitForServing(server, 120_000);
    client = createClient(overHttp(url));
  }, 120_000);

  // A test that failed half-way leaves the next one a running PostgreSQL and no writer.
  afterEach(async () => {
    await writer?.stop().catch(() => undefined);
    writer = undefined;
    if (halted) postgres.resume();
    halted = false;
  });

  afterAll(async () => {
    await server?.stop('SIGKILL');
    await postgres?.stop();
  });

  it.each(['fast', 'immediate'] as const)(
    'answers 503 while PostgreSQL is down (%s shutdown), recovers by itself and loses no write answered 2xx',
    async (mode) => {
      const email = `ada-${mode}-${randomUUID().slice(0, 8)}@outage.example.com`;
      const signUp = await client.call('POST', '/users', {
        json: { email, name: 'Ada', password: PASSWORD },
      });
      expect(signUp.status).toBe(201);
      const login = await client.call('POST', '/login', { json: { email, password: PASSWORD } });
      expect(login.status).toBe(200);
      const { token } = login.body;
      const writing = startWriter(client, signUp.body.id, token);
      writer = writing;
      await writing.eventually('four writes answered 2xx', () => writing.answered((s) => s < 300) >= 4);

      postgres.halt(mode);
      halted = true;
      await writing.eventually('a write answered 503', () => writing.answered((s) => s === 503) >= 1);
      expect((await fetch(`${url}/readyz`)).status).toBe(503);
      expect((await fetch(`${url}/livez`)).status).toBe(200);
      const calls = {
        'GET own user': client.call('GET', `/users/${signUp.body.id}`, { token }),
        login: client.call('POST', '/login', { json: { email, password: PASSWORD } }),
        'sign-up': client.call('POST', '/users', {
          json: { email: `x-${email}`, name: 'X', password: PASSWORD },
        }),
      };
      for (const [what, call] of Object.entries(calls))
        expectCleanUnavailable(await answerOrHang(call, what));
      expect(server.child.exitCode).toBeNull();

      const beforeRestart = writing.writes.length;
      postgres.resume();
      halted = false;
      await writing.eventually(
        '/readyz answering 200 again',
        async () => (await fetch(`${url}/readyz`)).status === 200,
      );
      await writing.eventually(
        'three more writes answered 2xx',
        () => writing.writes.slice(beforeRestart).filter((w) => w.response.status < 300).length >= 3,
      );
      await writing.stop();
      expect(server.child.exitCode).toBeNull();

      // Every answer was a success or the clean 503: never a 500, a 4xx or a dropped connection.
      const statuses = new Set(writing.writes.map((w) => w.response.status));
      expect([...statuses].filter((s) => ![200, 201, 503].includes(s))).toEqual([]);
      for (const w of writing.writes) if (w.response.status === 503) expectCleanUnavailable(w.response);

      const own = await client.call('GET', `/users/${signUp.body.id}`, { token });
      expect(own.status).toBe(200);
      const admin = await client.call('POST', '/login', { json: ADMIN });
      expect(admin.status).toBe(200);
      for (const w of writing.writes.filter((w) => w.kind === 'sign-up' && w.response.status === 201)) {
        const stored = await client.call('GET', `/users/${w.response.body.id}`, { token: admin.body.token });
        expect({ status: stored.status, email: stored.body.email }).toEqual({ status: 200, email: w.value });
      }
      // The last rename answered 200 is stored, unless a later one (answered 503 after its
      // commit reached the database) overwrote it.
      const renames = writing.writes.filter((w) => w.kind === 'rename');
      const lastOk = renames.findLastIndex((w) => w.response.status === 200);
      expect(renames.slice(lastOk).map((w) => w.value)).toContain(own.body.name);
    },
    180_000,
  );
});
