// THE route table. Pure data: the CDK stack, the router and the local gateway all read it,
// so a route exists everywhere or nowhere. An infra test holds the stack to it.

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * Who may call a route, as the gateway sees it:
 * - `public`: no authorizer. A bearer token, if sent, is still verified by the router
 *   (a bad one is a 401, never silently anonymous) — used for admin-made sign-ups.
 * - `bearer`: the Lambda authorizer runs first; API Gateway answers 401 when the
 *   Authorization header is missing and 403 when the authorizer denies.
 * Finer rules (own id or admin, admin only) live in the domain, against the stored user.
 */
export type RouteAccess = 'public' | 'bearer';

export interface RouteDefinition {
  readonly method: HttpMethod;
  /** API Gateway route path, with `{param}` placeholders. */
  readonly path: string;
  readonly access: RouteAccess;
  /** Key of the router handler that serves the route. */
  readonly handler: string;
  readonly summary: string;
}

export const routes = [
  {
    method: 'POST',
    path: '/users',
    access: 'public',
    handler: 'createUser',
    summary: 'Sign up, or create a user as an admin',
  },
  {
    method: 'POST',
    path: '/login',
    access: 'public',
    handler: 'login',
    summary: 'Log in and receive a bearer token',
  },
  {
    method: 'GET',
    path: '/users',
    access: 'bearer',
    handler: 'listUsers',
    summary: 'List users, a page at a time (admin)',
  },
  { method: 'GET', path: '/users/{id}', access: 'bearer', handler: 'getUser', summary: 'Read a user' },
  {
    method: 'PUT',
    path: '/users/{id}',
    access: 'bearer',
    handler: 'replaceUser',
    summary: 'Replace the writable fields of a user',
  },
  {
    method: 'PATCH',
    path: '/users/{id}',
    access: 'bearer',
    handler: 'updateUser',
    summary: 'Change some fields of a user',
  },
  {
    method: 'DELETE',
    path: '/users/{id}',
    access: 'bearer',
    handler: 'deleteUser',
    summary: 'Delete a user',
  },
  {
    method: 'GET',
    path: '/openapi.json',
    access: 'public',
    handler: 'openApiDocument',
    summary: 'The OpenAPI 3.1 document of this API',
  },
  {
    method: 'GET',
    path: '/.well-known/jwks.json',
    access: 'public',
    handler: 'jwks',
    summary: 'The public keys that verify access tokens (JWKS)',
  },
] as const satisfies readonly RouteDefinition[];

export type Route = (typeof routes)[number];
export type HandlerKey = Route['handler'];
/** `METHOD /path`, exactly as API Gateway puts it in `event.routeKey`. */
export type RouteKey = `${Route['method']} ${Route['path']}`;

export const routeKey = (route: Pick<RouteDefinition, 'method' | 'path'>): string =>
  `${route.method} ${route.path}`;

/**
 * How long API Gateway may reuse an authorizer verdict for the same Authorization header.
 * Safe to cache: the router re-checks expiry and revocation (deleted user, password change,
 * role change) against the stored user on every call, so a cached "allow" never grants more
 * than that user has now. The local gateway honours the same TTL.
 */
export const AUTHORIZER_CACHE_TTL_SECONDS = 300;
