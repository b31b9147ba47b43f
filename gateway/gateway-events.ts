// Requests → events: the payload 2.0 event, the authorizer event and the Lambda context that the
// gateway core hands to the handlers.
import { isUtf8 } from 'node:buffer';
import { randomBytes } from 'node:crypto';
import type { APIGatewayRequestAuthorizerEventV2, Context } from 'aws-lambda';
import { type RouteDefinition, routeKey } from '../lambda/routes';
import {
  ACCOUNT_ID,
  API_ID,
  type AuthorizerContext,
  type GatewayEvent,
  type GatewayRequest,
  INTEGRATION_TIMEOUT_MS,
  REGION,
} from './gateway-types';
import type { MatchedRoute } from './route-matching';

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
