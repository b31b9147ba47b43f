// Property-based fuzzing of the router: seeded, reproducible requests with random JSON shapes,
// unicode, huge numbers, deep nesting, wrong types and random headers, driven through the gateway
// core into the real authorizer and router handlers (in process, without HTTP).
// Whatever arrives: never a 5xx, never a secret, every 4xx a valid problem+json (or one of API
// Gateway's own fixed answers). FUZZ_RUNS (default 2,000, ~15 s in `npm test`) and FUZZ_SEED
// reproduce a run; `npm run test:fuzz` runs 10,000. FUZZ_SHRINK=1 shrinks a failure to its core.
import { mkdirSync, writeFileSync } from 'node:fs';
import fc from 'fast-check';
import { lambdaContext, payloadEvent } from '../../gateway/gateway-events';
import { httpAnswerOf } from '../../gateway/gateway-responses';
import type { GatewayRequest } from '../../gateway/gateway-types';
import { authenticateToken } from '../../lambda/account/authenticate';
import { createUser } from '../../lambda/account/create-user';
import { login } from '../../lambda/account/login';
import { SYSTEM_REQUEST } from '../../lambda/audit/event';
import { commonPasswords } from '../../lambda/users/common-passwords';
import * as forged from '../support/forged-tokens';
import { leakIn } from '../support/leaks';
import { isGatewayAnswer } from '../support/security-headers';
import { startTestStack, type TestStack } from '../support/stack';
import { ADMIN_ID, ADMIN_TOKEN, type FuzzRequest, fuzzRequest, USER_ID, USER_TOKEN } from './fuzz-requests';

const RUNS = Number(process.env.FUZZ_RUNS ?? 2_000);
const SEED = Number(process.env.FUZZ_SEED ?? 20_261_128);
const BCRYPT_HASH = /\$2[abxy]\$\d\d\$/;

interface Account {
  readonly id: string;
  readonly email: string;
  readonly password: string;
  readonly token: string;
}

interface Accounts {
  user: Account;
  admin: Account;
  readonly forged: readonly string[];
}

interface Answer {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly text: string;
  readonly origin: 'gateway' | 'router';
}

let stack: TestStack;
let accounts: Accounts;
let replaced = 0;
let renew: (role: 'user' | 'admin') => Promise<Account>;
let stillValid: (account: Account, role: 'user' | 'admin') => Promise<boolean>;

const fillIn = (text: string): string =>
  text
    .replaceAll(USER_ID, accounts.user.id)
    .replaceAll(ADMIN_ID, accounts.admin.id)
    .replaceAll(USER_TOKEN, accounts.user.token)
    .replaceAll(ADMIN_TOKEN, accounts.admin.token);

const filledIn = (request: FuzzRequest): FuzzRequest => ({
  ...request,
  path: fillIn(request.path),
  headers: Object.fromEntries(Object.entries(request.headers).map(([name, value]) => [name, fillIn(value)])),
});

/** After a write that succeeded, replaces an account the fuzzer deleted, demoted or logged out. */
const keepAccountsAlive = async (request: FuzzRequest, answer: Answer): Promise<void> => {
  if (!['PUT', 'PATCH', 'DELETE'].includes(request.method) || answer.status >= 300) return;
  for (const role of ['user', 'admin'] as const) {
    if (await stillValid(accounts[role], role)) continue;
    accounts[role] = await renew(role);
    replaced++;
  }
};
const headersOf = (headers: Readonly<Record<string, string | readonly string[]>>): Record<string, string> =>
  Object.fromEntries(
    Object.entries(headers).map(([name, value]) => [
      name,
      typeof value === 'string' ? value : value.join(', '),
    ]),
  );

/** Through the gateway core, as a client's request; or, misrouted, straight into the router. */
const send = async (request: FuzzRequest): Promise<Answer> => {
  const sent: GatewayRequest = {
    method: request.method,
    url: request.query ? `${request.path}?${request.query}` : request.path,
    headers: request.headers,
    body: Buffer.from(request.body?.text ?? '', request.body?.base64 ? 'base64' : 'utf8'),
    sourceIp: '127.0.0.1',
  };
  if (request.rawRouteKey !== undefined) {
    // The event the gateway would build, under a route key that no route of the table has.
    const event = payloadEvent(sent);
    event.routeKey = request.rawRouteKey;
    event.requestContext.routeKey = request.rawRouteKey;
    const result = await stack.handlers.router(
      event,
      lambdaContext('router', event.requestContext.requestId),
    );
    const answer = httpAnswerOf(result);
    return {
      status: answer.status,
      headers: headersOf(answer.headers),
      text: answer.body.toString(),
      origin: 'router',
    };
  }
  const response = await stack.gateway(sent);
  const text = response.body.toString('utf8');
  const origin = isGatewayAnswer(response.status, text) ? 'gateway' : 'router';
  return { status: response.status, headers: headersOf(response.headers), text, origin };
};

const GATEWAY_ANSWERS: Record<number, string> = { 401: 'Unauthorized', 403: 'Forbidden' };

/** Strings a request sent as a password and nowhere else: none may come back. */
const passwordsOnlyIn = (request: FuzzRequest): string[] => {
  if (!request.body || request.body.base64) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(request.body.text);
  } catch {
    return [];
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return [];
  const fields = parsed as Record<string, unknown>;
  const elsewhere = JSON.stringify([
    request.path,
    request.query,
    request.headers,
    fields.email,
    fields.name,
    fields.role,
  ]);
  return [fields.password, fields.current_password].filter(
    (value): value is string =>
      typeof value === 'string' &&
      value.length >= 8 &&
      !elsewhere.includes(value) &&
      // A common password ("password") is also a word of the API's own messages.
      !commonPasswords().has(value.toLowerCase()),
  );
};

const problemIsValid = (answer: Answer): string | undefined => {
  if (answer.headers['content-type'] !== 'application/problem+json') return 'not application/problem+json';
  let problem: Record<string, unknown>;
  try {
    problem = JSON.parse(answer.text);
  } catch {
    return 'a body that is not JSON';
  }
  const keys = Object.keys(problem).sort().join(',');
  if (keys !== 'detail,status,title,type' && keys !== 'detail,errors,status,title,type')
    return `keys ${keys}`;
  if (typeof problem.type !== 'string' || !problem.type.startsWith('https://')) return 'a bad type';
  if (typeof problem.title !== 'string' || problem.title === '') return 'a bad title';
  if (typeof problem.detail !== 'string' || problem.detail === '') return 'a bad detail';
  if (problem.status !== answer.status) return `status ${problem.status} in a ${answer.status}`;
  if (problem.errors !== undefined) {
    const errors = problem.errors as unknown[];
    if (!Array.isArray(errors) || errors.length === 0) return 'empty errors';
    for (const error of errors) {
      const { path, message, ...rest } = error as Record<string, unknown>;
      if (typeof path !== 'string' || typeof message !== 'string' || Object.keys(rest).length > 0)
        return 'a bad error entry';
    }
  }
  return undefined;
};

/** Why `answer` breaks a promise, or undefined when it keeps them all. */
const violation = (request: FuzzRequest, answer: Answer): string | undefined => {
  if (answer.status >= 500) return `a ${answer.status}`;
  const everything = `${JSON.stringify(answer.headers)}\n${answer.text}`;
  if (BCRYPT_HASH.test(everything)) return 'a bcrypt hash';
  if (/"d"\s*:/.test(everything)) return 'a private key member';
  if (everything.includes(accounts.user.password) || everything.includes(accounts.admin.password))
    return 'a stored password';
  for (const password of passwordsOnlyIn(request))
    if (everything.includes(password)) return 'a sent password';
  if (answer.status < 400) return undefined;
  const leak = leakIn(answer.status, answer.text);
  if (leak) return leak;
  if (answer.origin === 'gateway') {
    return answer.text === JSON.stringify({ message: GATEWAY_ANSWERS[answer.status] })
      ? undefined
      : 'a bad gateway answer';
  }
  return problemIsValid(answer);
};

beforeAll(async () => {
  stack = await startTestStack({ over: 'core' });
  const { deps } = stack;
  let generation = 0;
  renew = async (role) => {
    const email = `fuzz-${role}-${++generation}@example.com`;
    const password = `fuzz ${role} secret pw`;
    if (role === 'admin') await stack.ensureAdmin(email, password);
    else await createUser(deps, undefined, { email, name: 'Fuzz target', password }, SYSTEM_REQUEST);
    const result = await login(deps, email, password, '127.0.0.1', SYSTEM_REQUEST);
    if (!('token' in result)) throw new Error('fuzz accounts have no second factor');
    const { token, user } = result;
    return { id: user.id, email, password, token };
  };
  stillValid = (account, role) =>
    authenticateToken(deps, account.token).then(
      (caller) => caller.user.role === role,
      () => false,
    );
  const [user, admin] = await Promise.all([renew('user'), renew('admin')]);
  const forgeries = await Promise.all([
    forged.hmacToken(forged.claimsFor(admin.id), 'not-the-secret-0123456789-abcdefghijklmnopq'),
    forged
      .confusedTokens(forged.claimsFor(admin.id), await stack.keySet())
      .then((tokens) => tokens[0]?.[1] ?? ''),
    forged.foreignKeyToken(forged.claimsFor(admin.id), { kid: (await stack.keySet()).keys[0]?.kid ?? '' }),
    stack.signToken(forged.claimsFor(user.id, { exp: undefined })),
    stack.signToken(forged.claimsFor(user.id, { role: 'user', tv: 7 })),
    stack.signToken(forged.claimsFor('not-a-uuid', { role: 'user' })),
    Promise.resolve(forged.unsignedToken(forged.claimsFor(admin.id))),
    Promise.resolve(forged.editedToken(user.token, { role: 'admin' })),
  ]);
  accounts = { user, admin, forged: forgeries };
});

afterAll(async () => {
  await stack.close();
});

it(`keeps every promise over ${RUNS} generated requests (seed ${SEED})`, async () => {
  const statuses: Record<number, number> = {};
  const started = performance.now();

  await fc.assert(
    fc.asyncProperty(fuzzRequest(accounts.forged), async (request) => {
      const sent = filledIn(request);
      const answer = await send(sent);
      statuses[answer.status] = (statuses[answer.status] ?? 0) + 1;
      const broken = violation(sent, answer);
      if (broken) throw new Error(`${broken}: ${answer.status} ${answer.text.slice(0, 300)}`);
      await keepAccountsAlive(sent, answer);
    }),
    { numRuns: RUNS, seed: SEED, endOnFailure: process.env.FUZZ_SHRINK === undefined },
  );

  const seconds = (performance.now() - started) / 1000;
  const report = {
    runs: RUNS,
    seed: SEED,
    seconds: Math.round(seconds * 10) / 10,
    perSecond: Math.round(RUNS / seconds),
    statuses,
    accountsReplaced: replaced,
  };
  mkdirSync('reports', { recursive: true });
  writeFileSync('reports/fuzz.json', `${JSON.stringify(report, null, 2)}\n`);
  console.log(`fuzz: ${JSON.stringify(report)}`);
  expect(Object.values(statuses).reduce((a, b) => a + b, 0)).toBe(RUNS);
}, 600_000);
