// One thin handler per route: read the request, call the use case, shape the response.
// `satisfies { [K in HandlerKey]: … }` makes a route without a handler a compile error, and
// gives each handler the parsed body and query types of its own route row.
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type * as v from 'valibot';
// The committed document (`npm run openapi`), inlined by esbuild: the generator stays out of the bundle.
import openApi from '../../docs/openapi.json';
import { confirmPasswordReset, confirmVerification } from '../mail/confirm';
import { requestPasswordReset, requestVerification } from '../mail/request-mail';
import type { HandlerKey, Route } from '../routes';
import type { SessionsDependencies } from '../sessions/dependencies';
import { listSessions } from '../sessions/list-sessions';
import { logout } from '../sessions/logout';
import { refreshSession } from '../sessions/refresh-session';
import { revokeAllSessions, revokeSession } from '../sessions/revoke-session';
import type { SessionTokens } from '../sessions/session-tokens';
import { ForbiddenError, UnauthenticatedError, ValidationError } from '../shared/errors';
import { deleteUser } from '../users/delete-user';
import type { UsersDependencies } from '../users/dependencies';
import { getUser } from '../users/get-user';
import { listUsers } from '../users/list-users';
import { login } from '../users/login';
import { parseStrict } from '../users/schemas';
import { signUp } from '../users/sign-up';
import { updateUser } from '../users/update-user';
import type { User } from '../users/user';
import { profileOf, type StoredUser } from '../users/user';
import { expectedVersions, notModified, readBody, readQuery, sourceIp, userAgentOf } from './request';
import {
  accepted,
  etagOf,
  type HttpResponse,
  json,
  noContent,
  presentSession,
  presentUser,
  userResponse,
} from './responses';

type RouteOf<K extends HandlerKey> = Extract<Route, { handler: K }>;
type BodyOf<K extends HandlerKey> =
  RouteOf<K> extends { body: { schema: infer S } }
    ? S extends v.GenericSchema
      ? v.InferOutput<S>
      : never
    : never;
type QueryOf<K extends HandlerKey> =
  RouteOf<K> extends { query: infer S } ? (S extends v.GenericSchema ? v.InferOutput<S> : never) : never;

export interface RouteRequest<K extends HandlerKey = HandlerKey> {
  readonly event: APIGatewayProxyEventV2;
  readonly deps: UsersDependencies & SessionsDependencies;
  /** The caller as stored now; undefined on a public route called without a token. */
  readonly caller: StoredUser | undefined;
  /** The session of the caller's token; undefined when `caller` is. */
  readonly sessionId: string | undefined;
  /**
   * The body, validated against the route's schema. A function, so each handler decides when:
   * the cheap authorization checks come first, and a refused caller learns nothing from a 400.
   */
  readonly body: () => BodyOf<K>;
  readonly query: () => QueryOf<K>;
}

type RouteHandler<K extends HandlerKey> = (request: RouteRequest<K>) => Promise<HttpResponse>;

/** Builds the request a handler receives, with the route row's own schemas. */
export const routeRequest = (
  route: Route,
  event: APIGatewayProxyEventV2,
  deps: UsersDependencies & SessionsDependencies,
  caller: { readonly user: StoredUser; readonly sessionId: string } | undefined,
): RouteRequest =>
  ({
    event,
    deps,
    caller: caller?.user,
    sessionId: caller?.sessionId,
    body: () => ('body' in route ? readBody(event, route.body.schema) : undefined),
    query: () => ('query' in route ? parseStrict(route.query, readQuery(event), 'query') : undefined),
  }) as RouteRequest;

const signedIn = (caller: StoredUser | undefined): StoredUser => {
  if (!caller) throw new UnauthenticatedError('A bearer token is required.');
  return caller;
};

/** The `{id}` path parameter, after the cheap ownership check that needs no look-up. */
const targetId = ({ event, caller }: RouteRequest<HandlerKey>): string => {
  const id = event.pathParameters?.id ?? '';
  const user = signedIn(caller);
  if (user.role !== 'admin' && user.id !== id) throw new ForbiddenError('You may only act on your own user.');
  return id;
};

/** Login and refresh answer alike: the tokens of the session, and the user. */
const sessionResponse = (tokens: SessionTokens, user: User): HttpResponse =>
  json(
    200,
    {
      token: tokens.token,
      token_type: 'Bearer',
      expires_in: tokens.expiresIn,
      refresh_token: tokens.refreshToken,
      refresh_expires_in: tokens.refreshExpiresIn,
      user: presentUser(user),
    },
    { Pragma: 'no-cache' },
  );

/** PUT and PATCH: they differ only in which fields their schema requires. */
const changeUser = async (request: RouteRequest<'replaceUser' | 'updateUser'>): Promise<HttpResponse> => {
  const id = targetId(request);
  const { current_password, ...fields } = request.body();
  if (Object.values(fields).every((value) => value === undefined)) {
    throw new ValidationError('Send at least one of email, name, password, role.', [
      { path: '', message: 'must contain at least one of email, name, password, role' },
    ]);
  }
  const user = await updateUser(
    request.deps,
    signedIn(request.caller),
    id,
    { ...fields, currentPassword: current_password, client: sourceIp(request.event) },
    expectedVersions(request.event),
  );
  return userResponse(200, user);
};

export const handlers: { [K in HandlerKey]: RouteHandler<K> } = {
  async createUser({ body, deps, caller }) {
    const user = await signUp(deps, caller, body());
    return userResponse(201, user, { Location: `/users/${user.id}` });
  },

  async login({ body, deps, event }) {
    const { email, password } = body();
    const result = await login(deps, email, password, sourceIp(event), userAgentOf(event));
    return sessionResponse(result, result.user);
  },

  async refresh({ body, deps }) {
    const result = await refreshSession(deps, body().refresh_token);
    return sessionResponse(result, profileOf(result.user));
  },

  async logout({ deps, caller, sessionId }) {
    signedIn(caller);
    if (sessionId) await logout(deps, sessionId);
    return noContent();
  },

  async listSessions(request) {
    const id = targetId(request);
    const sessions = await listSessions(request.deps, signedIn(request.caller), request.sessionId, id);
    return json(200, { items: sessions.map(presentSession) });
  },

  async revokeSession(request) {
    const id = targetId(request);
    const sessionId = request.event.pathParameters?.session_id ?? '';
    await revokeSession(request.deps, signedIn(request.caller), id, sessionId);
    return noContent();
  },

  async revokeAllSessions(request) {
    const id = targetId(request);
    await revokeAllSessions(request.deps, signedIn(request.caller), id);
    return noContent();
  },

  async listUsers({ query, deps, caller }) {
    const user = signedIn(caller);
    // Refused before the query is even read: a non-admin learns nothing from its errors.
    if (user.role !== 'admin') throw new ForbiddenError('Only an admin may list users.');
    const { limit, cursor } = query();
    const page = await listUsers(deps, user, limit, cursor);
    return json(200, { items: page.users.map(presentUser), next_cursor: page.nextCursor });
  },

  async getUser(request) {
    const id = targetId(request);
    const user = await getUser(request.deps, signedIn(request.caller), id);
    if (notModified(request.event, etagOf(user))) {
      return { statusCode: 304, headers: { ETag: etagOf(user), 'Cache-Control': 'no-store' }, body: '' };
    }
    return userResponse(200, user);
  },

  replaceUser: changeUser,

  updateUser: changeUser,

  async deleteUser(request) {
    const id = targetId(request);
    await deleteUser(request.deps, signedIn(request.caller), id, expectedVersions(request.event));
    return noContent();
  },

  async requestVerification({ body, deps }) {
    await requestVerification(deps, body().email);
    return accepted();
  },

  async confirmVerification({ body, deps }) {
    return userResponse(200, await confirmVerification(deps, body().token));
  },

  async requestPasswordReset({ body, deps }) {
    await requestPasswordReset(deps, body().email);
    return accepted();
  },

  async confirmPasswordReset({ body, deps }) {
    const { token, password } = body();
    await confirmPasswordReset(deps, token, password);
    return noContent();
  },

  async openApiDocument() {
    return json(200, openApi);
  },
};
