// The local gateway as API Gateway HTTP API: routing, the Lambda authorizer's 401/403/500 and
// its cache, payload 2.0 events and response rules, the body limit. The real authorizer and
// router answer, built by their own factories; spies around them show what the gateway handed over.
import { randomUUID } from 'node:crypto';
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayRequestAuthorizerEventV2 } from 'aws-lambda';
import type { GatewayEvent, GatewayHandlers } from '../../gateway/gateway-types';
import { publishedKeys } from '../../lambda/tokens/key-set';
import { newKeySet } from '../../lambda/tokens/rotation';
import { createGateway, type GatewayOptions } from '../../local/gateway';
import { createTestTable, deleteTestTable } from '../support/tables';

interface Answer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: Buffer;
  // biome-ignore lint/suspicious/noExplicitAny: asserted field by field
  readonly json: any;
}

/** A raw HTTP client: header names and repeated headers go out exactly as given. */
const send = (
  port: number,
  method: string,
  path: string,
  options: { headers?: Record<string, string | string[]>; body?: Buffer | string } = {},
): Promise<Answer> =>
  new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, method, path, headers: options.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => {
        const body = Buffer.concat(chunks);
        let json: unknown;
        try {
          json = JSON.parse(body.toString('utf8'));
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body, json });
      });
    });
    req.on('error', reject);
    req.end(options.body);
  });

const serve = async (options: GatewayOptions): Promise<{ server: Server; port: number }> => {
  const server = createServer(createGateway(options));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.address() as AddressInfo).port };
};

const close = (server: Server) =>
  new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });

let tableName: string;
let real: GatewayHandlers;
let server: Server;
let port: number;
let routerEvents: GatewayEvent[] = [];
let authorizerEvents: APIGatewayRequestAuthorizerEventV2[] = [];
let token: string;
let userId: string;

const lastRouterEvent = (): GatewayEvent => {
  const event = routerEvents.at(-1);
  if (!event) throw new Error('the router was not called');
  return event;
};

beforeAll(async () => {
  tableName = await createTestTable('gateway');
  // This file tests the deployed entry modules themselves, whose index.ts reads the environment:
  // here, and only here, the environment is the input under test (as Lambda would set it).
  const keySet = await newKeySet(new Date());
  Object.assign(process.env, {
    TABLE_NAME: tableName,
    // The keys as values, the router the key set and the authorizer its public half (on AWS each
    // reads its own secret through the extension).
    SIGNING_KEYS: JSON.stringify(keySet),
    PUBLIC_KEYS: JSON.stringify(publishedKeys(keySet)),
    BCRYPT_COST: '10',
    LOG_LEVEL: 'silent',
  });
  const [router, authorizer] = await Promise.all([
    import('../../lambda/router/index'),
    import('../../lambda/authorizer/index'),
  ]);
  real = { router: router.handler, authorizer: authorizer.handler };
  ({ server, port } = await serve({
    router: (event, context) => {
      routerEvents.push(event);
      return real.router(event, context);
    },
    authorizer: (event, context) => {
      authorizerEvents.push(event);
      return real.authorizer(event, context);
    },
  }));

  const email = `gateway-${randomUUID().slice(0, 8)}@example.com`;
  const credentials = { email, password: 'gateway password' };
  const json = { 'content-type': 'application/json' };
  const created = await send(port, 'POST', '/users', {
    headers: json,
    body: JSON.stringify({ ...credentials, name: 'G' }),
  });
  userId = created.json.id;
  token = (await send(port, 'POST', '/login', { headers: json, body: JSON.stringify(credentials) })).json
    .token;
});

beforeEach(() => {
  routerEvents = [];
  authorizerEvents = [];
});

afterAll(async () => {
  await close(server);
  await deleteTestTable(tableName);
});

describe('routing', () => {
  it.each([
    ['POST', '/users', 'POST /users', undefined],
    ['POST', '/login', 'POST /login', undefined],
    ['GET', '/users?limit=5', 'GET /users', undefined],
    ['GET', '/users/abc', 'GET /users/{id}', { id: 'abc' }],
    ['PUT', '/users/abc', 'PUT /users/{id}', { id: 'abc' }],
    ['PATCH', '/users/abc', 'PATCH /users/{id}', { id: 'abc' }],
    ['DELETE', '/users/abc', 'DELETE /users/{id}', { id: 'abc' }],
  ])('sends %s %s to the router as routeKey %s', async (method, path, routeKey, pathParameters) => {
    await send(port, method, path, { headers: { authorization: `Bearer ${token}` } });

    expect(lastRouterEvent().routeKey).toBe(routeKey);
    expect(lastRouterEvent().requestContext.routeKey).toBe(routeKey);
    expect(lastRouterEvent().pathParameters).toEqual(pathParameters);
  });

  it('decodes path parameters', async () => {
    await send(port, 'GET', '/users/a%20b', { headers: { authorization: `Bearer ${token}` } });

    expect(lastRouterEvent().pathParameters).toEqual({ id: 'a b' });
    expect(lastRouterEvent().rawPath).toBe('/users/a%20b');
  });

  it.each([
    ['GET', '/'],
    ['GET', '/users/abc/extra'],
    ['GET', '/users/'],
    ['PATCH', '/users'],
    ['OPTIONS', '/users'],
  ])(
    'sends %s %s, which matches no route, to the router as `$default`, unauthorized',
    async (method, path) => {
      const answer = await send(port, method, path, { headers: { authorization: 'Bearer not-checked' } });

      expect(answer.status).toBe(404);
      expect(answer.headers['content-type']).toBe('application/problem+json');
      expect(answer.json).toMatchObject({ status: 404, type: expect.stringMatching(/\/not-found$/) });
      expect(routerEvents).toHaveLength(1);
      expect(lastRouterEvent().routeKey).toBe('$default');
      expect(lastRouterEvent().rawPath).toBe(path);
      // No authorizer ran: the event carries no verdict.
      expect(lastRouterEvent().requestContext.authorizer).toBeUndefined();
    },
  );
});

describe('the Lambda authorizer', () => {
  it.each([undefined, ''])(
    'answers 401 {"message":"Unauthorized"} to Authorization %p without calling it',
    async (value) => {
      const headers: Record<string, string> = value === undefined ? {} : { authorization: value };

      const answer = await send(port, 'GET', `/users/${userId}`, { headers });

      expect(answer.status).toBe(401);
      expect(answer.json).toEqual({ message: 'Unauthorized' });
      expect(authorizerEvents).toEqual([]);
      expect(routerEvents).toEqual([]);
    },
  );

  it('answers 403 {"message":"Forbidden"} when it denies, without calling the router', async () => {
    const answer = await send(port, 'GET', `/users/${userId}`, {
      headers: { authorization: `Bearer ${randomUUID()}` },
    });

    expect(answer.status).toBe(403);
    expect(answer.json).toEqual({ message: 'Forbidden' });
    expect(authorizerEvents).toHaveLength(1);
    expect(routerEvents).toEqual([]);
  });

  it('receives a REQUEST event with the header as identity source', async () => {
    const authorization = `Bearer not-cached-${randomUUID()}`;

    await send(port, 'DELETE', `/users/${userId}`, { headers: { authorization } });

    expect(authorizerEvents[0]).toEqual(
      expect.objectContaining({
        version: '2.0',
        type: 'REQUEST',
        identitySource: [authorization],
        routeKey: 'DELETE /users/{id}',
        routeArn: expect.stringMatching(
          /^arn:aws:execute-api:[\w-]+:\d{12}:[\w-]+\/\$default\/DELETE\/users\//,
        ),
        pathParameters: { id: userId },
      }),
    );
  });

  it('passes its context to the router as requestContext.authorizer.lambda', async () => {
    await send(port, 'GET', `/users/${userId}`, { headers: { authorization: `Bearer ${token}` } });

    expect(lastRouterEvent().requestContext.authorizer?.lambda).toEqual({
      sub: userId,
      role: 'user',
      amr: 'pwd',
      tv: expect.any(Number),
      sid: expect.any(String),
      iat: expect.any(Number),
      exp: expect.any(Number),
    });
  });

  it('reuses one verdict per Authorization value across routes, as the HTTP API cache does', async () => {
    // Not yet cached: the scheme is case-insensitive, the cache key is not.
    const authorization = `bearer ${token}`;

    const first = await send(port, 'GET', `/users/${userId}`, { headers: { authorization } });
    const second = await send(port, 'PATCH', `/users/${userId}`, {
      headers: { authorization, 'content-type': 'application/json' },
      body: '{"name":"Cached"}',
    });

    expect([first.status, second.status]).toEqual([200, 200]);
    expect(authorizerEvents).toHaveLength(1);
  });

  it.each([
    ['throws', async () => Promise.reject(new Error('boom'))],
    ['answers without isAuthorized', async () => ({ allowed: true })],
    ['answers an IAM policy', async () => ({ principalId: 'x', policyDocument: {} })],
  ])('answers 500 {"message":"Internal Server Error"} when it %s', async (_what, authorizer) => {
    const errors: unknown[] = [];
    const broken = await serve({ router: real.router, authorizer, onError: (error) => errors.push(error) });

    const answer = await send(broken.port, 'GET', '/users', { headers: { authorization: 'Bearer x' } });
    await close(broken.server);

    expect(answer.status).toBe(500);
    expect(answer.json).toEqual({ message: 'Internal Server Error' });
    expect(errors).toHaveLength(1);
  });
});

describe('payload 2.0 events', () => {
  it('lower-cases header names and comma-joins repeated headers', async () => {
    await send(port, 'POST', '/login', { headers: { 'X-Trace-Tag': 'One', 'x-multi': ['a', 'b'] } });

    expect(lastRouterEvent().headers).toEqual(
      expect.objectContaining({ 'x-trace-tag': 'One', 'x-multi': 'a,b' }),
    );
    expect(Object.keys(lastRouterEvent().headers).every((name) => name === name.toLowerCase())).toBe(true);
  });

  it('keeps the raw query string and comma-joins repeated keys', async () => {
    await send(port, 'GET', '/users?limit=5&tag=a&tag=b%20c&flag', {
      headers: { authorization: `Bearer ${token}` },
    });

    expect(lastRouterEvent().rawQueryString).toBe('limit=5&tag=a&tag=b%20c&flag');
    expect(lastRouterEvent().queryStringParameters).toEqual({ limit: '5', tag: 'a,b c', flag: '' });
  });

  it('leaves queryStringParameters and pathParameters out when there are none', async () => {
    await send(port, 'POST', '/login');

    expect(lastRouterEvent()).not.toHaveProperty('queryStringParameters');
    expect(lastRouterEvent()).not.toHaveProperty('pathParameters');
    expect(lastRouterEvent()).not.toHaveProperty('body');
    expect(lastRouterEvent().isBase64Encoded).toBe(false);
  });

  it('moves cookies into their own list', async () => {
    await send(port, 'POST', '/login', { headers: { cookie: 'a=1; b=2' } });

    expect(lastRouterEvent().cookies).toEqual(['a=1', 'b=2']);
    expect(lastRouterEvent().headers).not.toHaveProperty('cookie');
  });

  it('describes the request in requestContext, with the id the response carries', async () => {
    const answer = await send(port, 'POST', '/login', { headers: { 'user-agent': 'jest/30' } });
    const { requestContext, version, rawPath } = lastRouterEvent();

    expect(version).toBe('2.0');
    expect(rawPath).toBe('/login');
    expect(requestContext).toEqual(
      expect.objectContaining({
        accountId: expect.stringMatching(/^\d{12}$/),
        apiId: expect.any(String),
        domainName: `127.0.0.1:${port}`,
        http: {
          method: 'POST',
          path: '/login',
          protocol: 'HTTP/1.1',
          sourceIp: '127.0.0.1',
          userAgent: 'jest/30',
        },
        requestId: answer.headers['apigw-requestid'],
        stage: '$default',
        time: expect.stringMatching(/^\d\d\/[A-Z][a-z]{2}\/\d{4}:\d\d:\d\d:\d\d \+0000$/),
        timeEpoch: expect.any(Number),
      }),
    );
  });

  it('passes a UTF-8 body as a string', async () => {
    await send(port, 'POST', '/login', {
      headers: { 'content-type': 'application/json' },
      body: '{"name":"Zoë"}',
    });

    expect(lastRouterEvent()).toEqual(
      expect.objectContaining({ body: '{"name":"Zoë"}', isBase64Encoded: false }),
    );
  });

  it('passes a body that is not UTF-8 as base64', async () => {
    const bytes = Buffer.from([0xff, 0xfe, 0x00, 0x41]);

    await send(port, 'POST', '/login', {
      headers: { 'content-type': 'application/octet-stream' },
      body: bytes,
    });

    expect(lastRouterEvent()).toEqual(
      expect.objectContaining({ body: bytes.toString('base64'), isBase64Encoded: true }),
    );
  });

  it('answers a body over 10 MB with 413 {"message":"Request Entity Too Large"}', async () => {
    const answer = await send(port, 'POST', '/users', { body: Buffer.alloc(10 * 1024 * 1024 + 1, 0x20) });

    expect(answer.status).toBe(413);
    expect(answer.json).toEqual({ message: 'Request Entity Too Large' });
    expect(routerEvents).toEqual([]);
  });
});

describe('payload 2.0 responses', () => {
  const answerFrom = async (router: GatewayOptions['router'], options: Partial<GatewayOptions> = {}) => {
    const fake = await serve({ router, authorizer: real.authorizer, onError: () => {}, ...options });
    const answer = await send(fake.port, 'POST', '/login');
    await close(fake.server);
    return answer;
  };

  it('sends a structured result as it is, cookies as set-cookie headers', async () => {
    const answer = await answerFrom(async () => ({
      statusCode: 202,
      headers: { 'X-Count': 3, 'Content-Type': 'text/plain' },
      cookies: ['a=1; HttpOnly', 'b=2'],
      body: 'accepted',
    }));

    expect(answer.status).toBe(202);
    expect(answer.headers).toEqual(expect.objectContaining({ 'x-count': '3', 'content-type': 'text/plain' }));
    expect(answer.headers['set-cookie']).toEqual(['a=1; HttpOnly', 'b=2']);
    expect(answer.body.toString()).toBe('accepted');
  });

  it('decodes a base64 body', async () => {
    const bytes = Buffer.from([0, 1, 2, 255]);

    const answer = await answerFrom(async () => ({
      statusCode: 200,
      body: bytes.toString('base64'),
      isBase64Encoded: true,
    }));

    expect(answer.body).toEqual(bytes);
  });

  it('sends a result without statusCode as a 200 JSON body', async () => {
    const answer = await answerFrom(async () => ({ hello: 'world' }));

    expect(answer.status).toBe(200);
    expect(answer.headers['content-type']).toBe('application/json');
    expect(answer.json).toEqual({ hello: 'world' });
  });

  it.each([
    ['throws', async () => Promise.reject(new Error('boom'))],
    ['answers a malformed result', async () => ({ statusCode: 'two hundred' })],
  ])('answers 500 {"message":"Internal Server Error"} when the router %s', async (_what, router) => {
    const answer = await answerFrom(router);

    expect(answer.status).toBe(500);
    expect(answer.json).toEqual({ message: 'Internal Server Error' });
  });

  it('answers 503 when the router outlives the integration timeout', async () => {
    const answer = await answerFrom(() => new Promise(() => {}), { integrationTimeoutMs: 50 });

    expect(answer.status).toBe(503);
    expect(answer.json).toEqual({ message: 'Service Unavailable' });
  });
});
