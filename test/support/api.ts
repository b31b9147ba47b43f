// Drives the real router and authorizer handlers with HTTP API payload 2.0 events, the way API
// Gateway does (authorizer first on bearer routes, its 401/403 answers), against a table of
// this test file's own in DynamoDB Local. Every response is checked for leaked secrets.

import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { KeySet } from '../../lambda/keys/key-set';
import { ensureKeySet, type KeySetStore } from '../../lambda/keys/rotation';
import { RATE_LIMIT_BUCKETS, type RateLimits } from '../../lambda/limits/rate-limits';
import type { RouterDependencies } from '../../lambda/router/dependencies';
import { routes } from '../../lambda/routes';
import { type Clock, randomIds, systemClock } from '../../lambda/shared/clock';
import { type Logger, silentLogger } from '../../lambda/shared/logger';
import { createLocalApp } from '../../local/app';
import { createRouteMatcher, lambdaContext } from '../../local/gateway';
import { memoryKeySetStore } from '../../local/signing-keys';
import { createTestTable, testDocumentClient } from './tables';

export interface ApiResponse {
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly text: string;
  // biome-ignore lint/suspicious/noExplicitAny: response bodies are asserted field by field in tests
  readonly body: any;
}

export interface RequestOptions {
  readonly body?: unknown;
  /** Sent as is when a string (raw bodies, wrong JSON); JSON-encoded otherwise. */
  readonly rawBody?: string;
  readonly token?: string;
  readonly headers?: Record<string, string>;
}

export interface TestApi {
  readonly tableName: string;
  /** The dependencies the handlers were built from: call use cases directly with them. */
  readonly deps: RouterDependencies;
  /** Where this app's signing keys live: tests forge tokens with them, and rotate them. */
  readonly keys: KeySetStore;
  keySet(): Promise<KeySet>;
  call(method: string, path: string, options?: RequestOptions): Promise<ApiResponse>;
  /** Signs up and logs in a fresh user; returns its id, token and credentials. */
  signUpAndLogIn(overrides?: { email?: string; password?: string; name?: string }): Promise<TestUser>;
  /** An admin made through the same bootstrap as `npm start`, logged in. */
  admin(): Promise<TestUser>;
  /** Every password sent so far: none may ever come back. */
  readonly sentPasswords: Set<string>;
}

export interface TestUser {
  readonly id: string;
  readonly email: string;
  readonly password: string;
  readonly token: string;
  readonly etag: string;
}

const BCRYPT_HASH = /\$2[abxy]\$\d\d\$/;

// The local gateway's own matcher: the same routing rules as `npm start`.
const matchRoute = createRouteMatcher(routes);

const toResponse = (result: APIGatewayProxyStructuredResultV2): ApiResponse => {
  const text = result.body ?? '';
  const headers = Object.fromEntries(
    Object.entries(result.headers ?? {}).map(([name, value]) => [name.toLowerCase(), String(value)]),
  );
  let body: unknown;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    body = undefined;
  }
  return { status: result.statusCode ?? 200, headers, text, body };
};

const gatewayAnswer = (status: number, message: string): ApiResponse => ({
  status,
  headers: { 'content-type': 'application/json' },
  text: JSON.stringify({ message }),
  body: { message },
});

/** Sees every response `call` returns, with the request that got it (the OpenAPI contract check). */
export type ResponseObserver = (method: string, path: string, response: ApiResponse) => void;
const responseObservers: ResponseObserver[] = [];
export const observeResponses = (observer: ResponseObserver): void => {
  responseObservers.push(observer);
};

let emailCounter = 0;
export const uniqueEmail = (label = 'user'): string => `${label}-${Date.now()}-${++emailCounter}@example.com`;

export interface TestApiOptions {
  readonly clock?: Clock;
  readonly logger?: Logger;
  /** A fresh key set in memory by default. */
  readonly keys?: KeySetStore;
  /** Per-client limits; by default none that a suite could reach (see UNREACHED_RATE_LIMITS). */
  readonly rateLimits?: Partial<RateLimits>;
}

/**
 * Every suite calls from one address, far more often than a person would: the test kit's default
 * is limits no suite reaches, and the abuse tests set the limits they attack.
 */
export const UNREACHED_RATE_LIMITS: RateLimits = Object.fromEntries(
  RATE_LIMIT_BUCKETS.map((bucket) => [bucket, { limit: 1_000_000, windowSeconds: 60 }]),
) as RateLimits;

export const createTestApi = async (options: TestApiOptions = {}): Promise<TestApi> => {
  const tableName = await createTestTable();
  const clock = options.clock ?? systemClock;
  const keys = options.keys ?? memoryKeySetStore();
  await ensureKeySet(keys, clock());
  const keySet = async () => {
    const set = await keys.read();
    if (!set) throw new Error('the test key set has gone');
    return set;
  };
  const app = await createLocalApp({
    settings: {
      tableName,
      bcryptCost: 10,
      tokenTtlSeconds: 3600,
      sessionTtlSeconds: 30 * 24 * 3600,
      auditRetentionDays: 365,
      rateLimits: options.rateLimits ?? UNREACHED_RATE_LIMITS,
    },
    keys: keySet,
    client: testDocumentClient(),
    clock,
    newId: randomIds,
    logger: options.logger ?? silentLogger,
  });
  const { router, authorizer } = app.handlers;
  const sentPasswords = new Set<string>();

  const assertNoSecrets = (response: ApiResponse): void => {
    const everything = `${JSON.stringify(response.headers)}\n${response.text}`;
    if (BCRYPT_HASH.test(everything)) throw new Error(`A bcrypt hash leaked in a response: ${everything}`);
    for (const password of sentPasswords) {
      if (everything.includes(password)) throw new Error(`A password leaked in a response: ${everything}`);
    }
  };

  const send = async (method: string, path: string, options: RequestOptions = {}): Promise<ApiResponse> => {
    const [rawPath = '', rawQueryString = ''] = path.split('?');
    const matched = matchRoute(method, rawPath);
    if (!matched) return gatewayAnswer(404, 'Not Found');
    const headers: Record<string, string> = {};
    if (options.body !== undefined || options.rawBody !== undefined)
      headers['content-type'] = 'application/json';
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    for (const [name, value] of Object.entries(options.headers ?? {})) headers[name.toLowerCase()] = value;
    if (options.body && typeof options.body === 'object') {
      for (const field of ['password', 'current_password']) {
        const value = (options.body as Record<string, unknown>)[field];
        if (typeof value === 'string' && value.length >= 8) sentPasswords.add(value);
      }
    }
    const query = new URLSearchParams(rawQueryString);
    const queryStringParameters: Record<string, string> = {};
    for (const key of new Set(query.keys())) queryStringParameters[key] = query.getAll(key).join(',');
    const requestId = randomUUID();
    const event: APIGatewayProxyEventV2 = {
      version: '2.0',
      routeKey: `${matched.route.method} ${matched.route.path}`,
      rawPath,
      rawQueryString,
      headers,
      ...(rawQueryString ? { queryStringParameters } : {}),
      ...(Object.keys(matched.pathParameters).length > 0 ? { pathParameters: matched.pathParameters } : {}),
      requestContext: {
        accountId: '123456789012',
        apiId: 'local',
        domainName: 'localhost',
        domainPrefix: 'localhost',
        http: { method, path: rawPath, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'jest' },
        requestId,
        routeKey: `${matched.route.method} ${matched.route.path}`,
        stage: '$default',
        time: new Date().toUTCString(),
        timeEpoch: Date.now(),
      },
      body: options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body)),
      isBase64Encoded: false,
    };
    if (matched.route.access === 'bearer') {
      if (headers.authorization === undefined) return gatewayAnswer(401, 'Unauthorized');
      const verdict = (await authorizer(
        {
          version: '2.0',
          type: 'REQUEST',
          routeArn: `arn:aws:execute-api:us-east-1:123456789012:local/$default/${method}${rawPath}`,
          identitySource: [headers.authorization],
          routeKey: event.routeKey,
          rawPath,
          rawQueryString,
          headers,
          requestContext: event.requestContext,
          ...(event.pathParameters ? { pathParameters: event.pathParameters } : {}),
        } as never,
        lambdaContext('authorizer', requestId),
      )) as { isAuthorized: boolean; context?: unknown };
      if (!verdict.isAuthorized) return gatewayAnswer(403, 'Forbidden');
      (event.requestContext as unknown as { authorizer: unknown }).authorizer = { lambda: verdict.context };
    }
    const response = toResponse((await router(event as never, lambdaContext('router', requestId))) as never);
    assertNoSecrets(response);
    return response;
  };

  const call: TestApi['call'] = async (method, path, options) => {
    const response = await send(method, path, options);
    for (const observe of responseObservers) observe(method, path, response);
    return response;
  };

  const logIn = async (email: string, password: string) => {
    const response = await call('POST', '/login', { body: { email, password } });
    if (response.status !== 200) throw new Error(`login failed: ${response.status} ${response.text}`);
    return response.body as { token: string; user: { id: string } };
  };

  const signUpAndLogIn: TestApi['signUpAndLogIn'] = async (overrides = {}) => {
    const email = overrides.email ?? uniqueEmail();
    const password = overrides.password ?? `pw-${randomUUID()}`;
    const created = await call('POST', '/users', {
      body: { email, password, name: overrides.name ?? 'Test User' },
    });
    if (created.status !== 201) throw new Error(`sign-up failed: ${created.status} ${created.text}`);
    const { token, user } = await logIn(email, password);
    const read = await call('GET', `/users/${user.id}`, { token });
    return { id: user.id, email, password, token, etag: read.headers.etag ?? '' };
  };

  const admin: TestApi['admin'] = async () => {
    const email = uniqueEmail('admin');
    const password = `admin-${randomUUID()}`;
    sentPasswords.add(password);
    await app.ensureAdmin(email, password);
    const { token, user } = await logIn(email, password);
    const read = await call('GET', `/users/${user.id}`, { token });
    return { id: user.id, email, password, token, etag: read.headers.etag ?? '' };
  };

  return { tableName, deps: app.dependencies, keys, keySet, call, signUpAndLogIn, admin, sentPasswords };
};
