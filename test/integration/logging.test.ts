// The handlers' logs, as CloudWatch would receive them: one JSON object per line, one `request` line
// per router call with what an operator needs (request id, route, status, latency, caller), and
// never a password, a password hash, a token or the signing key, whatever the request carried.

import { routes } from '../../lambda/routes';
import { createLogger } from '../../lambda/shared/logger';
import type { KeySet } from '../../lambda/tokens/key-set';
import { startTestStack, uniqueEmail } from '../support/stack';
import { type ApiResponse, JSON_CONTENT, type RequestOptions } from '../support/transport';

const BCRYPT_HASH = /\$2[aby]\$/;
const ROUTE_KEYS = new Set<string>(routes.map((route) => `${route.method} ${route.path}`));

const lines: string[] = [];
const passwords = new Set<string>();
const tokens = new Set<string>();
/** Status of every response the router produced, in order (the gateway's own 401/403 are not its). */
const routerStatuses: number[] = [];
let userId = '';
let keySet: KeySet;

const isGatewayAnswer = (response: ApiResponse) =>
  ['Unauthorized', 'Forbidden'].includes(response.body?.message) && Object.keys(response.body).length === 1;

beforeAll(async () => {
  const api = await startTestStack({
    over: 'core',
    logger: createLogger({ level: 'info', write: (line) => lines.push(line) }),
  });
  keySet = await api.keySet();
  const capture = (...args: unknown[]) => {
    lines.push(args.map(String).join(' '));
  };
  for (const method of ['log', 'info', 'warn', 'error', 'debug'] as const) {
    jest.spyOn(console, method).mockImplementation(capture);
  }

  const call = async (method: string, path: string, options: RequestOptions = {}) => {
    const response = await api.call(method, path, options);
    if (!isGatewayAnswer(response)) routerStatuses.push(response.status);
    if (typeof response.body?.token === 'string') tokens.add(response.body.token);
    return response;
  };
  const email = uniqueEmail('logged');
  const [first, second, wrong, inBadJson] = [
    'first pass phrase',
    'second pass phrase',
    'wrong pass phrase',
    'pass phrase in bad json',
  ];
  for (const password of [first, second, wrong, inBadJson]) passwords.add(password);

  const created = await call('POST', '/users', { json: { email, name: 'Logged', password: first } });
  userId = created.body.id;
  await call('POST', '/users', { json: { email, name: 'Twice', password: second } });
  await call('POST', '/login', { json: { email, password: wrong } });
  const firstToken = (await call('POST', '/login', { json: { email, password: first } })).body
    .token as string;
  await call('GET', `/users/${userId}`, { token: firstToken });
  await call('PATCH', `/users/${userId}`, {
    token: firstToken,
    json: { password: second, current_password: first },
  });
  await call('GET', `/users/${userId}`, { token: firstToken });
  const secondToken = (await call('POST', '/login', { json: { email, password: second } })).body
    .token as string;
  await call('POST', '/users', {
    token: 'not.a.token',
    json: { email: uniqueEmail(), name: 'x', password: first },
  });
  await call('POST', '/users', {
    body: `{"email":"${email}","password":"${inBadJson}"`,
    headers: JSON_CONTENT,
  });
  await call('POST', '/users', {
    json: { email: 'nope', name: '', password: 'short', password_hash: '$2b$10$x' },
  });
  await call('GET', '/users', { token: secondToken });
  await call('GET', '/users', { token: 'garbage' });
  await call('DELETE', `/users/${userId}`, { token: secondToken });
  for (const password of api.sentPasswords) passwords.add(password);
  jest.restoreAllMocks();
});

const parsed = () => lines.map((line) => JSON.parse(line) as Record<string, unknown>);
const requestLines = () => parsed().filter((line) => line.message === 'request');

it('writes every line as one JSON object with a level and a time', () => {
  expect(lines.length).toBeGreaterThan(0);
  for (const line of parsed()) {
    expect(line).toEqual(expect.objectContaining({ level: expect.any(String), time: expect.any(String) }));
  }
});

it('logs one request line per router call, in order, with request id, route, status and latency', () => {
  const logged = requestLines();
  expect(logged.map((line) => line.status)).toEqual(routerStatuses);
  expect(routerStatuses).toEqual([201, 409, 401, 200, 200, 200, 401, 200, 401, 400, 400, 403, 204]);
  for (const line of logged) {
    expect(line.level).toBe('info');
    expect(line.requestId).toEqual(expect.any(String));
    expect(ROUTE_KEYS.has(line.route as string)).toBe(true);
    expect(line.latencyMs).toEqual(expect.any(Number));
    expect(line.latencyMs as number).toBeGreaterThanOrEqual(0);
  }
  expect(new Set(logged.map((line) => line.requestId)).size).toBe(logged.length);
});

it('names the caller of authenticated calls, and no caller for anonymous ones', () => {
  const logged = requestLines();
  expect(logged.filter((line) => line.route === 'GET /users/{id}' && line.status === 200)[0]?.callerId).toBe(
    userId,
  );
  expect(logged.find((line) => line.route === 'DELETE /users/{id}')?.callerId).toBe(userId);
  expect(logged[0]).not.toHaveProperty('callerId');
});

it('never contains a password that was sent, right or wrong', () => {
  expect(passwords.size).toBeGreaterThanOrEqual(4);
  for (const password of passwords) expect(lines.filter((line) => line.includes(password))).toEqual([]);
});

it('never contains a bcrypt hash', () => {
  expect(lines.filter((line) => BCRYPT_HASH.test(line))).toEqual([]);
});

it('never contains a token that was issued, nor the signing key', () => {
  expect(tokens.size).toBe(2);
  for (const token of tokens) {
    const [, , signature = ''] = token.split('.');
    expect(lines.filter((line) => line.includes(token) || line.includes(signature))).toEqual([]);
  }
  for (const secret of [keySet.hmacSecret, ...keySet.keys.map((key) => key.jwk.d ?? keySet.hmacSecret)]) {
    expect(lines.filter((line) => line.includes(secret))).toEqual([]);
  }
});
