import { AUTHORIZER_CACHE_TTL_SECONDS, routes } from '../lambda/routes';
import { systemClock } from '../lambda/shared/clock';
import { authorizerEvent, lambdaContext, newRequestId, payloadEvent, splitUrl } from './gateway-events';
import {
  FORBIDDEN,
  httpAnswerOf,
  INTERNAL,
  isRecord,
  MalformedResultError,
  TIMED_OUT,
  TOO_LARGE,
  UNAUTHORIZED,
  UNAVAILABLE,
  withTimeout,
} from './gateway-responses';
import {
  type AuthorizerContext,
  type Gateway,
  type GatewayCoreOptions,
  type GatewayEvent,
  type GatewayRequest,
  type GatewayResponse,
  INTEGRATION_TIMEOUT_MS,
  MAX_BODY_BYTES,
} from './gateway-types';
import { createRouteMatcher, matchPageRoute } from './route-matching';

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
      if (page && options.pages)
        return invoke('pages', options.pages, payloadEvent(request, { matched: page, requestId }), requestId);
      // The stack's `$default` route: whatever matches no route goes to the router, unauthorized,
      // which answers a 404 problem as every other error is answered.
      return invoke('router', options.router, payloadEvent(request, { requestId }), requestId);
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
    handler: NonNullable<GatewayCoreOptions['pages']>,
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
