// Fault injection: DynamoDB Local goes away in the middle of a run — killed (a crash) or paused
// (a hang) — and comes back on the same port. Requests meanwhile get a clean 503 problem with
// Retry-After, within a bounded time and with no secret; the same gateway recovers by itself.
// A storm of transactional writes cut short by a crash leaves the table consistent: no email
// guard without its user, no user without its guard — checked in the table itself.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DeleteItemCommand, PutItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { ensureUsersTable } from '../../lambda/store/create-table';
import { createDynamoDbClient } from '../../lambda/store/dynamodb-client';
import {
  type DynamoDbLocal,
  freePort,
  localClientOptions,
  startDynamoDbLocal,
} from '../../local/dynamodb-local';
import { expectProblem } from '../support/expect';
import { ADMIN, startTestStack, type TestStack, uniqueEmail } from '../support/stack';
import { percentile } from '../support/stats';
import type { ApiResponse as Answer, Call } from '../support/transport';

/** What a request may take, whatever DynamoDB does: well inside API Gateway's 30 s. */
const BOUND_MS = 5_000;
const TABLE = 'faults';

let port: number;
let dataDir: string;
let dynamo: DynamoDbLocal;
let stack: TestStack;
let call: Call;
let adminToken: string;
const figures: Record<string, number> = {};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** DynamoDB Local on the fixed port, keeping its data in `dataDir` so a restart finds it. */
const startDynamo = async () => {
  dynamo = await startDynamoDbLocal({ port, dataDir });
  const client = createDynamoDbClient(localClientOptions(dynamo.endpoint));
  try {
    await ensureUsersTable(client, TABLE);
  } finally {
    client.destroy();
  }
};

beforeAll(async () => {
  port = await freePort();
  dataDir = mkdtempSync(join(tmpdir(), 'user-api-faults-'));
  await startDynamo();
  // The kit's stack on this file's own DynamoDB Local; the storm signs up many users from one
  // address, which the kit's unreached rate limits let through (not what is tested here).
  stack = await startTestStack({
    over: 'http',
    admin: ADMIN,
    local: { dynamoDbEndpoint: dynamo.endpoint, tableName: TABLE },
  });
  call = stack.call;
  adminToken = stack.admin.token;
}, 60_000);

afterAll(async () => {
  dynamo?.process.kill('SIGCONT');
  await stack?.close();
  await dynamo?.stop();
  rmSync(dataDir, { recursive: true, force: true });
  console.log(`faults: ${JSON.stringify(figures)}`);
});

interface Sample {
  readonly at: number;
  readonly answer: Answer;
}

/** `workers` loops of `next()` requests until `stop()` (at most `limit` each); every answer kept. */
const traffic = (workers: number, next: (i: number) => Promise<Answer>, limit = 5_000) => {
  const samples: Sample[] = [];
  let running = true;
  const loops = Array.from({ length: workers }, async (_, worker) => {
    for (let i = 0; running && i < limit; i++) {
      const at = Date.now();
      samples.push({ at, answer: await next(worker * limit + i) });
    }
  });
  return {
    samples,
    stop: async () => {
      running = false;
      await Promise.all(loops);
    },
  };
};

const expectOnly503Problems = (samples: Sample[]) => {
  const failed = samples.filter((sample) => sample.answer.status >= 500);
  for (const { answer } of failed) {
    expectProblem(answer, 503);
    expect(Number(answer.headers.get('retry-after'))).toBeGreaterThan(0);
  }
  return failed;
};

describe.each([
  // A crash refuses connections at once; a hang must outlast the client's ~4 s of attempts.
  ['killed (a crash)', 'SIGKILL', 2_000],
  ['paused (a hang)', 'SIGSTOP', 5_000],
] as const)('DynamoDB Local %s mid-run', (_, signal, outageMs) => {
  it('answers a clean, bounded 503 meanwhile, and the same gateway recovers once it is back', async () => {
    // Two accounts: logins bump the version that concurrent patches of the same user race on.
    const [account, other] = await Promise.all([
      stack.signUp(`outage-${signal}`),
      stack.signUp(`login-${signal}`),
    ]);
    const operations = [
      () => call('GET', `/users/${account.id}`, { token: account.token }),
      (i: number) => call('PATCH', `/users/${account.id}`, { token: account.token, json: { name: `n${i}` } }),
      () => call('GET', '/users?limit=10', { token: adminToken }),
      () => call('POST', '/login', { json: { email: other.email, password: other.password } }),
    ];
    const load = traffic(4, (i) => (operations[i % operations.length] as (i: number) => Promise<Answer>)(i));
    await sleep(500);

    const downAt = Date.now();
    dynamo.process.kill(signal);
    if (signal === 'SIGKILL') await new Promise((resolve) => dynamo.process.once('exit', resolve));
    // Probes sent once it is away and answered before it comes back, whatever the time their
    // answer takes: `during` never depends on how the loops' requests straddle the outage.
    const probe = async (i: number) => {
      const at = Date.now();
      load.samples.push({
        at,
        answer: await (operations[i % operations.length] as (i: number) => Promise<Answer>)(i),
      });
    };
    await Promise.all([0, 1, 2, 3].map(probe));
    await sleep(Math.max(0, outageMs - (Date.now() - downAt)));
    const restartAt = Date.now();
    if (signal === 'SIGKILL') await startDynamo();
    else dynamo.process.kill('SIGCONT');
    const upAt = Date.now();
    // Wait (bounded) for the first success after the restart, then for a dozen requests more.
    const recovered = () => load.samples.find((sample) => sample.at >= upAt && sample.answer.status < 300);
    const afterRecovery = () => load.samples.filter((sample) => sample.at >= (recovered()?.at ?? upAt) + 300);
    for (let waited = 0; waited < 20_000 && afterRecovery().length < 12; waited += 100) await sleep(100);
    await load.stop();

    const { samples } = load;
    const end = (sample: Sample) => sample.at + sample.answer.ms;
    const failed = expectOnly503Problems(samples);
    // Answered while DynamoDB was away, from start to end: nothing else could be said but 503.
    const during = samples.filter((sample) => sample.at >= downAt && end(sample) <= restartAt);
    const firstSuccessAfter = samples.find((sample) => sample.at >= upAt && sample.answer.status < 300);
    const settled = samples.filter((sample) => sample.at >= (firstSuccessAfter?.at ?? upAt) + 300);
    const latencies = failed.map((sample) => sample.answer.ms);
    const slowest = Math.max(...samples.map((sample) => sample.answer.ms));

    expect(
      samples.filter((sample) => end(sample) < downAt).every((sample) => sample.answer.status < 300),
    ).toBe(true);
    expect(during.length).toBeGreaterThanOrEqual(4);
    expect(during.filter((sample) => sample.answer.status !== 503)).toEqual([]);
    expect(slowest).toBeLessThan(BOUND_MS);
    expect(firstSuccessAfter).toBeDefined();
    const recoveryMs = (firstSuccessAfter?.at ?? 0) + (firstSuccessAfter?.answer.ms ?? 0) - upAt;
    expect(recoveryMs).toBeLessThan(BOUND_MS);
    expect(settled.length).toBeGreaterThan(0);
    expect(settled.filter((sample) => sample.answer.status >= 300)).toEqual([]);
    // The stored account survived: the old token still works on the very same gateway.
    expect((await call('GET', `/users/${account.id}`, { token: account.token })).status).toBe(200);

    Object.assign(figures, {
      [`${signal}.requests`]: samples.length,
      [`${signal}.503s`]: failed.length,
      [`${signal}.503p50Ms`]: Math.round(percentile(latencies, 50)),
      [`${signal}.503maxMs`]: Math.round(Math.max(...latencies)),
      [`${signal}.slowestMs`]: Math.round(slowest),
      [`${signal}.recoveryMs`]: Math.round(recoveryMs),
    });
  }, 90_000);
});

describe('transactions cut short', () => {
  /** Every user has its guard and every guard its user, with the same email, in the table itself. */
  const expectConsistentTable = async () => {
    const items = [];
    let startKey: Record<string, import('@aws-sdk/client-dynamodb').AttributeValue> | undefined;
    do {
      const page = await stack.dynamoDb.send(
        new ScanCommand({ TableName: TABLE, ConsistentRead: true, ExclusiveStartKey: startKey }),
      );
      items.push(...(page.Items ?? []));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    const users = new Map(items.filter((item) => item.email?.S).map((item) => [item.id?.S, item.email?.S]));
    const guards = new Map(
      items
        .filter((item) => item.id?.S?.startsWith('email#'))
        .map((item) => [item.id?.S?.slice(6), item.owner_id?.S]),
    );

    for (const [id, email] of users)
      expect({ email, owner: guards.get(email ?? '') }).toEqual({ email, owner: id });
    for (const [email, owner] of guards) expect({ owner, email: users.get(owner) }).toEqual({ owner, email });
    return { users: users.size, guards: guards.size };
  };

  it('leave no half: a planted guard makes the email change fail whole, and nothing else moves', async () => {
    const account = await stack.signUp('planted');
    const taken = uniqueEmail('taken');
    // A guard whose user is gone: the second write of the transaction must fail, and undo the first.
    const phantom = '00000000-0000-4000-8000-00000000beef';
    await stack.dynamoDb.send(
      new PutItemCommand({
        TableName: TABLE,
        Item: { id: { S: `email#${taken}` }, owner_id: { S: phantom } },
      }),
    );

    const answer = await call('PATCH', `/users/${account.id}`, { token: adminToken, json: { email: taken } });

    expectProblem(answer, 409);
    const read = await call('GET', `/users/${account.id}`, { token: adminToken });
    expect(read.body.email).toBe(account.email);
    expect(
      (await call('POST', '/login', { json: { email: account.email, password: account.password } })).status,
    ).toBe(200);
    const { Items = [] } = await stack.dynamoDb.send(
      new ScanCommand({
        TableName: TABLE,
        ConsistentRead: true,
        FilterExpression: 'owner_id = :o',
        ExpressionAttributeValues: { ':o': { S: phantom } },
      }),
    );
    expect(Items.map((item) => item.id?.S)).toEqual([`email#${taken}`]);
    // The planted guard is the one orphan in the table: gone again, so the next test sees none.
    await stack.dynamoDb.send(
      new DeleteItemCommand({ TableName: TABLE, Key: { id: { S: `email#${taken}` } } }),
    );
  });

  it('leave no half when DynamoDB Local is killed during a storm of email changes, sign-ups and deletes', async () => {
    // Users made by the admin, whose email changes need no bcrypt: many transactions a second.
    const users = await Promise.all(Array.from({ length: 8 }, (_, i) => stack.signUp(`storm${i}`)));
    const pool = Array.from({ length: 5 }, (_, i) => `shared-${i}-${Date.now()}@example.com`);
    let deletes = 0;
    const storm = traffic(6, (i) => {
      const user = users[i % users.length];
      if (!user) throw new Error('no user');
      if (i % 17 === 0 && deletes++ < 3) return call('DELETE', `/users/${user.id}`, { token: adminToken });
      if (i % 11 === 0)
        return call('POST', '/users', {
          json: { email: pool[i % pool.length], name: 'S', password: 'storm sign-up pw' },
        });
      const email = i % 3 === 0 ? user.email : (pool[i % pool.length] ?? user.email);
      return call('PATCH', `/users/${user.id}`, { token: adminToken, json: { email } });
    });
    await sleep(1_000);
    await expectConsistentTable();

    dynamo.process.kill('SIGKILL');
    await new Promise((resolve) => dynamo.process.once('exit', resolve));
    await sleep(500);
    await storm.stop();
    await startDynamo();

    const after = await expectConsistentTable();
    const statuses = storm.samples.map((sample) => sample.answer.status);
    expectOnly503Problems(storm.samples);
    // Some writes went through before the crash (how many depends on the machine's speed).
    expect(statuses.filter((status) => status === 200).length).toBeGreaterThan(2);
    expect(statuses).toContain(503);
    Object.assign(figures, {
      'storm.requests': statuses.length,
      'storm.emailChanges': statuses.filter((status) => status === 200).length,
      'storm.conflicts': statuses.filter((status) => status === 409).length,
      'storm.503s': statuses.filter((status) => status === 503).length,
      'storm.usersAfter': after.users,
      'storm.guardsAfter': after.guards,
    });
  }, 90_000);
});
