// The server half of `npm run bench` (alone: `npm run bench -- --serve-only`): `npm run serve`
// processes, started as a container starts them (node itself), on a real PostgreSQL 15 of the test
// kit, measured against a raw `node:http` + `pg` server (bench/raw-pg-server.ts) in the same run:
// GET own user and login in turns (p50), throughput of one replica, GET own user while 60 logins
// run at once (what the bcrypt pool buys), the RSS of one replica after 10,000 requests on each
// store, and 1, 2, 3 replicas behind HAProxy with the CPU each kind of process spent (/proc).
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { freePort, startDynamoDbLocal } from '../local/dynamodb-local';
import { haproxyIsInstalled, startHaproxy } from '../test/support/haproxy';
import { type RunningPostgres, startPostgres } from '../test/support/postgres';
import {
  newDataDir,
  type ServerProcess,
  startServerProcess,
  waitForServing,
} from '../test/support/server-process';
import { round } from '../test/support/stats';
import { type Account, account, call, strongPassword } from './accounts';
import { childrenOf, machineCpuSeconds, processCpuSeconds, rssMb } from './cpu';
import type { AutocannonResult, Latencies, Target } from './load';
import { alternate, load, throughputInTurns } from './load-runs';
import { startRawPostgresServer } from './raw-pg-server';
import type { Throughput } from './report';

/** The phases' sizes: about three minutes in all on two shared cores. */
const SIZES = {
  latencySeconds: 10,
  throughputConnections: 50,
  concurrentLogins: 60,
  quietSeconds: 5,
  rssRequests: 10_000,
  scalingSeconds: 8,
  replicas: [1, 2, 3],
} as const;

/** Every limit out of the bench's way: the counting writes are still made, as on every request. */
const UNLIMITED = {
  RATE_LIMIT_LOGIN: '9999999/1',
  RATE_LIMIT_SIGN_UP: '9999999/1',
  SHUTDOWN_DELAY_SECONDS: '0',
};

export interface ScalingRow {
  readonly replicas: number;
  readonly throughput: number;
  readonly p50Ms: number;
  readonly seconds: number;
  /** CPU spent in the phase, in cores (CPU seconds ÷ wall seconds). */
  readonly cores: {
    readonly replicas: readonly number[];
    readonly postgres: number;
    readonly haproxy: number;
    /** The machine's busy time less the three above: the load generator and everything else running here. */
    readonly rest: number;
    readonly idle: number;
  };
  readonly bottleneck: string;
}

export interface ServeMeasurements {
  readonly loadAverage1m: number;
  readonly get: { readonly raw: Latencies; readonly serve: Latencies };
  readonly login: { readonly raw: Latencies; readonly serve: Latencies };
  readonly throughput: { readonly connections: number; readonly raw: Throughput; readonly serve: Throughput };
  readonly underLogins: {
    readonly logins: number;
    readonly quiet: Latencies;
    readonly loaded: Latencies;
    readonly quietAfter: Latencies;
    readonly loginsPerSecond: number;
  };
  readonly rssMb: Record<
    string,
    { readonly started: number; readonly after: number; readonly requests: number }
  >;
  readonly scaling: readonly ScalingRow[];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Replica {
  readonly process: ServerProcess;
  readonly url: string;
  readonly port: number;
  readonly pid: number;
}

const startReplica = async (env: Record<string, string>): Promise<Replica> => {
  const process = startServerProcess({ ...UNLIMITED, ...env });
  const url = await waitForServing(process, 120_000);
  const pid = process.child.pid;
  if (pid === undefined) throw new Error('a replica has no pid');
  return { process, url, port: Number(new URL(url).port), pid };
};

const signedUp = async (url: string, email: string): Promise<Account> => {
  const password = strongPassword();
  await call(`${url}/users`, { method: 'POST', body: JSON.stringify({ email, name: 'Bench', password }) });
  return account(url, email, password);
};

const getOwn = (base: string, user: Account): Target => ({
  url: `${base}/users/${user.id}`,
  headers: { authorization: user.authorization },
});

const loginOf = (base: string, user: Account): Target => ({
  url: `${base}/login`,
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ email: user.email, password: user.password }),
});

/** The PostgreSQL server's process: the first line of postmaster.pid. */
const postmasterOf = (postgres: RunningPostgres): number =>
  Number(readFileSync(join(postgres.dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);

/**
 * Names the limit of a phase from where its CPU went: the machine's cores when they are nearly all
 * busy (and who spends them), else one replica's event loop when it holds most of a core (a
 * process that waits for a core now and then never shows a full one), else waiting.
 */
export const nameBottleneck = (cores: ScalingRow['cores'], machineCores: number): string => {
  const hottest = Math.max(...cores.replicas);
  const serving = cores.replicas.reduce((sum, value) => sum + value, 0);
  const parts = `replicas ${round(serving, 2)}, PostgreSQL ${round(cores.postgres, 2)}, HAProxy ${round(cores.haproxy, 2)}, load generator and the rest ${round(cores.rest, 2)}, idle ${round(cores.idle, 2)} of ${machineCores} cores`;
  if (cores.idle < 0.1 * machineCores) {
    const [name] = [
      ['the replicas (node)', serving],
      ['PostgreSQL', cores.postgres],
      ['HAProxy', cores.haproxy],
      ['the load generator and the rest', cores.rest],
    ].sort((a, b) => Number(b[1]) - Number(a[1]))[0] as [string, number];
    return `the machine's CPU, saturated; ${name} spend most of it (${parts})`;
  }
  if (hottest >= 0.6) return `one replica's event loop, ${round(hottest, 2)} of a core (${parts})`;
  if (cores.postgres >= 0.6 * machineCores) return `PostgreSQL (${parts})`;
  return `no CPU limit: waiting (${parts})`;
};

const scalingPhase = async (
  replicas: readonly Replica[],
  user: Account,
  postgres: RunningPostgres,
  count: number,
): Promise<ScalingRow> => {
  const used = replicas.slice(0, count);
  const balancer = await startHaproxy(
    await freePort(),
    used.map((replica) => replica.port),
  );
  try {
    // HAProxy marks a server up after its first /readyz check.
    await sleep(1_000);
    const target = getOwn(balancer.url, user);
    await load([{ kind: 'autocannon', ...target, connections: SIZES.throughputConnections, seconds: 1 }]);
    const postmaster = postmasterOf(postgres);
    const postgresCpu = () =>
      processCpuSeconds(postmaster, { reaped: true }) +
      childrenOf(postmaster).reduce((sum, pid) => sum + processCpuSeconds(pid), 0);
    const sample = () => ({
      at: performance.now(),
      replicas: used.map((replica) => processCpuSeconds(replica.pid)),
      postgres: postgresCpu(),
      haproxy: balancer.pid === undefined ? 0 : processCpuSeconds(balancer.pid),
      machine: machineCpuSeconds(),
    });
    const before = sample();
    const [result] = (await load([
      {
        kind: 'autocannon',
        ...target,
        connections: SIZES.throughputConnections,
        seconds: SIZES.scalingSeconds,
      },
    ])) as AutocannonResult[];
    const after = sample();
    const wall = (after.at - before.at) / 1000;
    const per = (seconds: number) => round(seconds / wall, 3);
    const replicaCores = used.map((_, i) => per((after.replicas[i] ?? 0) - (before.replicas[i] ?? 0)));
    const postgresCores = per(after.postgres - before.postgres);
    const haproxyCores = per(after.haproxy - before.haproxy);
    const busy = per(after.machine.busy - before.machine.busy);
    const total = per(after.machine.total - before.machine.total);
    const known = replicaCores.reduce((sum, value) => sum + value, 0) + postgresCores + haproxyCores;
    const cores = {
      replicas: replicaCores,
      postgres: postgresCores,
      haproxy: haproxyCores,
      rest: round(Math.max(0, busy - known), 3),
      idle: round(Math.max(0, total - busy), 3),
    };
    if (!result) throw new Error('the load generator answered nothing');
    return {
      replicas: count,
      throughput: result.throughput,
      p50Ms: result.p50Ms,
      seconds: round(wall, 2),
      cores,
      bottleneck: nameBottleneck(cores, cpus().length),
    };
  } finally {
    await balancer.stop();
  }
};

/** A fresh replica on `env`'s store: its RSS once serving, and after SIZES.rssRequests GETs of a user's own record. */
const rssAfterRequests = async (env: Record<string, string>) => {
  const replica = await startReplica(env);
  try {
    const user = await signedUp(replica.url, `rss-${randomBytes(4).toString('hex')}@example.com`);
    const started = round(rssMb(replica.pid), 1);
    const [result] = (await load([
      {
        kind: 'autocannon',
        ...getOwn(replica.url, user),
        connections: 10,
        seconds: 0,
        amount: SIZES.rssRequests,
      },
    ])) as AutocannonResult[];
    return { started, after: round(rssMb(replica.pid), 1), requests: (result?.requests ?? 0) + 3 };
  } finally {
    await replica.process.stop('SIGTERM');
  }
};

export const measureServe = async (progress: (message: string) => void): Promise<ServeMeasurements> => {
  if (!haproxyIsInstalled()) throw new Error('the server bench needs HAProxy: apt-get install haproxy');
  const loadAverage1m = round(loadavg()[0] ?? 0, 2);
  const closers: (() => Promise<unknown>)[] = [];
  try {
    progress('server: PostgreSQL 15 and one `npm run serve` replica on it');
    const postgres = await startPostgres();
    closers.unshift(() => postgres.stop());
    const postgresEnv = {
      STORE: 'postgres',
      DATABASE_URL: postgres.url,
      KEY_ENCRYPTION_KEY: randomBytes(32).toString('base64'),
    };
    const first = await startReplica(postgresEnv);
    closers.unshift(() => first.process.stop('SIGKILL'));
    const user = await signedUp(first.url, 'bench-serve@example.com');
    const raw = await startRawPostgresServer(postgres.url);
    closers.unshift(() => raw.close());

    progress(
      `server: GET own user and login vs raw node:http + pg, in turns, ${SIZES.latencySeconds} s each`,
    );
    const [rawGet, serveGet] = (await alternate(
      [getOwn(raw.url, user), getOwn(first.url, user)],
      SIZES.latencySeconds,
    )) as [Latencies, Latencies];
    const [rawLogin, serveLogin] = (await alternate(
      [loginOf(raw.url, user), loginOf(first.url, user)],
      SIZES.latencySeconds,
    )) as [Latencies, Latencies];

    progress(`server: throughput, ${SIZES.throughputConnections} connections, raw and one replica in turns`);
    const [rawThroughput, serveThroughput] = (await throughputInTurns(
      [getOwn(raw.url, user), getOwn(first.url, user)],
      SIZES.throughputConnections,
    )) as [Throughput, Throughput];

    progress(`server: GET own user quiet, then during ${SIZES.concurrentLogins} concurrent logins`);
    // One account per connection: logins racing on one account from one address are refused
    // past its few claimed attempts (the back-off claims before bcrypt checks).
    const crowd: Account[] = [];
    for (let i = 0; i < SIZES.concurrentLogins; i += 10)
      crowd.push(
        ...(await Promise.all(
          Array.from({ length: 10 }, (_, j) => signedUp(first.url, `crowd-${i + j}@example.com`)),
        )),
      );
    const [quiet] = (await alternate([getOwn(first.url, user)], SIZES.quietSeconds)) as [Latencies];
    const [flood, loaded] = await Promise.all([
      load([
        {
          kind: 'autocannon',
          ...loginOf(first.url, user),
          bodies: crowd.map((member) => loginOf(first.url, member).body ?? ''),
          connections: SIZES.concurrentLogins,
          seconds: SIZES.quietSeconds + 4,
        },
      ]) as Promise<AutocannonResult[]>,
      // The logins' connections open and their queue fills before the first GET is timed.
      sleep(2_000).then(() => alternate([getOwn(first.url, user)], SIZES.quietSeconds)),
    ]);
    const [quietAfter] = (await alternate([getOwn(first.url, user)], SIZES.quietSeconds)) as [Latencies];

    progress('server: 1, 2, 3 replicas behind HAProxy on the one PostgreSQL');
    const replicas = [first];
    for (let i = 1; i < Math.max(...SIZES.replicas); i++) {
      const replica = await startReplica(postgresEnv);
      closers.unshift(() => replica.process.stop('SIGKILL'));
      replicas.push(replica);
    }
    const scaling: ScalingRow[] = [];
    for (const count of SIZES.replicas) scaling.push(await scalingPhase(replicas, user, postgres, count));
    for (const replica of replicas.slice(1)) await replica.process.stop('SIGTERM');

    progress(
      `server: RSS of one fresh replica after ${SIZES.rssRequests.toLocaleString('en')} requests, each store`,
    );
    const rss: ServeMeasurements['rssMb'] = {};
    rss.postgres = await rssAfterRequests(postgresEnv);
    rss.embedded = await rssAfterRequests({ DATA_DIR: newDataDir() });
    const dynamoDb = await startDynamoDbLocal();
    closers.unshift(() => dynamoDb.stop());
    rss.dynamodb = await rssAfterRequests({
      STORE: 'dynamodb',
      DYNAMODB_ENDPOINT: dynamoDb.endpoint,
      DATA_DIR: newDataDir(),
    });

    return {
      loadAverage1m,
      get: { raw: rawGet, serve: serveGet },
      login: { raw: rawLogin, serve: serveLogin },
      throughput: { connections: SIZES.throughputConnections, raw: rawThroughput, serve: serveThroughput },
      underLogins: {
        logins: SIZES.concurrentLogins,
        quiet,
        loaded: loaded[0] as Latencies,
        quietAfter,
        loginsPerSecond: flood[0]?.throughput ?? 0,
      },
      rssMb: rss,
      scaling,
    };
  } finally {
    for (const close of closers) await close();
  }
};
