// Router Lambda entry: API Gateway HTTP API (payload 2.0) → the route's handler → HTTP response.
// The one place where errors become HTTP: domain errors as problem+json, anything else as a
// generic 500 whose detail only reaches the log.
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { type Route, routeKey, routes } from '../routes';
import { NotFoundError, UnauthenticatedError } from '../shared/errors';
import { logger } from '../shared/logger';
import { memoizeUntilFailure } from '../shared/memoize';
import { bearerToken } from '../shared/tokens';
import type { UserService } from '../users/service';
import type { StoredUser } from '../users/user';
import { createUserService, readRouterConfig } from './composition';
import { handlers } from './handlers';
import { authorizerClaims } from './request';
import { type HttpResponse, internalError, isAppError, problem } from './responses';

const config = readRouterConfig();
const routesByKey = new Map<string, Route>(routes.map((route) => [routeKey(route), route]));

// Started while the module loads, so the secret is fetched during the init phase. A failed
// start is forgotten, so the next request tries again instead of failing forever.
const userService = memoizeUntilFailure(() => createUserService(config));
userService().catch(() => undefined);

const identify = async (
  route: Route,
  event: APIGatewayProxyEventV2,
  users: UserService,
): Promise<StoredUser | undefined> => {
  if (route.access === 'bearer') return users.authenticate(authorizerClaims(event));
  // Public route: no authorizer ran. A token sent anyway is checked, never silently ignored.
  const authorization = event.headers?.authorization;
  if (authorization === undefined) return undefined;
  const token = bearerToken(authorization);
  if (!token) throw new UnauthenticatedError('The Authorization header must be "Bearer <token>".');
  return users.authenticateToken(token);
};

export const handler = async (
  event: APIGatewayProxyEventV2,
  context?: Context,
): Promise<APIGatewayProxyStructuredResultV2> => {
  const started = performance.now();
  const requestId = event.requestContext?.requestId ?? context?.awsRequestId ?? 'unknown';
  let response: HttpResponse;
  let callerId: string | undefined;
  try {
    const route = routesByKey.get(event.routeKey);
    if (!route) throw new NotFoundError(`No route ${event.routeKey}.`);
    const users = await userService();
    const caller = await identify(route, event, users);
    callerId = caller?.id;
    response = await handlers[route.handler]({ event, service: users, caller });
  } catch (error) {
    if (isAppError(error)) {
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
