// `npm run test:load`: a bounded load test on loopback. The local stack runs in a child process
// (test/load/server.ts); four autocannon instances drive a mixed workload at once — sign-ups,
// logins, reads and patches — for LOAD_SECONDS (60). Then every promise is checked: no error, no
// non-2xx, no timeout; every created user is readable; every user shows the last patch that was
// acknowledged. Prints throughput and p50/p99 latency and writes reports/load.json. Exits 1 when
// a promise is broken. Stops by itself: autocannon's duration, and a hard deadline on top.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import autocannon from 'autocannon';
import { percentile, round } from '../support/stats';
import { LOAD_ADMIN } from './server';

const SECONDS = Number(process.env.LOAD_SECONDS ?? 60);
const HOST = '127.0.0.1';
const PATCH_USERS = 8;
const LOGIN_USERS = 4;
const PASSWORD = 'load test user password';

interface Account {
  readonly id: string;
  readonly email: string;
  readonly token: string;
}

interface Workload {
  readonly name: string;
  readonly connections: number;
  readonly requests: autocannon.Request[];
}

const startServer = async (): Promise<{ child: ChildProcess; base: string }> => {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/load/server.ts'], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout as NodeJS.ReadableStream });
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the server did not start within 60 s')), 60_000);
    lines.on('line', (line) => {
      try {
        const parsed = JSON.parse(line) as { port?: number };
        if (parsed.port) {
          clearTimeout(timer);
          resolve(parsed.port);
        }
      } catch {
        // Not the ready line.
      }
    });
    child.once('exit', (code) => reject(new Error(`the server exited with ${code}`)));
  });
  return { child, base: `http://${HOST}:${port}` };
};

const main = async (): Promise<number> => {
  const { child, base } = await startServer();
  // Whatever happens below, the server and its Java go when this process goes.
  const deadline = setTimeout(
    () => {
      console.error('test:load: hard deadline passed; stopping');
      child.kill('SIGTERM');
      process.exit(1);
    },
    (SECONDS + 120) * 1000,
  );
  deadline.unref();
  try {
    return await run(base);
  } finally {
    child.stdin?.end();
    await new Promise((resolve) => child.once('exit', resolve));
  }
};

const api = async (base: string, method: string, path: string, body?: unknown, token?: string) => {
  const response = await fetch(`${base}${path}`, {
    method,
    headers: {
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  // biome-ignore lint/suspicious/noExplicitAny: response bodies are read field by field
  return { status: response.status, body: (text ? JSON.parse(text) : undefined) as any };
};

const account = async (base: string, label: string): Promise<Account> => {
  const email = `${label}@load.example.com`;
  const created = await api(base, 'POST', '/users', { email, name: label, password: PASSWORD });
  if (created.status !== 201) throw new Error(`sign-up of ${label}: ${created.status}`);
  const login = await api(base, 'POST', '/login', { email, password: PASSWORD });
  return { id: created.body.id, email, token: login.body.token };
};

const run = async (base: string): Promise<number> => {
  const runId = Date.now().toString(36);
  const admin = (await api(base, 'POST', '/login', LOAD_ADMIN)).body.token as string;
  const patchUsers = await Promise.all(
    Array.from({ length: PATCH_USERS }, (_, i) => account(base, `patch-${runId}-${i}`)),
  );
  const loginUsers = await Promise.all(
    Array.from({ length: LOGIN_USERS }, (_, i) => account(base, `login-${runId}-${i}`)),
  );

  const created = new Map<string, string>();
  const acknowledged = new Map<string, string>();
  /** Every name sent, per user, in order: a patch still in flight when the run ends may land too. */
  const sent = new Map<string, string[]>();
  let signUps = 0;
  let logins = 0;
  let reads = 0;
  let patchSeq = 0;
  let patchesAcknowledged = 0;
  const json = { 'content-type': 'application/json' };

  const workloads: Workload[] = [
    {
      name: 'sign-up',
      connections: 1,
      requests: [
        {
          method: 'POST',
          path: '/users',
          setupRequest: (req) => ({
            ...req,
            headers: json,
            body: JSON.stringify({
              email: `new-${runId}-${++signUps}@load.example.com`,
              name: 'New',
              password: PASSWORD,
            }),
          }),
          onResponse: (status, body) => {
            if (status === 201) {
              const user = JSON.parse(body) as { id: string; email: string };
              created.set(user.id, user.email);
            }
          },
        },
      ],
    },
    {
      name: 'login',
      connections: 1,
      requests: [
        {
          method: 'POST',
          path: '/login',
          setupRequest: (req) => ({
            ...req,
            headers: json,
            body: JSON.stringify({ email: loginUsers[++logins % LOGIN_USERS]?.email, password: PASSWORD }),
          }),
        },
      ],
    },
    {
      name: 'read',
      connections: 4,
      requests: [
        {
          method: 'GET',
          setupRequest: (req) => {
            const user = patchUsers[++reads % PATCH_USERS] as Account;
            // Half as the user, half as the admin: both authorization paths.
            return {
              ...req,
              path: `/users/${user.id}`,
              headers: { authorization: `Bearer ${reads % 2 ? user.token : admin}` },
            };
          },
        },
      ],
    },
    // One connection per user, one request at a time: its last acknowledged patch must stick.
    ...patchUsers.map(
      (user): Workload => ({
        name: 'patch',
        connections: 1,
        requests: [
          {
            method: 'PATCH',
            path: `/users/${user.id}`,
            headers: { ...json, authorization: `Bearer ${user.token}` },
            setupRequest: (req) => {
              const name = `patched ${++patchSeq}`;
              sent.set(user.id, [...(sent.get(user.id) ?? []), name]);
              return { ...req, body: JSON.stringify({ name }) };
            },
            // What the 200 says was written, not what was sent: the two differ once the run ends.
            onResponse: (status, body) => {
              if (status !== 200) return;
              acknowledged.set(user.id, (JSON.parse(body) as { name: string }).name);
              patchesAcknowledged++;
            },
          },
        ],
      }),
    ),
  ];

  console.log(
    `test:load: ${SECONDS} s on ${base}: sign-ups, logins, reads and patches (${workloads.length} autocannon instances)`,
  );
  const latencies: Record<string, number[]> = {};
  const results = await Promise.all(
    workloads.map(
      (workload) =>
        new Promise<{ workload: Workload; result: autocannon.Result }>((resolve, reject) => {
          const instance = autocannon(
            {
              url: base,
              connections: workload.connections,
              pipelining: 1,
              duration: SECONDS,
              timeout: 10,
              requests: workload.requests,
            },
            (error, result) => (error ? reject(error) : resolve({ workload, result })),
          );
          latencies[workload.name] ??= [];
          const samples = latencies[workload.name] ?? [];
          instance.on('response', (_client, _status, _bytes, ms) => samples.push(ms));
        }),
    ),
  );

  // Afterwards: every created user is there, and shows what it was created with.
  const missing: string[] = [];
  for (const [id, email] of created) {
    const read = await api(base, 'GET', `/users/${id}`, undefined, admin);
    if (read.status !== 200 || read.body.email !== email) missing.push(id);
  }
  // Every user shows the last patch acknowledged for it (each was patched by one connection, in order).
  const stale: string[] = [];
  for (const user of patchUsers) {
    const read = await api(base, 'GET', `/users/${user.id}`, undefined, admin);
    // Lost: the user shows an older patch than one acknowledged (or one never sent).
    const order = sent.get(user.id) ?? [];
    const shown = order.indexOf(read.body.name);
    const acked = order.indexOf(acknowledged.get(user.id) ?? '');
    if (acked < 0 || shown < acked) stale.push(user.id);
  }

  const sorted = (values: readonly number[]) => [...values].sort((x, y) => x - y);
  const all = sorted(Object.values(latencies).flat());
  const byWorkload = Object.fromEntries(
    [...new Set(workloads.map((workload) => workload.name))].map((name) => {
      const mine = results.filter(({ workload }) => workload.name === name).map(({ result }) => result);
      const times = sorted(latencies[name] ?? []);
      const sum = (pick: (result: autocannon.Result) => number) =>
        mine.reduce((total, result) => total + pick(result), 0);
      return [
        name,
        {
          connections: sum((result) => result.connections),
          requests: times.length,
          perSecond: round(times.length / SECONDS, 1),
          p50Ms: round(percentile(times, 50), 2),
          p99Ms: round(percentile(times, 99), 2),
          errors: sum((result) => result.errors + result.timeouts + result.non2xx),
        },
      ];
    }),
  );
  const total = all.length;
  const errors = results.reduce(
    (sum, { result }) => sum + result.errors + result.timeouts + result.non2xx,
    0,
  );
  const report = {
    seconds: SECONDS,
    requests: total,
    perSecond: round(total / SECONDS, 1),
    p50Ms: round(percentile(all, 50), 2),
    p99Ms: round(percentile(all, 99), 2),
    errors,
    usersCreated: created.size,
    lostUsers: missing.length,
    patchesAcknowledged,
    lostPatches: stale.length,
    byWorkload,
  };
  mkdirSync('reports', { recursive: true });
  writeFileSync('reports/load.json', `${JSON.stringify(report, null, 2)}\n`);
  console.log(JSON.stringify(report, null, 2));
  const failed = errors > 0 || missing.length > 0 || stale.length > 0 || created.size === 0;
  console.log(`load: ${failed ? 0 : 1} passed, ${failed ? 1 : 0} failed`);
  return failed ? 1 : 0;
};

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
