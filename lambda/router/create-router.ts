// The router as a value: dependencies in, a Lambda handler for HTTP API payload 2.0 out.
// The one place where errors become HTTP: domain errors as problem+json, anything else as a
// generic 500 whose detail only reaches the log.
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { authenticate, authenticateToken, type Caller } from '../account/authenticate';
import type { RequestMeta } from '../audit/event';
import { type Route, routeKey, routes } from '../routes';
import { NotFoundError, UnauthenticatedError, UnavailableError } from '../shared/errors';
import { bearerToken } from '../tokens/verifier';
import type { RouterDependencies } from './dependencies';
import { handlers, type RouteRequest, readRouteBody, routeRequest } from './handlers';
import { authorizerClaims, sourceIp, userAgentOf } from './request';
import { type HttpResponse, internalError, isAppError, problem } from './responses';

export type RouterHandler = (
  event: APIGatewayProxyEventV2,
  context?: Context,
) => Promise<APIGatewayProxyStructuredResultV2>;

/** The request's origin as the domain records it: API Gateway's request id, source IP and user agent. */
const requestMeta = (event: APIGatewayProxyEventV2, requestId: string): RequestMeta => ({
  requestId,
  ip: event.requestContext?.http?.sourceIp ?? null,
  // The same User-Agent a new session keeps (at most 256 of these characters).
  userAgent: userAgentOf(event)?.slice(0, 512) ?? null,
});

const routesByKey = new Map<string, Route>(routes.map((route) => [routeKey(route), route]));

export const createRouter = (dependencies: RouterDependencies): RouterHandler => {
  const { logger } = dependencies;

  const identify = async (route: Route, event: APIGatewayProxyEventV2): Promise<Caller | undefined> => {
    if (route.access === 'bearer') return authenticate(dependencies, authorizerClaims(event));
    // Public route: no authorizer ran. A token sent anyway is checked, never silently ignored.
    const authorization = event.headers?.authorization;
    if (authorization === undefined) return undefined;
    const token = bearerToken(authorization);
    if (!token) throw new UnauthenticatedError('The Authorization header must be "Bearer <token>".');
    return authenticateToken(dependencies, token);
  };

  return async (event, context) => {
    const started = performance.now();
    const requestId = event.requestContext?.requestId ?? context?.awsRequestId ?? 'unknown';
    let response: HttpResponse;
    let callerId: string | undefined;
    try {
      const route = routesByKey.get(event.routeKey);
      // `$default`: the request matched no route of the table (nor a page).
      if (!route) throw new NotFoundError('No route matches this method and path.');
      // A public, limited route checks its body first: a malformed flood is refused with 400s
      // that cost no write at all (the handler reads the body again; parsing is cheap).
      if ('rateLimit' in route) readRouteBody(route, event);
      // The limit is one write, made alongside the caller's look-up, before any costly work.
      const [caller] = await Promise.all([
        identify(route, event),
        'rateLimit' in route
          ? dependencies.rateLimiter.take(route.rateLimit.bucket, sourceIp(event))
          : undefined,
      ]);
      callerId = caller?.user.id;
      const handle = handlers[route.handler] as (request: RouteRequest) => Promise<HttpResponse>;
      response = await handle(
        routeRequest(route, event, dependencies, caller, requestMeta(event, requestId)),
      );
    } catch (error) {
      if (isAppError(error)) {
        if (error instanceof UnavailableError) {
          logger.warn('Dependency unavailable', { requestId, routeKey: event.routeKey, error: error.cause });
        }
        response = problem(error);
      } else {
        logger.error('Unhandled error', { requestId, routeKey: event.routeKey, error });
        response = internalError(requestId);
      }
    }
    logger.info('request', {
      requestId,
      route: event.routeKey,
      status: response.statusCode,
      latencyMs: Math.round((performance.now() - started) * 10) / 10,
      callerId,
    });
    return response;
  };
};
