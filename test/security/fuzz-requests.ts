// What the router fuzzer sends (test/security/fuzz.test.ts): seeded arbitraries for requests with
// random JSON shapes, unicode, huge numbers, deep nesting, wrong types and random headers.
import fc from 'fast-check';
import { routes } from '../../lambda/routes';

// Requests name the two live accounts by placeholder, filled in when sent: when the fuzzer
// deletes one, or revokes its token, a new one takes its place and later requests still reach it.
const USER_ID = '{user-id}';
const ADMIN_ID = '{admin-id}';
const USER_TOKEN = '{user-token}';
const ADMIN_TOKEN = '{admin-token}';

export { ADMIN_ID, ADMIN_TOKEN, USER_ID, USER_TOKEN };

export interface FuzzRequest {
  readonly method: string;
  readonly path: string;
  readonly query: string;
  readonly headers: Record<string, string>;
  readonly body: { readonly text: string; readonly base64: boolean } | undefined;
  /** Sent straight to the router with this routeKey, as a misrouting gateway might. */
  readonly rawRouteKey: string | undefined;
}

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

const token = (forged: readonly string[]) =>
  fc.oneof(fc.constantFrom(USER_TOKEN, ADMIN_TOKEN, ...forged), fc.string({ maxLength: 300 }));

const headerValue = (name: string, forged: readonly string[]): fc.Arbitrary<string> => {
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
        token(forged).map((value) => `Bearer ${value}`),
        token(forged),
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

const randomHeaders = (forged: readonly string[]) =>
  fc
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
      fc.tuple(...names.map((name) => headerValue(name, forged).map((value) => [name, value] as const))),
    )
    .map((pairs) => Object.fromEntries(pairs));

/** Mostly what a client sends (JSON, a real token), often not: each header may be wrong or absent. */
const headers = (forged: readonly string[]) =>
  fc
    .record({
      type: fc.option(
        fc.oneof(
          { weight: 4, arbitrary: fc.constant('application/json') },
          { weight: 1, arbitrary: headerValue('content-type', forged) },
        ),
        { freq: 8, nil: undefined },
      ),
      authorization: fc.option(
        fc.oneof(
          {
            weight: 4,
            arbitrary: fc.constantFrom(USER_TOKEN, ADMIN_TOKEN).map((value) => `Bearer ${value}`),
          },
          { weight: 1, arbitrary: headerValue('authorization', forged) },
        ),
        { freq: 5, nil: undefined },
      ),
      extra: randomHeaders(forged),
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
export const target = () =>
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

/** A request, with `forged` among the tokens it may carry. */
export const fuzzRequest = (forged: readonly string[]): fc.Arbitrary<FuzzRequest> =>
  fc
    .record({
      target: target(),
      query,
      headers: headers(forged),
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
