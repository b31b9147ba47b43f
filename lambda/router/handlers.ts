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
import { ForbiddenError, UnauthenticatedError, ValidationError } from '../shared/errors';
import { deleteUser } from '../users/delete-user';
import type { UsersDependencies } from '../users/dependencies';
import { getUser } from '../users/get-user';
import { listUsers } from '../users/list-users';
import { login } from '../users/login';
import { parseStrict } from '../users/schemas';
import { signUp } from '../users/sign-up';
import { updateUser } from '../users/update-user';
import type { StoredUser } from '../users/user';
import { expectedVersions, notModified, readBody, readQuery } from './request';
import { accepted, etagOf, type HttpResponse, json, noContent, presentUser, userResponse } from './responses';

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
  readonly deps: UsersDependencies;
  /** The caller as stored now; undefined on a public route called without a token. */
  readonly caller: StoredUser | undefined;
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
  deps: UsersDependencies,
  caller: StoredUser | undefined,
): RouteRequest =>
  ({
    event,
    deps,
    caller,
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
    { ...fields, currentPassword: current_password },
    expectedVersions(request.event),
  );
  return userResponse(200, user);
};

export const handlers: { [K in HandlerKey]: RouteHandler<K> } = {
  async createUser({ body, deps, caller }) {
    const user = await signUp(deps, caller, body());
    return userResponse(201, user, { Location: `/users/${user.id}` });
  },

  async login({ body, deps }) {
    const { email, password } = body();
    const result = await login(deps, email, password);
    return json(
      200,
      {
        token: result.token,
        token_type: 'Bearer',
        expires_in: result.expiresIn,
        user: presentUser(result.user),
      },
      { Pragma: 'no-cache' },
    );
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
