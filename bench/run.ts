// `npm run bench`: speed as a measured property of the project. Each figure is set against a
// baseline measured in the same run (these machines are shared and noisy; an absolute time from one
// run means little in the next). Runs against the local stack on DynamoDB Local in memory, prints
// a table, writes bench/results.json. docs/PERFORMANCE.md explains every metric.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import bcrypt from 'bcryptjs';
import { createGatewayCore } from '../gateway/gateway-core';
import type { GatewayHandlers } from '../gateway/gateway-types';
import { createDocumentClient, createDynamoDbClient } from '../lambda/store/dynamodb-client';
import { type KeySet, publishedKeys } from '../lambda/tokens/key-set';
import { newKeySet } from '../lambda/tokens/rotation';
import { localAwsEnvironment, localClientOptions } from '../local/dynamodb-local';
import { createGateway } from '../local/gateway';
import { memoryKeySetStore } from '../local/signing-keys';
import { type LocalStack, startLocalStack } from '../local/stack';
import { median, round } from '../test/support/stats';
import { type Account, account, call, login, strongPassword } from './accounts';
import type { BundleInfo, BundleReport } from './bundles';
import {
  type ChildReport,
  type ColdStartTarget,
  EMPTY_HANDLER,
  ES256_FLOOR,
  ES256_FLOOR_NAME,
  ES256_READ_FLOOR,
  ES256_READ_FLOOR_NAME,
  measureColdStarts,
  measureEmptyNodeWall,
  measurePythonReference,
  SDK_FLOOR_NAME,
} from './cold-start';
import { lambdaEnvironment } from './lambda-environment';
import type { Latencies } from './load';
import { alternate, runTsChild, THROUGHPUT_SECONDS, throughputInTurns } from './load-runs';
import { startRawGetItemServer, startRawRefreshServer, timeRawGetItem } from './raw-server';
import { CHART_FILE, printColdStarts, report, type Throughput, writeChart } from './report';
import { type SecretsExtensionStandIn, startSecretsExtension } from './secrets-extension';
import { seedUsers } from './seed';
import { measureServe } from './serve';
import { reportServe } from './serve-report';

const TABLE_NAME = 'users-bench';

// Sample counts: enough for stable medians, within the 3-minute budget on two shared cores.
/** `npm run bench -- --cold-only`: the cold starts alone, printed, bench/results.json untouched. */
const COLD_ONLY = process.argv.includes('--cold-only');
/** `npm run bench -- --chart-only`: redraws docs/bench.svg from bench/results.json, measures nothing. */
const CHART_ONLY = process.argv.includes('--chart-only');
/** `npm run bench -- --serve-only`: the server figures alone (bench/serve.ts), the rest of bench/results.json kept. */
const SERVE_ONLY = process.argv.includes('--serve-only');
const COLD_START_ROUNDS = 20;
const PYTHON_ROUNDS = 10;
const LATENCY_SECONDS = 12;
const THROUGHPUT_CONNECTIONS = 50;
const LOGIN_PAIRS = 30;
/** Refreshes through the gateway and raw rotations, one each in turn. */
const REFRESH_PAIRS = 100;
const BCRYPT_CPU_SAMPLES = 10;
const LIST_SECONDS = 4;

const began = performance.now();
const elapsed = () => `${((performance.now() - began) / 1000).toFixed(1)}s`;
const progress = (message: string) => process.stderr.write(`[bench ${elapsed()}] ${message}\n`);

/** The events a GET of the user's own record makes, as the gateway core builds them. */
const eventsOf = async (stack: LocalStack, user: Account) => {
  let routerEvent: unknown;
  let authorizerEvent: unknown;
  const gateway = createGatewayCore({
    authorizerCacheTtlSeconds: 0,
    authorizer: (event, context) => {
      authorizerEvent = event;
      return stack.handlers.authorizer(event, context);
    },
    router: (event, context) => {
      routerEvent = event;
      return stack.handlers.router(event, context);
    },
  });
  const response = await gateway({
    method: 'GET',
    url: `/users/${user.id}`,
    headers: { authorization: user.authorization, host: `127.0.0.1:${stack.port}` },
    body: Buffer.alloc(0),
    sourceIp: '127.0.0.1',
  });
  if (response.status !== 200 || !routerEvent || !authorizerEvent)
    throw new Error(`the events of GET own user: the gateway answered ${response.status}`);
  return { routerEvent, authorizerEvent };
};

const coldStart = async (
  work: string,
  { bundles, sdkFloor }: BundleReport,
  stack: LocalStack,
  user: Account,
  { extension, keySet }: { extension: SecretsExtensionStandIn; keySet: KeySet },
) => {
  const { routerEvent: getUser, authorizerEvent: authorize } = await eventsOf(stack, user);
  const routerEvent = join(work, 'router-event.json');
  const authorizerEvent = join(work, 'authorizer-event.json');
  writeFileSync(routerEvent, JSON.stringify(getUser));
  writeFileSync(authorizerEvent, JSON.stringify(authorize));

  const bundle = (name: BundleInfo['name']) => {
    const found = bundles.find((candidate) => candidate.name === name);
    if (!found) throw new Error(`no ${name} bundle`);
    return found;
  };
  // Each process gets exactly its function's environment from the template (NODE_OPTIONS
  // included), what CloudFormation fills in at deployment, and what Lambda itself sets, with the
  // keys read through the stand-in extension as on every deployed cold start (the router the key
  // set, the authorizer the public keys only). Only the DynamoDB
  // endpoint and the extension's port (the template says 2773, which other runs on this machine
  // may hold) differ from AWS.
  const deployTime = (info: BundleInfo): Record<string, string> => {
    const known: Record<string, string> = {
      TABLE_NAME,
      SIGNING_KEYS_SECRET_ARN: extension.arnOf('keySet'),
      PUBLIC_KEYS_SECRET_ARN: extension.arnOf('publicKeys'),
    };
    return Object.fromEntries(
      info.deployTimeEnvironment.map((key) => {
        const value = known[key];
        if (value === undefined) throw new Error(`the bench has no value for ${info.name}'s ${key}`);
        return [key, value];
      }),
    );
  };
  const envOf = (info: BundleInfo): NodeJS.ProcessEnv => ({
    PATH: process.env.PATH,
    ...lambdaEnvironment(info, extension),
    ...localAwsEnvironment(stack.dynamoDb.endpoint),
    ...info.environment,
    ...deployTime(info),
    PARAMETERS_SECRETS_EXTENSION_HTTP_PORT: String(extension.port),
  });
  const router = bundle('router');
  const authorizer = bundle('authorizer');
  const answers200 = (answer: ChildReport) => {
    if (answer.statusCode !== 200) throw new Error(`cold router answered ${answer.statusCode}`);
  };
  const authorizes = (answer: ChildReport) => {
    if (answer.isAuthorized !== true) throw new Error('cold authorizer refused a valid token');
  };
  const targets: ColdStartTarget[] = [
    { name: 'empty', module: EMPTY_HANDLER, eventFile: routerEvent, env: envOf(router), check: () => {} },
    { name: 'router', module: router.file, eventFile: routerEvent, env: envOf(router), check: answers200 },
    {
      name: 'authorizer',
      module: authorizer.file,
      eventFile: authorizerEvent,
      env: envOf(authorizer),
      check: authorizes,
    },
    // For reference: the least any router on the bundled SDK costs, and the least any ES256
    // verifier costs.
    {
      name: SDK_FLOOR_NAME,
      module: sdkFloor.file,
      eventFile: routerEvent,
      env: envOf(router),
      check: answers200,
    },
    {
      name: ES256_READ_FLOOR_NAME,
      module: ES256_READ_FLOOR,
      eventFile: authorizerEvent,
      env: envOf(authorizer),
      check: authorizes,
    },
    {
      name: ES256_FLOOR_NAME,
      module: ES256_FLOOR,
      eventFile: authorizerEvent,
      // The floor is the verify alone: it is handed the public keys, it makes no extension call.
      env: { ...envOf(authorizer), PUBLIC_KEYS: JSON.stringify(publishedKeys(keySet)) },
      check: authorizes,
    },
  ];
  const served = extension.served();
  const summaries = await measureColdStarts(targets, COLD_START_ROUNDS);
  // Router, authorizer and the reading floor: one secret read per cold start.
  const expected = 3 * COLD_START_ROUNDS;
  if (extension.served() - served !== expected)
    throw new Error(`the extension served ${extension.served() - served} secrets, not ${expected}`);
  const emptyNodeWallMs = await measureEmptyNodeWall(10, envOf(router));
  progress('cold start: python reference');
  const python = await measurePythonReference(PYTHON_ROUNDS);
  return { summaries, emptyNodeWallMs, python };
};

/** A second gateway on the same handler modules with the authorizer cache off: shows what caching saves. */
const startUncachedGateway = async (handlers: GatewayHandlers) => {
  // The local stack's own handlers (built from their factories, with its keys): importing the
  // index modules here would need their environment in this process.
  const server = createServer(
    { keepAlive: true },
    createGateway({ ...handlers, authorizerCacheTtlSeconds: 0 }),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
};

const loginVersusCompare = async (base: string, user: Account, client: DynamoDBClient) => {
  const { Item } = await client.send(
    new GetItemCommand({ TableName: TABLE_NAME, Key: { id: { S: user.id } }, ConsistentRead: true }),
  );
  // The very hash login compares against: same cost, same work.
  const hash = Item?.password_hash?.S;
  if (!hash) throw new Error('the bench user has no stored hash');
  const logins: number[] = [];
  const compares: number[] = [];
  for (let pair = -2; pair < LOGIN_PAIRS; pair++) {
    // Taking turns one by one, so that the machine's other work weighs on both alike.
    let started = performance.now();
    await login(base, user.email, user.password);
    const loginMs = performance.now() - started;
    started = performance.now();
    if (!(await bcrypt.compare(user.password, hash))) throw new Error('raw compare failed');
    const compareMs = performance.now() - started;
    // The first two pairs only warm up.
    if (pair >= 0) {
      logins.push(loginMs);
      compares.push(compareMs);
    }
  }
  // For the memory-size table: the CPU time of one compare, which waiting for a core on this
  // shared machine does not inflate as it does wall time.
  const compareCpu: number[] = [];
  for (let i = 0; i < BCRYPT_CPU_SAMPLES; i++) {
    const before = process.cpuUsage();
    bcrypt.compareSync(user.password, hash);
    const used = process.cpuUsage(before);
    compareCpu.push((used.user + used.system) / 1000);
  }
  return {
    hash,
    cost: bcrypt.getRounds(hash),
    loginP50Ms: round(median(logins), 2),
    compareP50Ms: round(median(compares), 2),
    compareCpuMs: round(median(compareCpu), 2),
    samples: logins.length,
  };
};

/**
 * POST /refresh through the gateway, each answer's refresh token sent next, taking turns with the
 * raw baseline rotating another session of the same user (so neither rotates the other's hash).
 */
const refreshVersusRaw = async (base: string, user: Account, rawUrl: string) => {
  let refreshToken = user.refreshToken;
  const gateway: number[] = [];
  const raw: number[] = [];
  for (let pair = -5; pair < REFRESH_PAIRS; pair++) {
    let started = performance.now();
    const answer = (await call(`${base}/refresh`, {
      method: 'POST',
      body: JSON.stringify({ refresh_token: refreshToken }),
    })) as { refresh_token: string };
    const gatewayMs = performance.now() - started;
    refreshToken = answer.refresh_token;
    started = performance.now();
    const response = await fetch(rawUrl, { method: 'POST' });
    await response.arrayBuffer();
    if (!response.ok) throw new Error(`the raw refresh server answered ${response.status}`);
    const rawMs = performance.now() - started;
    // The first five pairs only warm up.
    if (pair >= 0) {
      gateway.push(gatewayMs);
      raw.push(rawMs);
    }
  }
  return {
    gatewayP50Ms: round(median(gateway), 3),
    rawP50Ms: round(median(raw), 3),
    samples: gateway.length,
  };
};

/**
 * The first page of the listing, taking turns with GET own user as a control: the two table sizes
 * are measured a minute apart, and the control tells a slower page from a busier machine.
 */
const listPhase = async (base: string, admin: Account, user: Account) => {
  const [list, control] = await alternate(
    [
      { url: `${base}/users?limit=25`, headers: { authorization: admin.authorization } },
      { url: `${base}/users/${user.id}`, headers: { authorization: user.authorization } },
    ],
    LIST_SECONDS,
  );
  return { list: list as Latencies, control: control as Latencies };
};

const main = async (): Promise<void> => {
  const work = mkdtempSync(join(tmpdir(), 'user-api-bench-'));
  const admin = { email: 'bench-admin@example.com', password: strongPassword() };
  const keySet = await newKeySet(new Date());
  const closers: (() => Promise<void>)[] = [];
  try {
    progress('synthesizing the stack (bundles) while the local stack starts');
    const [bundled, started] = await Promise.allSettled([
      runTsChild('bundles.ts', [join(work, 'cdk.out')]).then((line) => JSON.parse(line) as BundleReport),
      startLocalStack({
        inMemory: true,
        port: 0,
        tableName: TABLE_NAME,
        keys: memoryKeySetStore(keySet),
        admin,
        // The login and refresh phases call far faster than one address may (20 and 60 a
        // minute): the limits' counting write is still made, as on every such request.
        rateLimits: {
          login: { limit: 1_000_000, windowSeconds: 60 },
          refresh: { limit: 1_000_000, windowSeconds: 60 },
        },
      }),
    ]);
    if (started.status === 'fulfilled') closers.push(() => started.value.stop());
    if (bundled.status === 'rejected') throw bundled.reason;
    if (started.status === 'rejected') throw started.reason;
    const bundleReport = bundled.value;
    const stack = started.value;
    const base = `http://127.0.0.1:${stack.port}`;
    // The bench's own client on the stack's DynamoDB Local: the raw baseline, the stored hash, the seeding.
    const dynamoDb = createDynamoDbClient(localClientOptions(stack.dynamoDb.endpoint));
    const documents = createDocumentClient(createDynamoDbClient(localClientOptions(stack.dynamoDb.endpoint)));
    closers.push(async () => {
      dynamoDb.destroy();
      documents.destroy();
    });
    const userFields = { email: 'bench-user@example.com', name: 'Bench User', password: strongPassword() };
    await call(`${base}/users`, { method: 'POST', body: JSON.stringify(userFields) });
    const user = await account(base, userFields.email, userFields.password);
    const adminAccount = await account(base, admin.email, admin.password);
    const ownUser = { url: `${base}/users/${user.id}`, headers: { authorization: user.authorization } };

    progress(`cold start: ${COLD_START_ROUNDS} fresh processes each of 6 kinds, taking turns`);
    const extension = await startSecretsExtension({
      keySet: JSON.stringify(keySet),
      publicKeys: JSON.stringify(publishedKeys(keySet)),
    });
    closers.unshift(() => extension.close());
    const cold = await coldStart(work, bundleReport, stack, user, {
      extension,
      keySet,
    });
    if (COLD_ONLY) {
      printColdStarts(cold.summaries, cold.python);
      return;
    }

    const raw = await startRawGetItemServer(dynamoDb, TABLE_NAME, user.id);
    closers.unshift(() => raw.close());
    const uncached = await startUncachedGateway(stack.handlers);
    closers.unshift(() => uncached.close());

    progress(`warm overhead: GET own user vs raw GetItem, one request each in turn, ${LATENCY_SECONDS} s`);
    const [rawLatency, gatewayLatency, uncachedLatency] = (await alternate(
      [{ url: raw.url }, ownUser, { ...ownUser, url: `${uncached.url}/users/${user.id}` }],
      LATENCY_SECONDS,
    )) as [Latencies, Latencies, Latencies];
    const inProcessGetItem = await timeRawGetItem(dynamoDb, TABLE_NAME, user.id, 300);

    progress(`throughput: ${THROUGHPUT_CONNECTIONS} connections, ${THROUGHPUT_SECONDS} s each, in turns`);
    const [rawThroughput, gatewayThroughput] = (await throughputInTurns(
      [{ url: raw.url }, ownUser],
      THROUGHPUT_CONNECTIONS,
    )) as [Throughput, Throughput];

    progress(`refresh vs raw reads and a conditional write, ${REFRESH_PAIRS} each in turn`);
    // A second session of the same user for the raw baseline to rotate.
    const rawSession = await account(base, userFields.email, userFields.password);
    const rawRefresh = await startRawRefreshServer(
      dynamoDb,
      TABLE_NAME,
      rawSession.refreshToken.split('.')[0] ?? '',
    );
    closers.unshift(() => rawRefresh.close());
    const refreshRun = await refreshVersusRaw(base, user, rawRefresh.url);

    progress('login vs raw bcrypt compare, taking turns');
    const loginRun = await loginVersusCompare(base, user, dynamoDb);

    progress('list scaling: seeding 1,000 users');
    // The admin and the bench user are two of the thousand.
    await seedUsers(documents, TABLE_NAME, 0, 998, loginRun.hash);
    const list1k = await listPhase(base, adminAccount, user);
    progress('list scaling: seeding to 10,000 users');
    await seedUsers(documents, TABLE_NAME, 998, 9_998, loginRun.hash);
    const list10k = await listPhase(base, adminAccount, user);

    report({
      seconds: round((performance.now() - began) / 1000, 1),
      bundles: bundleReport,
      cold: { ...cold, rounds: COLD_START_ROUNDS },
      warm: {
        raw: rawLatency,
        gateway: gatewayLatency,
        authorizerCacheOff: uncachedLatency,
        inProcessGetItem,
      },
      throughput: { connections: THROUGHPUT_CONNECTIONS, raw: rawThroughput, gateway: gatewayThroughput },
      login: loginRun,
      refresh: refreshRun,
      list: { users1k: list1k, users10k: list10k },
    });
  } finally {
    for (const close of closers) await close();
    rmSync(work, { recursive: true, force: true });
  }
};

const serve = async (): Promise<void> => {
  const started = performance.now();
  reportServe(await measureServe(progress), (performance.now() - started) / 1000);
};

const run = async (): Promise<void> => {
  if (CHART_ONLY) {
    writeChart();
    console.log(`${CHART_FILE} drawn from bench/results.json.`);
    return;
  }
  if (!SERVE_ONLY) await main();
  if (!COLD_ONLY) await serve();
};

run().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
