// Many replicas as one service: three `npm run serve` processes started at the same moment on one
// empty PostgreSQL, behind HAProxy (round robin, health-checked on /readyz), sending mail to one
// SMTP catcher. The races of the contract run across them, then a rolling restart of all three
// under steady load, which must fail no request.
import { randomBytes, randomUUID } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { URI } from 'otpauth';
import pg from 'pg';
import { readMigrations } from '../../lambda/store/sql/migrate';
import { freePort } from '../../local/dynamodb-local';
import { type MailCatcher, startMailCatcher } from '../../local/mail-catcher';
import { createClient } from '../support/client';
import { haproxyIsInstalled, type RunningHaproxy, startHaproxy } from '../support/haproxy';
import { type ServerProcess, startServerProcess, waitForServing } from '../support/server-process';
import { createPostgresDatabase } from '../support/sql';
import { type Client, overHttp } from '../support/transport';

const ADMIN = { email: 'root@replicas.example.com', password: 'replica admin password' };
const PASSWORD = 'correct horse battery';
const REPLICAS = 3;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const email = (label: string) => `${label}-${randomUUID().slice(0, 8)}@example.com`;

if (!haproxyIsInstalled())
  throw new Error('HAProxy is not installed (/usr/sbin/haproxy): apt-get install haproxy');

describe('three replicas on one PostgreSQL behind HAProxy', () => {
  let databaseUrl: string;
  let catcher: MailCatcher;
  let balancer: RunningHaproxy;
  let ports: number[];
  const replicas: ServerProcess[] = [];
  let env: Record<string, string>;
  let client: Client;
  /** Another client to the balancer: the replicas see its own address (127.0.0.x) in X-Forwarded-For. */
  const from = (address: string) => createClient(overHttp(balancer.url, address));

  const startReplica = (index: number) => {
    const replica = startServerProcess({ ...env, PORT: String(ports[index]) });
    replicas[index] = replica;
    return replica;
  };

  const mailTo = async (to: string, count = 1) => {
    const deadline = Date.now() + 20_000;
    while (catcher.inbox(to).length < count && Date.now() < deadline) await sleep(50);
    return catcher.inbox(to);
  };

  const logIn = async (who: string, password = PASSWORD) =>
    (await client.call('POST', '/login', { json: { email: who, password } })).body;

  const signUp = async (who: string) => {
    const made = await client.call('POST', '/users', {
      json: { email: who, name: 'Replica', password: PASSWORD },
    });
    expect(made.status).toBe(201);
    return made.body.id as string;
  };

  beforeAll(async () => {
    databaseUrl = await createPostgresDatabase();
    catcher = await startMailCatcher();
    ports = await Promise.all(Array.from({ length: REPLICAS }, () => freePort()));
    const balancerPort = await freePort();
    env = {
      STORE: 'postgres',
      DATABASE_URL: databaseUrl,
      KEY_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
      SMTP_URL: `smtp://127.0.0.1:${catcher.port}`,
      APP_URL: `http://127.0.0.1:${balancerPort}`,
      TRUST_PROXY_HOPS: '1',
      SHUTDOWN_DELAY_SECONDS: '2',
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
      RATE_LIMIT_SIGN_UP: '1000/60',
      RATE_LIMIT_LOGIN: '1000/60',
      RATE_LIMIT_REFRESH: '1000/60',
      RATE_LIMIT_CONFIRM: '1000/60',
      RATE_LIMIT_MAIL: '5/60',
    };
    // All three at the same moment, on an empty database.
    for (let i = 0; i < REPLICAS; i += 1) startReplica(i);
    await Promise.all(replicas.map((replica) => waitForServing(replica)));
    balancer = await startHaproxy(balancerPort, ports);
    client = createClient(overHttp(balancer.url));
    // Until the balancer has seen every replica healthy.
    await sleep(1_000);
  }, 120_000);

  afterAll(async () => {
    await balancer?.stop();
    await Promise.all(replicas.map((replica) => replica.stop('SIGKILL')));
    await catcher?.stop();
  });

  it('migrated the empty database once, made one key set and one admin', async () => {
    const db = new pg.Client({ connectionString: databaseUrl });
    await db.connect();
    try {
      const ledger = await db.query('SELECT version FROM schema_migrations ORDER BY version');
      expect(ledger.rows.map((row) => row.version)).toEqual(readMigrations().map((m) => m.version));
      expect((await db.query('SELECT count(*)::int AS n FROM signing_key_set')).rows[0].n).toBe(1);
      expect(
        (await db.query('SELECT count(*)::int AS n FROM users WHERE email = $1', [ADMIN.email])).rows[0].n,
      ).toBe(1);
    } finally {
      await db.end();
    }
    const keys = await Promise.all(
      ports.map(async (port) => (await fetch(`http://127.0.0.1:${port}/.well-known/jwks.json`)).json()),
    );
    expect(new Set(keys.map((set) => JSON.stringify(set))).size).toBe(1);
  });

  it('lets one of twelve racing sign-ups with one email win, and sends what it queued exactly once', async () => {
    const who = email('race');
    const answers = await Promise.all(
      Array.from({ length: 12 }, () =>
        client.call('POST', '/users', { json: { email: who, name: 'Racer', password: PASSWORD } }),
      ),
    );
    const statuses = answers.map((answer) => answer.status).sort();
    expect(statuses).toEqual([201, ...Array(11).fill(409)]);
    // The address's mail slot is claimed only once the address is the winner's: the losers claim
    // nothing, so the winner's verification is queued exactly once, and the three replicas'
    // senders together send it once, never twice.
    const db = new pg.Client({ connectionString: databaseUrl });
    await db.connect();
    let queued: number;
    try {
      queued = (await db.query('SELECT count(*)::int AS n FROM outbox WHERE to_address = $1', [who])).rows[0]
        .n;
    } finally {
      await db.end();
    }
    expect(queued).toBe(1);
    await mailTo(who, queued);
    // Every replica's sender has had its turns at the outbox by now.
    await sleep(1_500);
    expect(catcher.inbox(who)).toHaveLength(queued);
  });

  it('gives racing refreshes of one token one rotation: both answers carry the same new refresh token', async () => {
    const who = email('refresh');
    await signUp(who);
    const { refresh_token: token } = await logIn(who);
    const answers = await Promise.all(
      [1, 2].map(() => client.call('POST', '/refresh', { json: { refresh_token: token } })),
    );
    expect(answers.map((answer) => answer.status)).toEqual([200, 200]);
    const [first, second] = answers.map((answer) => answer.body.refresh_token);
    expect(first).toBe(second);
    expect(first).not.toBe(token);
  });

  it('of two admins demoting each other at once, lets exactly one win', async () => {
    const who = email('admin');
    const id = await signUp(who);
    const root = await logIn(ADMIN.email, ADMIN.password);
    const promoted = await client.call('PATCH', `/users/${id}`, {
      token: root.token,
      json: { role: 'admin' },
    });
    expect(promoted.status).toBe(200);
    const other = await logIn(who);
    const answers = await Promise.all([
      client.call('PATCH', `/users/${id}`, { token: root.token, json: { role: 'user' } }),
      client.call('PATCH', `/users/${root.user.id}`, { token: other.token, json: { role: 'user' } }),
    ]);
    // The loser is refused either by the last-admin rule (409: its write saw the other's) or,
    // when its call was authorized after the other's write, because it is no admin any more (403).
    const statuses = answers.map((answer) => answer.status).sort();
    expect([
      [200, 403],
      [200, 409],
    ]).toContainEqual(statuses);
    if (statuses[1] === 409)
      expect(answers.find((answer) => answer.status === 409)?.body.type).toMatch(/last-admin$/);
    const db = new pg.Client({ connectionString: databaseUrl });
    await db.connect();
    try {
      const roles = await db.query('SELECT role FROM users WHERE id = ANY($1)', [[id, root.user.id]]);
      // Exactly one of the two is still an admin.
      expect(roles.rows.map((row) => row.role).sort()).toEqual(['admin', 'user']);
    } finally {
      await db.end();
    }
  });

  it('accepts one TOTP code once, though it reaches two replicas at once', async () => {
    const who = email('totp');
    const id = await signUp(who);
    const first = await logIn(who);
    const enrolment = await client.call('POST', `/users/${id}/mfa/totp`, { token: first.token });
    const app = URI.parse(enrolment.body.otpauth_uri);
    const verified = await client.call('POST', `/users/${id}/mfa/totp/verify`, {
      token: first.token,
      json: { code: app.generate() },
    });
    expect(verified.status).toBe(200);
    const challenges = await Promise.all([logIn(who), logIn(who)]);
    // The next step's code: the enrolment used this one, and one step of drift is accepted.
    const code = app.generate({ timestamp: Date.now() + 30_000 });
    const answers = await Promise.all(
      challenges.map((challenge) =>
        client.call('POST', '/login/mfa', { json: { mfa_token: challenge.mfa_token, code } }),
      ),
    );
    expect(answers.map((answer) => answer.status).sort()).toEqual([200, 401]);
  });

  it('confirms one reset token once, though three replicas get it at once', async () => {
    const who = email('reset');
    await signUp(who);
    expect((await client.call('POST', '/password-reset', { json: { email: who } })).status).toBe(202);
    const [mail] = (await mailTo(who, 2)).filter((sent) => /reset-password/.test(sent.text));
    expect(mail?.token).toBeDefined();
    const answers = await Promise.all(
      [1, 2, 3].map((n) =>
        client.call('POST', '/password-reset/confirm', {
          json: { token: mail?.token, password: `a new password ${n}` },
        }),
      ),
    );
    expect(answers.map((answer) => answer.status).sort()).toEqual([204, 400, 400]);
  });

  it('counts a client’s rate limit and an account’s failed-login back-off across replicas', async () => {
    // Straight through the transport, past the kit's OpenAPI check: docs/openapi.json documents a
    // 429 only as the failed-login back-off (too-many-attempts), not as a client's rate limit
    // (rate-limited), which every rate-limited route answers. Reported; not this suite's to fix.
    const limited = overHttp(balancer.url, '127.0.0.77');
    const mails = [];
    for (let i = 0; i < 8; i += 1) {
      const body = Buffer.from(JSON.stringify({ email: email('nobody') }));
      mails.push(
        (await limited('POST', '/password-reset', { 'content-type': 'application/json' }, body)).status,
      );
    }
    expect(mails).toEqual([202, 202, 202, 202, 202, 429, 429, 429]);

    const who = email('backoff');
    await signUp(who);
    const guesser = from('127.0.0.78');
    const tries = [];
    for (let i = 0; i < 6; i += 1)
      tries.push(
        (await guesser.call('POST', '/login', { json: { email: who, password: `wrong ${i}` } })).status,
      );
    expect(tries).toEqual([401, 401, 401, 401, 401, 429]);
  });

  it('rolls all three replicas over under steady load without failing a request', async () => {
    const who = email('steady');
    const id = await signUp(who);
    const { token } = await logIn(who);
    let sent = 0;
    const failures: string[] = [];
    let loading = true;
    const worker = async () => {
      while (loading) {
        sent += 1;
        try {
          const answer = await client.call('GET', `/users/${id}`, { token });
          if (answer.status !== 200) failures.push(`${answer.status} ${answer.text.slice(0, 120)}`);
        } catch (error) {
          failures.push((error as Error).message);
        }
      }
    };
    const workers = Array.from({ length: 6 }, worker);
    await sleep(500);
    for (let i = 0; i < REPLICAS; i += 1) {
      expect(await replicas[i]?.stop()).toBe(0);
      const restarted = startReplica(i);
      const url = await waitForServing(restarted);
      while ((await fetch(`${url}/readyz`)).status !== 200) await sleep(50);
      // Until the balancer's next health check has taken it back.
      await sleep(750);
    }
    loading = false;
    await Promise.all(workers);
    mkdirSync('reports', { recursive: true });
    writeFileSync(
      join('reports', 'replicas.json'),
      `${JSON.stringify({ sent, failed: failures.length }, null, 2)}\n`,
    );
    expect(failures).toEqual([]);
    expect(sent).toBeGreaterThan(100);
  }, 180_000);
});
