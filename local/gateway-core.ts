// API Gateway HTTP API without sockets: a request (method, URL, headers, body, source IP) in, a
// response (status, headers, body) out. The HTTP server of `npm start` (gateway.ts), the
// integration tests, `npm run invoke`, the bench and the contract check all go through this one
// function, so what they see is what a client of the local stack sees.
//
// What it reproduces, and nothing more (each point is how HTTP API behaves):
// - Routes match on method and path; `{param}` takes one segment, `{param+}` the rest. No match
//   (a known path with another method included) is 404 {"message":"Not Found"}.
// - `bearer` routes: a missing or empty Authorization header is 401 {"message":"Unauthorized"}
//   without calling the authorizer; `isAuthorized: false` is 403 {"message":"Forbidden"}; an
//   authorizer that throws or answers malformed is 500. Verdicts are cached per header value for
//   AUTHORIZER_CACHE_TTL_SECONDS (read on the injected clock), and one verdict serves every route.
//   The context reaches the router as `requestContext.authorizer.lambda`.
// - Events: header names lower-cased, repeated headers and query keys comma-joined, cookies in
//   `cookies`, the body a string, base64 with `isBase64Encoded` when it is not UTF-8, the
//   client's address in `requestContext.http.sourceIp` and `x-forwarded-for`.
// - Responses: a result with `statusCode` is used as is (`cookies` become set-cookie headers,
//   a base64 body is decoded); anything else is a 200 application/json whose body is the value.
//   A handler that throws or answers malformed is 500; one that runs past 30 s is 503. Every
//   answer carries `apigw-requestid`.
// - A body over 10 MB is 413 {"message":"Request Entity Too Large"}, whatever the route.
// Not emulated: stages other than $default, CORS, custom domains, mTLS, throttling.
import { isUtf8 } from 'node:buffer';
import { randomBytes } from 'node:crypto';
import type {
  APIGatewayEventRequestContextV2,
  APIGatewayProxyEventV2,
  APIGatewayRequestAuthorizerEventV2,
  Context,
} from 'aws-lambda';
import {
  AUTHORIZER_CACHE_TTL_SECONDS,
  type PageRouteDefinition,
  pageRoutes,
  type RouteDefinition,
  routeKey,
  routes,
} from '../lambda/routes';
import { type Clock, systemClock } from '../lambda/shared/clock';

export const MAX_BODY_BYTES = 10 * 1024 * 1024;
export const INTEGRATION_TIMEOUT_MS = 30_000;
const ACCOUNT_ID = '123456789012';
const API_ID = 'local';
const REGION = 'us-east-1';

type AuthorizerContext = Record<string, unknown>;
/** The event the router receives: payload 2.0, with the authorizer's context on protected routes. */
export type GatewayEvent = APIGatewayProxyEventV2 & {
  requestContext: APIGatewayEventRequestContextV2 & { authorizer?: { lambda: AuthorizerContext } };
};

/** The Lambda handlers, as their modules export them (method syntax: their event types are narrower). */
export interface GatewayHandlers {
  router(event: GatewayEvent, context: Context): Promise<unknown>;
  authorizer(event: APIGatewayRequestAuthorizerEventV2, context: Context): Promise<unknown>;
  /** The pages function, for the page routes; without it they are 404s. */
  pages?(event: GatewayEvent, context: Context): Promise<unknown>;
}

/** One HTTP request as the gateway receives it. */
export interface GatewayRequest {
  readonly method: string;
  /** Path and query string, as on the request line: `/users?limit=5`. */
  readonly url: string;
  /** Any case; a list for a header sent more than once. */
  readonly headers: Readonly<Record<string, string | readonly string[] | undefined>>;
  readonly body: Buffer;
  /** The client's address; rate limits and logs key on it. */
  readonly sourceIp: string;
  /** `HTTP/1.1` unless said otherwise. */
  readonly protocol?: string;
}

export interface GatewayResponse {
  readonly status: number;
  /** Lower-case names; `set-cookie` may be a list. */
  readonly headers: Readonly<Record<string, string | readonly string[]>>;
  readonly body: Buffer;
}

export type Gateway = (request: GatewayRequest) => Promise<GatewayResponse>;

export interface GatewayCoreOptions extends GatewayHandlers {
  readonly routes?: readonly RouteDefinition[];
  readonly authorizerCacheTtlSeconds?: number;
  /** What the verdict cache reads the time from; tests move it instead of sleeping. */
  readonly clock?: Clock;
  readonly integrationTimeoutMs?: number;
  /** Called when a handler throws or answers malformed (the 500s), as Lambda would log it. */
  readonly onError?: (error: unknown, handler: 'router' | 'authorizer' | 'pages') => void;
}

// ---------------------------------------------------------------------------------------------
// Route matching

export interface MatchedRoute<R extends Pick<RouteDefinition, 'method' | 'path'> = RouteDefinition> {
  readonly route: R;
  readonly pathParameters: Record<string, string>;
}

const compileRoute = <R extends Pick<RouteDefinition, 'method' | 'path'>>(route: R) => {
  const names: string[] = [];
  const source = route.path
    .split('/')
    .map((segment) => {
      const param = /^\{(\w+)(\+?)\}$/.exec(segment);
      if (!param) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      names.push(param[1] ?? '');
      // A greedy {param+} also takes the empty rest: `/account/` is the app's own address.
      return param[2] ? '(.*)' : '([^/]+)';
    })
    .join('/');
  return { route, names, regex: new RegExp(`^${source}$`) };
};

const decode = (value: string): string => {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
};

/** Builds `(method, rawPath) → route`; literal paths win over parameterised ones, as in API Gateway. */
export const createRouteMatcher = <R extends Pick<RouteDefinition, 'method' | 'path'> = RouteDefinition>(
  table: readonly R[] = routes as unknown as readonly R[],
) => {
  const compiled = table
    .map(compileRoute)
    .sort((a, b) => a.names.length - b.names.length || b.route.path.length - a.route.path.length);
  return (method: string, rawPath: string): MatchedRoute<R> | undefined => {
    for (const { route, names, regex } of compiled) {
      if (route.method !== method) continue;
      const match = regex.exec(rawPath);
      if (!match) continue;
      const pathParameters = Object.fromEntries(names.map((name, i) => [name, decode(match[i + 1] ?? '')]));
      return { route, pathParameters };
    }
    return undefined;
  };
};

const matchPageRoute = createRouteMatcher<PageRouteDefinition>(pageRoutes);
/** A path the pages function serves (the account pages and their assets): not the API. */
export const isPagePath = (path: string): boolean => matchPageRoute('GET', path) !== undefined;

// ---------------------------------------------------------------------------------------------
// Requests → events

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
/** `28/Nov/2026:12:00:00 +0000`, the CLF-style time HTTP API puts in `requestContext.time`. */
const clfTime = (date: Date): string => {
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(date.getUTCDate())}/${MONTHS[date.getUTCMonth()]}/${date.getUTCFullYear()}:${two(date.getUTCHours())}:${two(date.getUTCMinutes())}:${two(date.getUTCSeconds())} +0000`;
};

/** Same shape as HTTP API request ids (`JKJaXmPLvHcESHA=`). */
export const newRequestId = (): string => randomBytes(11).toString('base64');

const commaJoined = (entries: Iterable<[string, string]>): Record<string, string> | undefined => {
  const joined: Record<string, string> = {};
  for (const [key, value] of entries) joined[key] = key in joined ? `${joined[key]},${value}` : value;
  return Object.keys(joined).length > 0 ? joined : undefined;
};

/** `{ [key]: value }`, or nothing at all: HTTP API leaves absent fields out rather than null. */
const optional = <K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } =>
  (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };

/** `/users?limit=5` → `['/users', 'limit=5']`. */
export const splitUrl = (url: string): [rawPath: string, rawQueryString: string] => {
  const queryAt = url.indexOf('?');
  return queryAt === -1 ? [url, ''] : [url.slice(0, queryAt), url.slice(queryAt + 1)];
};

const bodyFields = (body: Buffer): Pick<GatewayEvent, 'body' | 'isBase64Encoded'> => {
  if (body.length === 0) return { isBase64Encoded: false };
  return isUtf8(body)
    ? { body: body.toString('utf8'), isBase64Encoded: false }
    : { body: body.toString('base64'), isBase64Encoded: true };
};

export interface EventOptions {
  /** The matched route; omitted, the event carries `$default` as its route key. */
  readonly matched?: MatchedRoute<Pick<RouteDefinition, 'method' | 'path'>>;
  readonly requestId?: string;
  /** When the gateway received the request. */
  readonly at?: Date;
  /** The authorizer's context, on a protected route. */
  readonly authorizer?: AuthorizerContext;
}

/** The payload 2.0 event HTTP API hands the integration for `request`. */
export const payloadEvent = (request: GatewayRequest, options: EventOptions = {}): GatewayEvent => {
  const [rawPath, rawQueryString] = splitUrl(request.url);
  const at = options.at ?? new Date();
  const headerPairs: [string, string][] = [];
  let cookies: string[] | undefined;
  for (const [rawName, value] of Object.entries(request.headers)) {
    if (value === undefined) continue;
    const name = rawName.toLowerCase();
    const values = typeof value === 'string' ? [value] : value;
    // Payload 2.0 moves cookies out of the headers into their own list.
    if (name === 'cookie') cookies = values.flatMap((cookie) => cookie.split(/;\s*/)).filter(Boolean);
    else for (const item of values) headerPairs.push([name, item]);
  }
  const host = commaJoined(headerPairs)?.host;
  // API Gateway adds these on the way in.
  headerPairs.push(['x-forwarded-for', request.sourceIp], ['x-forwarded-proto', 'http']);
  headerPairs.push(['x-forwarded-port', /:(\d+)$/.exec(host ?? '')?.[1] ?? '80']);
  const headers = commaJoined(headerPairs) ?? {};
  const domainName = host ?? 'localhost';
  const key = options.matched ? routeKey(options.matched.route) : '$default';
  const pathParameters = options.matched?.pathParameters ?? {};
  return {
    version: '2.0',
    routeKey: key,
    rawPath,
    rawQueryString,
    ...optional('cookies', cookies),
    headers,
    ...optional('queryStringParameters', commaJoined(new URLSearchParams(rawQueryString))),
    requestContext: {
      accountId: ACCOUNT_ID,
      apiId: API_ID,
      domainName,
      domainPrefix: domainName.split('.')[0] ?? domainName,
      http: {
        method: request.method,
        path: rawPath,
        protocol: request.protocol ?? 'HTTP/1.1',
        sourceIp: request.sourceIp,
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: options.requestId ?? newRequestId(),
      routeKey: key,
      stage: '$default',
      time: clfTime(at),
      timeEpoch: at.getTime(),
      ...optional('authorizer', options.authorizer && { lambda: options.authorizer }),
    },
    ...optional('pathParameters', Object.keys(pathParameters).length > 0 ? pathParameters : undefined),
    ...bodyFields(request.body),
  };
};

/** The REQUEST event the Lambda authorizer receives for the router's `event`. */
export const authorizerEvent = (event: GatewayEvent): APIGatewayRequestAuthorizerEventV2 => {
  const { method, path } = event.requestContext.http;
  const { body: _body, isBase64Encoded: _encoded, ...request } = event;
  return {
    ...request,
    cookies: event.cookies ?? [],
    type: 'REQUEST',
    routeArn: `arn:aws:execute-api:${REGION}:${ACCOUNT_ID}:${API_ID}/$default/${method}${path}`,
    identitySource: [event.headers.authorization ?? ''],
    pathParameters: event.pathParameters ?? {},
  };
};

/** The Lambda `context` argument, as far as a handler can tell. */
export const lambdaContext = (
  functionName: string,
  requestId: string,
  timeoutMs = INTEGRATION_TIMEOUT_MS,
): Context => {
  const deadline = Date.now() + timeoutMs;
  const fail = () => {
    throw new Error('callback-style completion is not supported: return a promise');
  };
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${REGION}:${ACCOUNT_ID}:function:${functionName}`,
    memoryLimitInMB: '1024',
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'local',
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: fail,
    fail,
    succeed: fail,
  };
};

// ---------------------------------------------------------------------------------------------
// Results → responses

const gatewayMessage = (status: number, message: string): GatewayResponse => ({
  status,
  headers: { 'content-type': 'application/json' },
  body: Buffer.from(JSON.stringify({ message })),
});

const NOT_FOUND = gatewayMessage(404, 'Not Found');
const UNAUTHORIZED = gatewayMessage(401, 'Unauthorized');
const FORBIDDEN = gatewayMessage(403, 'Forbidden');
const TOO_LARGE = gatewayMessage(413, 'Request Entity Too Large');
const INTERNAL = gatewayMessage(500, 'Internal Server Error');
const UNAVAILABLE = gatewayMessage(503, 'Service Unavailable');

class MalformedResultError extends Error {}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Payload 2.0 response rules: a structured result when `statusCode` is present, else a JSON 200. */
export const httpAnswerOf = (result: unknown): GatewayResponse => {
  if (!isRecord(result) || !('statusCode' in result)) {
    const body = typeof result === 'string' ? result : (JSON.stringify(result) ?? '');
    return { status: 200, headers: { 'content-type': 'application/json' }, body: Buffer.from(body) };
  }
  const { statusCode, headers = {}, cookies = [], body = '', isBase64Encoded = false } = result;
  const valid =
    Number.isInteger(statusCode) &&
    (statusCode as number) >= 100 &&
    (statusCode as number) <= 599 &&
    isRecord(headers) &&
    Object.values(headers).every((value) => ['string', 'number', 'boolean'].includes(typeof value)) &&
    Array.isArray(cookies) &&
    cookies.every((cookie) => typeof cookie === 'string') &&
    typeof body === 'string' &&
    typeof isBase64Encoded === 'boolean';
  if (!valid)
    throw new MalformedResultError(`malformed Lambda response: ${JSON.stringify(result)?.slice(0, 200)}`);
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) out[name.toLowerCase()] = String(value);
  if (cookies.length > 0) out['set-cookie'] = cookies as string[];
  return {
    status: statusCode as number,
    headers: out,
    body: Buffer.from(body, isBase64Encoded ? 'base64' : 'utf8'),
  };
};

const TIMED_OUT = Symbol('timed out');
const withTimeout = <T>(work: Promise<T>, ms: number): Promise<T | typeof TIMED_OUT> => {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<typeof TIMED_OUT>((resolve) => {
    timer = setTimeout(() => resolve(TIMED_OUT), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
};

// ---------------------------------------------------------------------------------------------
// The gateway

interface Verdict {
  readonly isAuthorized: boolean;
  readonly context: AuthorizerContext;
}

const verdictOf = (result: unknown): Verdict => {
  if (!isRecord(result) || typeof result.isAuthorized !== 'boolean') {
    throw new MalformedResultError('the authorizer did not answer a simple response { isAuthorized }');
  }
  if (result.context !== undefined && !isRecord(result.context)) {
    throw new MalformedResultError('the authorizer context is not an object');
  }
  return { isAuthorized: result.isAuthorized, context: result.context ?? {} };
};

export const createGatewayCore = (options: GatewayCoreOptions): Gateway => {
  const match = createRouteMatcher(options.routes ?? routes);
  const ttlMs = (options.authorizerCacheTtlSeconds ?? AUTHORIZER_CACHE_TTL_SECONDS) * 1000;
  const timeoutMs = options.integrationTimeoutMs ?? INTEGRATION_TIMEOUT_MS;
  const now = () => (options.clock ?? systemClock)().getTime();
  const verdicts = new Map<string, { verdict: Verdict; expiresAt: number }>();

  const authorize = async (event: GatewayEvent): Promise<Verdict> => {
    const authorization = event.headers.authorization ?? '';
    const cached = verdicts.get(authorization);
    if (cached && cached.expiresAt > now()) return cached.verdict;
    const context = lambdaContext('authorizer', event.requestContext.requestId);
    const verdict = verdictOf(await options.authorizer(authorizerEvent(event), context));
    if (ttlMs > 0) {
      for (const [key, entry] of verdicts) if (entry.expiresAt <= now()) verdicts.delete(key);
      verdicts.set(authorization, { verdict, expiresAt: now() + ttlMs });
    }
    return verdict;
  };

  const answer = async (request: GatewayRequest, requestId: string): Promise<GatewayResponse> => {
    // API Gateway reads the whole request before routing, so an oversized body is a 413 everywhere.
    if (request.body.length > MAX_BODY_BYTES) return TOO_LARGE;
    const rawPath = splitUrl(request.url)[0];
    const matched = match(request.method, rawPath);
    if (!matched) {
      const page = matchPageRoute(request.method, rawPath);
      if (!page || !options.pages) return NOT_FOUND;
      return invoke('pages', options.pages, payloadEvent(request, { matched: page, requestId }), requestId);
    }
    const event = payloadEvent(request, { matched, requestId });

    if (matched.route.access === 'bearer') {
      // Identity source `$request.header.Authorization`: missing or empty → 401, authorizer not called.
      if (!event.headers.authorization) return UNAUTHORIZED;
      let verdict: Verdict;
      try {
        verdict = await authorize(event);
      } catch (error) {
        options.onError?.(error, 'authorizer');
        return INTERNAL;
      }
      if (!verdict.isAuthorized) return FORBIDDEN;
      event.requestContext.authorizer = { lambda: verdict.context };
    }

    return invoke('router', options.router, event, requestId);
  };

  const invoke = async (
    name: 'router' | 'pages',
    handler: NonNullable<GatewayHandlers['pages']>,
    event: GatewayEvent,
    requestId: string,
  ): Promise<GatewayResponse> => {
    try {
      const result = await withTimeout(handler(event, lambdaContext(name, requestId, timeoutMs)), timeoutMs);
      return result === TIMED_OUT ? UNAVAILABLE : httpAnswerOf(result);
    } catch (error) {
      options.onError?.(error, name);
      return INTERNAL;
    }
  };

  return async (request) => {
    const requestId = newRequestId();
    const response = await answer(request, requestId);
    return {
      ...response,
      headers: {
        ...response.headers,
        'apigw-requestid': requestId,
        'content-length': String(response.body.length),
      },
    };
  };
};
