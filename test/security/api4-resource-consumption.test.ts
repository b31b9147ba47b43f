// OWASP API4:2023 Unrestricted Resource Consumption, black-box over HTTP: page sizes are capped,
// oversized and pathological bodies are refused cheaply — before bcrypt, the one expensive step,
// ever runs (a spy on bcryptjs, in this same process, counts its calls).
import bcrypt from 'bcryptjs';
import { MAX_BODY_BYTES } from '../../lambda/router/request';
import { expectGateway, expectProblem } from '../support/expect';
import { type Account, ADMIN, testStackForThisFile, uniqueEmail } from '../support/stack';

const api = testStackForThisFile({ over: 'http', admin: ADMIN });
let user: Account;
let bcryptCalls: jest.SpyInstance[];

const bcryptRuns = () => bcryptCalls.reduce((total, spy) => total + spy.mock.calls.length, 0);

beforeAll(async () => {
  user = await api.signUp('consumer');
  bcryptCalls = [jest.spyOn(bcrypt, 'hash'), jest.spyOn(bcrypt, 'compare')];
});

beforeEach(() => {
  for (const spy of bcryptCalls) spy.mockClear();
});

afterAll(() => {
  jest.restoreAllMocks();
});

it('counts bcrypt runs: a sign-up hashes once (the control for the tests below)', async () => {
  await api.call('POST', '/users', {
    json: { email: uniqueEmail(), name: 'Control', password: 'the control pw' },
  });

  expect(bcryptRuns()).toBe(1);
});

describe('page size', () => {
  it.each(['100000', '101', '0', '-1', '1e3', '0x10', '10.5', '99999999999999999999', ' 50', '50,50'])(
    'refuses limit=%s with 400',
    async (limit) => {
      const answer = await api.call('GET', `/users?limit=${encodeURIComponent(limit)}`, {
        token: api.admin.token,
      });

      expectProblem(answer, 400);
      expect(answer.body.errors).toContainEqual({ path: 'limit', message: expect.any(String) });
    },
  );

  it('refuses an over-long cursor with 400 before decoding it', async () => {
    const answer = await api.call('GET', `/users?cursor=${'A'.repeat(4096)}`, { token: api.admin.token });

    expectProblem(answer, 400);
  });

  it('serves at most 100 users a page', async () => {
    const answer = await api.call('GET', '/users?limit=100', { token: api.admin.token });

    expect(answer.status).toBe(200);
    expect(answer.body.items.length).toBeLessThanOrEqual(100);
  });
});

describe('bodies', () => {
  const huge = (bytes: number) =>
    JSON.stringify({ email: uniqueEmail(), name: 'x'.repeat(bytes), password: 'big body pw' });

  it.each([
    ['POST', '/users'],
    ['POST', '/login'],
  ])('refuses %s %s with a body of 16 KiB + 1 with 413, before bcrypt', async (method, path) => {
    const body = `${' '.repeat(MAX_BODY_BYTES + 1 - 2)}{}`;

    const answer = await api.call(method, path, { headers: { 'content-type': 'application/json' }, body });

    expectProblem(answer, 413);
    expect(bcryptRuns()).toBe(0);
  });

  it.each(['PUT', 'PATCH'])('refuses %s with a 1 MB body with 413, before bcrypt', async (method) => {
    const answer = await api.call(method, `/users/${user.id}`, {
      token: user.token,
      headers: { 'content-type': 'application/json' },
      body: huge(1024 * 1024),
    });

    expectProblem(answer, 413);
    expect(bcryptRuns()).toBe(0);
  });

  it('refuses an 11 MB body at the gateway, before any handler runs', async () => {
    const answer = await api.call('POST', '/users', {
      headers: { 'content-type': 'application/json' },
      body: huge(11 * 1024 * 1024),
    });

    expectGateway(answer, 413);
    expect(bcryptRuns()).toBe(0);
  });

  it.each([
    ['a 1 MB password', { password: 'p'.repeat(1024 * 1024) }, 413],
    ['a 10 KB password', { password: 'p'.repeat(10 * 1024) }, 400],
    ['a 73-byte password', { password: 'p'.repeat(73) }, 400],
    ['a password that is a number', { password: 1e308 }, 400],
    ['a password that is an object', { password: { $gt: '' } }, 400],
  ])('refuses a sign-up with %s before bcrypt', async (_, fields, status) => {
    const answer = await api.call('POST', '/users', {
      json: { email: uniqueEmail(), name: 'Big', ...fields },
    });

    expectProblem(answer, status);
    expect(bcryptRuns()).toBe(0);
  });

  it.each([
    ['a 2 KB password', { password: 'p'.repeat(2048) }],
    ['an empty password', { password: '' }],
    ['a password array', { password: ['a', 'b'] }],
  ])('refuses a login with %s before bcrypt', async (_, fields) => {
    const answer = await api.call('POST', '/login', { json: { email: user.email, ...fields } });

    expectProblem(answer, 400);
    expect(bcryptRuns()).toBe(0);
  });

  it.each([
    ['nested 5,000 deep', `${'['.repeat(5000)}${']'.repeat(5000)}`],
    ['nested 2,500 deep in objects', `${'{"a":'.repeat(2500)}1${'}'.repeat(2500)}`],
    ['a number with 10,000 digits', `{"email":${'9'.repeat(10_000)}}`],
    [
      '1,000 unknown fields',
      JSON.stringify(Object.fromEntries(Array.from({ length: 1000 }, (_, i) => [`f${i}`, i]))),
    ],
  ])('answers a body %s with 400, quickly and before bcrypt', async (_, body) => {
    const answer = await api.call('POST', '/users', {
      headers: { 'content-type': 'application/json' },
      body,
    });

    expectProblem(answer, 400);
    expect(bcryptRuns()).toBe(0);
    expect(answer.ms).toBeLessThan(1_000);
  });

  it('keeps the error for 1,000 unknown fields within a small multiple of the request', async () => {
    const body = JSON.stringify(Object.fromEntries(Array.from({ length: 1000 }, (_, i) => [`f${i}`, i])));

    const answer = await api.call('POST', '/users', {
      headers: { 'content-type': 'application/json' },
      body,
    });

    expect(answer.text.length).toBeLessThan(MAX_BODY_BYTES * 8);
  });
});

describe('many requests at once', () => {
  it('answers 200 malformed requests in parallel with 4xx, none dropped, none 5xx', async () => {
    const answers = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        api.call('POST', '/users', { headers: { 'content-type': 'application/json' }, body: `{"n":${i}` }),
      ),
    );

    expect(answers.map((answer) => answer.status)).toEqual(Array(200).fill(400));
    expect(bcryptRuns()).toBe(0);
  });
});
