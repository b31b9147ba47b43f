// OWASP API8:2023 Security Misconfiguration, black-box over HTTP: no error shows a stack trace,
// an exception or a source path, even an unexpected one; every answer carries the hardening
// headers; CORS never reflects an arbitrary origin.
import { randomUUID } from 'node:crypto';
import { PutItemCommand } from '@aws-sdk/client-dynamodb';
import { leakIn } from '../support/leaks';
import { type Account, ADMIN, testStackForThisFile, uniqueEmail } from '../support/stack';
import type { ApiResponse } from '../support/transport';

const api = testStackForThisFile({ over: 'http', admin: ADMIN });
let user: Account;

beforeAll(async () => {
  user = await api.signUp('config');
});

const json = { 'content-type': 'application/json' };

/** One request for each way this API can fail, each answered with a 4xx or 5xx. */
const failures: [string, () => Promise<ApiResponse>][] = [
  ['malformed JSON', () => api.call('POST', '/users', { headers: json, body: '{"email":' })],
  [
    'invalid UTF-8',
    () => api.call('POST', '/users', { headers: json, body: new Uint8Array([0x7b, 0xff, 0xfe, 0x7d]) }),
  ],
  [
    'a form body',
    () => api.call('POST', '/login', { headers: { 'content-type': 'text/plain' }, body: 'a=b' }),
  ],
  ['an empty body', () => api.call('POST', '/login', { headers: json, body: '' })],
  ['a body too large', () => api.call('POST', '/users', { headers: json, body: `"${'x'.repeat(17_000)}"` })],
  ['a wrong type', () => api.call('POST', '/users', { json: { email: [], name: {}, password: 42 } })],
  ['a bad query', () => api.call('GET', '/users?limit=NaN', { token: api.admin.token })],
  ['a tampered cursor', () => api.call('GET', '/users?cursor=abc.def', { token: api.admin.token })],
  ['an unknown route', () => api.call('GET', '/nope')],
  ['no token', () => api.call('GET', '/users')],
  ['a bad token', () => api.call('GET', '/users', { token: 'x.y.z' })],
  [
    'a bad token on a public route',
    () => api.call('POST', '/login', { token: 'x.y.z', json: { email: 'a@b.co', password: 'p' } }),
  ],
  ['a forbidden act', () => api.call('GET', '/users', { token: user.token })],
  ['a missing user', () => api.call('GET', `/users/${randomUUID()}`, { token: api.admin.token })],
  [
    'a stale If-Match',
    () =>
      api.call('PATCH', `/users/${user.id}`, {
        token: user.token,
        headers: { 'if-match': '"999"' },
        json: { name: 'N' },
      }),
  ],
  [
    'a taken email',
    () =>
      api.call('POST', '/users', { json: { email: user.email, name: 'Twin', password: 'a twin password' } }),
  ],
  [
    'a failed login',
    () => api.call('POST', '/login', { json: { email: uniqueEmail(), password: 'whatever pw' } }),
  ],
  ['an id with a NUL byte', () => api.call('GET', `/users/${user.id}%00`, { token: api.admin.token })],
  [
    'a path parameter of 10 KB',
    () => api.call('DELETE', `/users/${'a'.repeat(10_000)}`, { token: api.admin.token }),
  ],
];

describe('errors', () => {
  it.each(failures)('show no stack trace, exception or source path: %s', async (_, send) => {
    const answer = await send();

    expect(answer.status).toBeGreaterThanOrEqual(400);
    expect(leakIn(answer.status, answer.text)).toBeUndefined();
  });

  it('show an unexpected failure (a corrupted stored user) as a generic 500 with a request id only', async () => {
    const id = randomUUID();
    // A user item that lacks its name: reading it throws inside the repository.
    await api.dynamoDb.send(
      new PutItemCommand({
        TableName: api.tableName,
        Item: { id: { S: id }, email: { S: uniqueEmail('corrupt') }, version: { N: '1' } },
      }),
    );

    const answer = await api.call('GET', `/users/${id}`, { token: api.admin.token });

    expect(answer.status).toBe(500);
    expect(answer.headers.get('content-type')).toBe('application/problem+json');
    expect(answer.body).toEqual({
      type: 'https://user-api.dev/problems/internal-error',
      title: 'Internal server error',
      status: 500,
      detail: expect.stringMatching(
        /^Something went wrong on our side\. Quote request id \S+ if you report it\.$/,
      ),
    });
    expect(answer.text).not.toMatch(/lacks|attribute|Stored|name/);
  });
});

describe('headers', () => {
  it('mark every router answer no-store and nosniff, and name no server software', async () => {
    const answers = [
      ...(await Promise.all(failures.slice(0, 8).map(([, send]) => send()))),
      await api.call('GET', `/users/${user.id}`, { token: user.token }),
      await api.call('GET', '/users', { token: api.admin.token }),
    ];

    for (const answer of answers) {
      expect(answer.headers.get('cache-control')).toBe('no-store');
      expect(answer.headers.get('x-content-type-options')).toBe('nosniff');
      expect(answer.headers.get('x-powered-by')).toBeNull();
      expect(answer.headers.get('server')).toBeNull();
    }
  });
});

describe('CORS', () => {
  const origins = [
    'https://evil.example',
    'null',
    'http://localhost:1',
    `https://${user?.id ?? 'x'}.example`,
  ];

  it.each(origins)('never allows the origin %s on a preflight', async (origin) => {
    const answer = await api.call('OPTIONS', '/users', {
      headers: {
        origin,
        'access-control-request-method': 'DELETE',
        'access-control-request-headers': 'authorization',
      },
    });

    expect(answer.headers.get('access-control-allow-origin')).toBeNull();
    expect(answer.headers.get('access-control-allow-credentials')).toBeNull();
  });

  it.each(origins)('never allows the origin %s on a real request', async (origin) => {
    const answers = [
      await api.call('GET', `/users/${user.id}`, { token: user.token, headers: { origin } }),
      await api.call('POST', '/login', {
        headers: { origin },
        json: { email: user.email, password: 'wrong one' },
      }),
    ];

    for (const answer of answers) expect(answer.headers.get('access-control-allow-origin')).toBeNull();
  });
  // The synthesized stack's CORS (none by default, exact origins, wildcards refused at synth) is
  // held by test/infra/operations.test.ts.
});
