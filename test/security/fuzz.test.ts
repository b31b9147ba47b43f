// Property-based fuzzing of the router: seeded, reproducible requests with random JSON shapes,
// unicode, huge numbers, deep nesting, wrong types and random headers, driven through the gateway
// core into the real authorizer and router handlers (in process, without HTTP).
// Whatever arrives: never a 5xx, never a secret, every 4xx a valid problem+json (or one of API
// Gateway's own fixed answers). FUZZ_RUNS (default 2,000, ~15 s in `npm test`) and FUZZ_SEED
// reproduce a run; `npm run test:fuzz` runs 10,000. FUZZ_SHRINK=1 shrinks a failure to its core.
import { mkdirSync, writeFileSync } from 'node:fs';
import fc from 'fast-check';
import { authenticateToken } from '../../lambda/account/authenticate';
import { createUser } from '../../lambda/account/create-user';
import { login } from '../../lambda/account/login';
import { SYSTEM_REQUEST } from '../../lambda/audit/event';
import { routes } from '../../lambda/routes';
import { commonPasswords } from '../../lambda/users/common-passwords';
import { lambdaContext, payloadEvent } from '../../local/gateway-events';
import { httpAnswerOf } from '../../local/gateway-responses';
import type { GatewayRequest } from '../../local/gateway-types';
import * as forged from '../support/forged-tokens';
import { leakIn } from '../support/leaks';
import { isGatewayAnswer } from '../support/security-headers';
import { startTestStack, type TestStack } from '../support/stack';

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

// Requests name the two live accounts by placeholder, filled in when sent: when the fuzzer
// deletes one, or revokes its token, a new one takes its place and later requests still reach it.
const USER_ID = '{user-id}';
const ADMIN_ID = '{admin-id}';
const USER_TOKEN = '{user-token}';
const ADMIN_TOKEN = '{admin-token}';

interface FuzzRequest {
  readonly method: string;
  readonly path: string;
  readonly query: string;
  readonly headers: Record<string, string>;
  readonly body: { readonly text: string; readonly base64: boolean } | undefined;
  /** Sent straight to the router with this routeKey, as a misrouting gateway might. */
  readonly rawRouteKey: string | undefined;
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

// ---------------------------------------------------------------------------------------------
// What is sent

const unicode = fc.string({ unit: 'binary', maxLength: 40 });
const hugeNumbers = fc.constantFrom(
  '1e308',
  '-1e308',
  '1e999999',
  '123456789012345678901234567890',
  '-0',
  '0.1e-400',
  '9007199254740993',
);
const anyValue: fc.Arbitrary<unknown> = fc.oneof(
  unicode,
  fc.string({ maxLength: 80 }),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.jsonValue({ maxDepth: 4, stringUnit: 'binary' }),
);

const validish = {
  email: fc.oneof(
    fc.constantFrom('fuzz@example.com', ' FUZZ@Example.COM ', 'a@b.co', `${'x'.repeat(250)}@e.co`),
    fc.emailAddress(),
  ),
  name: fc.oneof(fc.constantFrom('Fuzz', '  ', 'a\u0000b', '🙂'.repeat(101)), unicode),
  password: fc.oneof(fc.constantFrom('fuzzing password', 'password', 'é'.repeat(37), 'short'), unicode),
  role: fc.constantFrom('user', 'admin', 'root', 'ADMIN'),
};

const fieldValue = (valid: fc.Arbitrary<unknown>) =>
  fc.oneof({ weight: 3, arbitrary: valid }, { weight: 1, arbitrary: anyValue });

/** An object with the API's own field names, right or wrong in type, plus server-managed and stray ones. */
const userLikeBody = fc.record(
  {
    email: fieldValue(validish.email),
    name: fieldValue(validish.name),
    password: fieldValue(validish.password),
    current_password: fieldValue(validish.password),
    role: fieldValue(validish.role),
    id: anyValue,
    version: anyValue,
    password_hash: anyValue,
  },
  { requiredKeys: [] },
);

const jsonText = fc.oneof(
  { weight: 6, arbitrary: userLikeBody.map((value) => JSON.stringify(value)) },
  {
    weight: 3,
    arbitrary: fc.jsonValue({ maxDepth: 6, stringUnit: 'binary' }).map((value) => JSON.stringify(value)),
  },
  { weight: 1, arbitrary: hugeNumbers.map((n) => `{"email":${n},"name":${n},"password":${n}}`) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.integer({ min: 1, max: 12_000 }), fc.constantFrom('[', '{"a":'))
      .map(([depth, open]) => `${open.repeat(depth)}1${(open === '[' ? ']' : '}').repeat(depth)}`),
  },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 200 }) },
  { weight: 1, arbitrary: fc.integer({ min: 16_000, max: 17_000 }).map((size) => `"${'x'.repeat(size)}"`) },
);

const body = fc.oneof(
  { weight: 1, arbitrary: fc.constant(undefined) },
  { weight: 8, arbitrary: jsonText.map((text) => ({ text, base64: false })) },
  {
    weight: 1,
    arbitrary: fc
      .uint8Array({ maxLength: 300 })
      .map((bytes) => ({ text: Buffer.from(bytes).toString('base64'), base64: true })),
  },
);

const token = () =>
  fc.oneof(fc.constantFrom(USER_TOKEN, ADMIN_TOKEN, ...accounts.forged), fc.string({ maxLength: 300 }));

const headerValue = (name: string): fc.Arbitrary<string> => {
  switch (name) {
    case 'content-type':
      return fc.oneof(
        fc.constantFrom(
          'application/json',
          'application/json; charset=utf-8',
          'application/merge-patch+json',
          'text/plain',
          'application/x-www-form-urlencoded',
          '',
          'APPLICATION/JSON',
          'application/json;;;',
        ),
        fc.string({ maxLength: 60 }),
      );
    case 'authorization':
      return fc.oneof(
        token().map((value) => `Bearer ${value}`),
        token(),
        fc.constantFrom('Basic YTpi', 'Bearer', ''),
      );
    case 'if-match':
    case 'if-none-match':
      return fc.oneof(
        fc.constantFrom('"1"', '"2"', '*', 'W/"1"', '"999999999999999999999"', '"1", "2"'),
        fc.string({ maxLength: 40 }),
      );
    default:
      return fc.string({ maxLength: 100 });
  }
};

const randomHeaders = fc
  .uniqueArray(
    fc.oneof(
      fc.constantFrom(
        'if-match',
        'if-none-match',
        'x-role',
        'x-amzn-request-context',
        'origin',
        'content-length',
        'x-http-method-override',
      ),
      fc.stringMatching(/^[a-z][a-z0-9-]{0,20}$/),
    ),
    { maxLength: 4 },
  )
  .chain((names) =>
    fc.tuple(...names.map((name) => headerValue(name).map((value) => [name, value] as const))),
  )
  .map((pairs) => Object.fromEntries(pairs));

/** Mostly what a client sends (JSON, a real token), often not: each header may be wrong or absent. */
const headers = () =>
  fc
    .record({
      type: fc.option(
        fc.oneof(
          { weight: 4, arbitrary: fc.constant('application/json') },
          { weight: 1, arbitrary: headerValue('content-type') },
        ),
        { freq: 8, nil: undefined },
      ),
      authorization: fc.option(
        fc.oneof(
          {
            weight: 4,
            arbitrary: fc.constantFrom(USER_TOKEN, ADMIN_TOKEN).map((value) => `Bearer ${value}`),
          },
          { weight: 1, arbitrary: headerValue('authorization') },
        ),
        { freq: 5, nil: undefined },
      ),
      extra: randomHeaders,
    })
    .map(({ type, authorization, extra }) => ({
      ...extra,
      ...(type === undefined ? {} : { 'content-type': type }),
      ...(authorization === undefined ? {} : { authorization }),
    }));

const pathId = () =>
  fc.oneof(
    fc.constantFrom(
      USER_ID,
      ADMIN_ID,
      '00000000-0000-4000-8000-000000000000',
      'email#fuzz@example.com',
      'login-failures#x',
    ),
    fc.uuid(),
    unicode.map((text) => encodeURIComponent(text)),
    hugeNumbers,
  );

/** Mostly a route of the table with a plausible id; sometimes any method on any path. */
const target = () =>
  fc.oneof(
    {
      weight: 9,
      arbitrary: fc
        .constantFrom(...routes)
        .chain((route) =>
          (route.path.includes('{id}')
            ? pathId().map((id) => route.path.replace('{id}', id))
            : fc.constant(route.path)
          ).map((path) => ({ method: route.method as string, path })),
        ),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        method: fc.constantFrom('GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', 'TRACE'),
        path: fc.oneof(
          fc.webPath(),
          pathId().map((id) => `/users/${id}`),
        ),
      }),
    },
  );

const query = fc
  .array(
    fc.tuple(
      fc.oneof(fc.constantFrom('limit', 'cursor'), fc.string({ maxLength: 10 })),
      fc.oneof(
        fc.constantFrom('0', '1', '25', '100', '101', '100000', '-1', '1.5', 'NaN', 'abc.def'),
        hugeNumbers,
        unicode,
      ),
    ),
    { maxLength: 3 },
  )
  .map((pairs) => new URLSearchParams(pairs).toString());

const fuzzRequest = (): fc.Arbitrary<FuzzRequest> =>
  fc
    .record({
      target: target(),
      query,
      headers: headers(),
      body,
      rawRouteKey: fc.oneof(
        { weight: 19, arbitrary: fc.constant(undefined) },
        {
          weight: 1,
          arbitrary: fc.oneof(
            fc.constantFrom('$default', 'GET /admin', 'ANY /{proxy+}'),
            fc.string({ maxLength: 30 }),
          ),
        },
      ),
    })
    .map(({ target: { method, path }, ...rest }) => ({ method, path, ...rest }));

// ---------------------------------------------------------------------------------------------
// What must hold

const GATEWAY_ANSWERS: Record<number, string> = { 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found' };

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

// ---------------------------------------------------------------------------------------------

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
    fc.asyncProperty(fuzzRequest(), async (request) => {
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
