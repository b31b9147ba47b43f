// The local stand-in for API Gateway HTTP API: HTTP request → route match → Lambda authorizer
// (simple responses) → payload 2.0 event → router handler → HTTP response. It reads the same
// route table as the stack and calls the same handler modules that the stack deploys.
//
// What it reproduces, and nothing more (each point is how HTTP API behaves):
// - Routes match on method and path; `{param}` takes one segment, `{param+}` the rest. No match
//   (a known path with another method included) is 404 {"message":"Not Found"}.
// - `bearer` routes: a missing or empty Authorization header is 401 {"message":"Unauthorized"}
//   without calling the authorizer; `isAuthorized: false` is 403 {"message":"Forbidden"}; an
//   authorizer that throws or answers malformed is 500. Verdicts are cached per header value for
//   AUTHORIZER_CACHE_TTL_SECONDS, and one verdict serves every route. The context reaches the
//   router as `requestContext.authorizer.lambda`.
// - Events: header names lower-cased, repeated headers and query keys comma-joined, cookies in
//   `cookies`, the body a string, base64 with `isBase64Encoded` when it is not UTF-8.
// - Responses: a result with `statusCode` is used as is (`cookies` become set-cookie headers,
//   a base64 body is decoded); anything else is a 200 application/json whose body is the value.
//   A handler that throws or answers malformed is 500; one that runs past 30 s is 503.
// - A body over 10 MB is 413 {"message":"Request Entity Too Large"}.
// Not emulated: stages other than $default, CORS, custom domains, mTLS, throttling.
// Added, local only: GET /docs, the API reference page (docs-page.ts); the mail inbox and the
// pages mailed links open (pages.ts).
import { isUtf8 } from 'node:buffer';
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type {
  APIGatewayEventRequestContextV2,
  APIGatewayProxyEventV2,
  APIGatewayRequestAuthorizerEventV2,
  Context,
} from 'aws-lambda';
import { AUTHORIZER_CACHE_TTL_SECONDS, type RouteDefinition, routeKey, routes } from '../lambda/routes';
import { serveDocsPage } from './docs-page';

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

/** The two Lambda handlers, as their modules export them (method syntax: their event types are narrower). */
export interface GatewayHandlers {
  router(event: GatewayEvent, context: Context): Promise<unknown>;
  authorizer(event: APIGatewayRequestAuthorizerEventV2, context: Context): Promise<unknown>;
}

export interface RequestLogEntry {
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly ms: number;
}

export interface GatewayOptions extends GatewayHandlers {
  readonly routes?: readonly RouteDefinition[];
  readonly authorizerCacheTtlSeconds?: number;
  readonly integrationTimeoutMs?: number;
  /** Called once per answered request. Never given bodies or headers. */
  readonly onRequest?: (entry: RequestLogEntry) => void;
  /** Called when a handler throws or answers malformed (the 500s), as Lambda would log it. */
  readonly onError?: (error: unknown, handler: 'router' | 'authorizer') => void;
  /** Serve the API reference page at GET /docs (local only, not part of HTTP API). Default true. */
  readonly docs?: boolean;
  /** Local-only pages (the mail inbox, the pages mailed links open): true when it answered. */
  readonly localPages?: (req: IncomingMessage, res: ServerResponse) => boolean;
}

interface MatchedRoute {
  readonly route: RouteDefinition;
  readonly pathParameters: Record<string, string>;
}

// ---------------------------------------------------------------------------------------------
// Route matching

const compileRoute = (route: RouteDefinition) => {
  const names: string[] = [];
  const source = route.path
    .split('/')
    .map((segment) => {
      const param = /^\{(\w+)(\+?)\}$/.exec(segment);
      if (!param) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      names.push(param[1] ?? '');
      return param[2] ? '(.+)' : '([^/]+)';
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
export const createRouteMatcher = (table: readonly RouteDefinition[]) => {
  const compiled = table
    .map(compileRoute)
    .sort((a, b) => a.names.length - b.names.length || b.route.path.length - a.route.path.length);
  return (method: string, rawPath: string): MatchedRoute | undefined => {
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

interface RequestParts {
  readonly event: Omit<GatewayEvent, 'routeKey' | 'pathParameters' | 'body' | 'isBase64Encoded'>;
  readonly authorization: string | undefined;
}

const requestParts = (
  req: IncomingMessage,
  rawPath: string,
  rawQueryString: string,
  requestId: string,
): RequestParts => {
  const now = new Date();
  const headerPairs: [string, string][] = [];
  let cookies: string[] | undefined;
  for (const [name, values] of Object.entries(req.headersDistinct)) {
    if (!values) continue;
    // Payload 2.0 moves cookies out of the headers into their own list.
    if (name === 'cookie') cookies = values.flatMap((value) => value.split(/;\s*/)).filter(Boolean);
    else for (const value of values) headerPairs.push([name, value]);
  }
  const sourceIp = (req.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, '');
  // API Gateway adds these on the way in.
  headerPairs.push(['x-forwarded-for', sourceIp], ['x-forwarded-proto', 'http']);
  headerPairs.push(['x-forwarded-port', String(req.socket.localPort ?? '')]);
  const headers = commaJoined(headerPairs) ?? {};
  const domainName = headers.host ?? 'localhost';
  return {
    authorization: headers.authorization,
    event: {
      version: '2.0',
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
          method: req.method ?? 'GET',
          path: rawPath,
          protocol: `HTTP/${req.httpVersion}`,
          sourceIp,
          userAgent: headers['user-agent'] ?? '',
        },
        requestId,
        routeKey: '$default',
        stage: '$default',
        time: clfTime(now),
        timeEpoch: now.getTime(),
      },
    },
  };
};

const bodyFields = (body: Buffer): Pick<GatewayEvent, 'body' | 'isBase64Encoded'> => {
  if (body.length === 0) return { isBase64Encoded: false };
  return isUtf8(body)
    ? { body: body.toString('utf8'), isBase64Encoded: false }
    : { body: body.toString('base64'), isBase64Encoded: true };
};

class BodyTooLargeError extends Error {}

const readBody = (req: IncomingMessage, limit: number): Promise<Buffer> =>
  new Promise((resolve, reject) => {
    if (Number(req.headers['content-length'] ?? 0) > limit) {
      reject(new BodyTooLargeError());
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners('data');
        req.resume();
        reject(new BodyTooLargeError());
      } else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });

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

interface HttpAnswer {
  readonly status: number;
  readonly headers: Record<string, string | string[]>;
  readonly body: Buffer;
}

const gatewayMessage = (status: number, message: string): HttpAnswer => ({
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
export const httpAnswerOf = (result: unknown): HttpAnswer => {
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

const send = (res: ServerResponse, answer: HttpAnswer, requestId: string): void => {
  res.statusCode = answer.status;
  for (const [name, value] of Object.entries(answer.headers)) res.setHeader(name, value);
  res.setHeader('apigw-requestid', requestId);
  res.setHeader('content-length', answer.body.length);
  res.end(answer.body);
};

const withTimeout = <T>(work: Promise<T>, ms: number): Promise<T | typeof TIMED_OUT> => {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<typeof TIMED_OUT>((resolve) => {
    timer = setTimeout(() => resolve(TIMED_OUT), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
};
const TIMED_OUT = Symbol('timed out');

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

export const createGateway = (options: GatewayOptions): RequestListener => {
  const match = createRouteMatcher(options.routes ?? routes);
  const ttlMs = (options.authorizerCacheTtlSeconds ?? AUTHORIZER_CACHE_TTL_SECONDS) * 1000;
  const timeoutMs = options.integrationTimeoutMs ?? INTEGRATION_TIMEOUT_MS;
  const verdicts = new Map<string, { verdict: Verdict; expiresAt: number }>();

  const authorize = async (
    parts: RequestParts,
    matched: MatchedRoute,
    requestId: string,
  ): Promise<Verdict> => {
    const authorization = parts.authorization ?? '';
    const cached = verdicts.get(authorization);
    if (cached && cached.expiresAt > Date.now()) return cached.verdict;
    const { method, path } = parts.event.requestContext.http;
    const event: APIGatewayRequestAuthorizerEventV2 = {
      ...parts.event,
      cookies: parts.event.cookies ?? [],
      type: 'REQUEST',
      routeArn: `arn:aws:execute-api:${REGION}:${ACCOUNT_ID}:${API_ID}/$default/${method}${path}`,
      identitySource: [authorization],
      routeKey: routeKey(matched.route),
      pathParameters: matched.pathParameters,
      requestContext: { ...parts.event.requestContext, routeKey: routeKey(matched.route) },
    };
    const verdict = verdictOf(await options.authorizer(event, lambdaContext('authorizer', requestId)));
    if (ttlMs > 0) {
      for (const [key, entry] of verdicts) if (entry.expiresAt <= Date.now()) verdicts.delete(key);
      verdicts.set(authorization, { verdict, expiresAt: Date.now() + ttlMs });
    }
    return verdict;
  };

  const answer = async (req: IncomingMessage, requestId: string): Promise<HttpAnswer> => {
    const url = req.url ?? '/';
    const queryAt = url.indexOf('?');
    const rawPath = queryAt === -1 ? url : url.slice(0, queryAt);
    const rawQueryString = queryAt === -1 ? '' : url.slice(queryAt + 1);
    const matched = match(req.method ?? 'GET', rawPath);
    // API Gateway reads the whole request before routing, so an oversized body is a 413 everywhere.
    const body = await readBody(req, MAX_BODY_BYTES);
    if (!matched) return NOT_FOUND;
    const parts = requestParts(req, rawPath, rawQueryString, requestId);

    let authorizer: GatewayEvent['requestContext']['authorizer'];
    if (matched.route.access === 'bearer') {
      // Identity source `$request.header.Authorization`: missing or empty → 401, authorizer not called.
      if (!parts.authorization) return UNAUTHORIZED;
      let verdict: Verdict;
      try {
        verdict = await authorize(parts, matched, requestId);
      } catch (error) {
        options.onError?.(error, 'authorizer');
        return INTERNAL;
      }
      if (!verdict.isAuthorized) return FORBIDDEN;
      authorizer = { lambda: verdict.context };
    }

    const key = routeKey(matched.route);
    const event: GatewayEvent = {
      ...parts.event,
      routeKey: key,
      ...optional(
        'pathParameters',
        Object.keys(matched.pathParameters).length > 0 ? matched.pathParameters : undefined,
      ),
      requestContext: { ...parts.event.requestContext, routeKey: key, ...optional('authorizer', authorizer) },
      ...bodyFields(body),
    };
    try {
      const result = await withTimeout(
        options.router(event, lambdaContext('router', requestId, timeoutMs)),
        timeoutMs,
      );
      return result === TIMED_OUT ? UNAVAILABLE : httpAnswerOf(result);
    } catch (error) {
      options.onError?.(error, 'router');
      return INTERNAL;
    }
  };

  return (req, res) => {
    const started = process.hrtime.bigint();
    const requestId = newRequestId();
    res.once('finish', () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      const path = (req.url ?? '/').split('?')[0] ?? '/';
      options.onRequest?.({ method: req.method ?? '', path, status: res.statusCode, ms: Math.round(ms) });
    });
    if ((options.docs ?? true) && serveDocsPage(req, res)) return;
    if (options.localPages?.(req, res)) return;
    answer(req, requestId).then(
      (result) => send(res, result, requestId),
      (error: unknown) => {
        if (error instanceof BodyTooLargeError) {
          // The rest of the upload is not read: close the connection once the answer is out.
          res.setHeader('connection', 'close');
          send(res, TOO_LARGE, requestId);
        } else {
          options.onError?.(error, 'router');
          send(res, INTERNAL, requestId);
        }
      },
    );
  };
};
