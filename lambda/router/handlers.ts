// One thin handler per route: read the request, call the service, shape the response.
// `satisfies Record<HandlerKey, …>` makes a route without a handler a compile error.
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
// The committed document (`npm run openapi`), inlined by esbuild: the generator stays out of the bundle.
import openApi from '../../docs/openapi.json';
import type { HandlerKey } from '../routes';
import { ForbiddenError, UnauthenticatedError, ValidationError } from '../shared/errors';
import { JWKS_MAX_AGE_SECONDS } from '../shared/jwks';
import type { TokenService } from '../shared/token-issuer';
import {
  createUserSchema,
  listUsersQuerySchema,
  loginSchema,
  parseStrict,
  replaceUserSchema,
  updateUserSchema,
} from '../users/schemas';
import type { UserService } from '../users/service';
import type { StoredUser } from '../users/user';
import { expectedVersions, notModified, readBody, readQuery } from './request';
import { etagOf, type HttpResponse, json, noContent, presentUser, userResponse } from './responses';

export interface RouteRequest {
  readonly event: APIGatewayProxyEventV2;
  readonly service: UserService;
  /** The caller as stored now; undefined on a public route called without a token. */
  readonly caller: StoredUser | undefined;
  readonly tokens: TokenService;
}

type RouteHandler = (request: RouteRequest) => Promise<HttpResponse>;

const signedIn = (caller: StoredUser | undefined): StoredUser => {
  if (!caller) throw new UnauthenticatedError('A bearer token is required.');
  return caller;
};

/** The `{id}` path parameter, after the cheap ownership check that needs no look-up. */
const targetId = ({ event, caller }: RouteRequest): string => {
  const id = event.pathParameters?.id ?? '';
  const user = signedIn(caller);
  if (user.role !== 'admin' && user.id !== id) throw new ForbiddenError('You may only act on your own user.');
  return id;
};

/** PUT and PATCH: they differ only in which fields their schema requires. */
const changeUser = async (
  request: RouteRequest,
  schema: typeof replaceUserSchema | typeof updateUserSchema,
): Promise<HttpResponse> => {
  const id = targetId(request);
  const { current_password, ...fields } = readBody(request.event, schema);
  if (Object.values(fields).every((value) => value === undefined)) {
    throw new ValidationError('Send at least one of email, name, password, role.', [
      { path: '', message: 'must contain at least one of email, name, password, role' },
    ]);
  }
  const user = await request.service.update(
    signedIn(request.caller),
    id,
    { ...fields, currentPassword: current_password },
    expectedVersions(request.event),
  );
  return userResponse(200, user);
};

export const handlers = {
  async createUser({ event, service, caller }) {
    const input = readBody(event, createUserSchema);
    const user = await service.signUp(caller, input);
    return userResponse(201, user, { Location: `/users/${user.id}` });
  },

  async login({ event, service }) {
    const { email, password } = readBody(event, loginSchema);
    const result = await service.login(email, password);
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

  async listUsers({ event, service, caller }) {
    const user = signedIn(caller);
    // Refused before the query is even read: a non-admin learns nothing from its errors.
    if (user.role !== 'admin') throw new ForbiddenError('Only an admin may list users.');
    const query = parseStrict(listUsersQuerySchema, readQuery(event), 'query');
    const page = await service.list(user, query.limit, query.cursor);
    return json(200, { items: page.users.map(presentUser), next_cursor: page.nextCursor });
  },

  async getUser(request) {
    const id = targetId(request);
    const user = await request.service.get(signedIn(request.caller), id);
    if (notModified(request.event, etagOf(user))) {
      return { statusCode: 304, headers: { ETag: etagOf(user), 'Cache-Control': 'no-store' }, body: '' };
    }
    return userResponse(200, user);
  },

  replaceUser: (request) => changeUser(request, replaceUserSchema),

  updateUser: (request) => changeUser(request, updateUserSchema),

  async deleteUser(request) {
    const id = targetId(request);
    await request.service.remove(signedIn(request.caller), id, expectedVersions(request.event));
    return noContent();
  },

  async openApiDocument() {
    return json(200, openApi);
  },

  async jwks({ tokens }) {
    // Public keys only (jwks.ts picks their members); caches may keep them, for a bounded time.
    const keys = await tokens.publishedKeys();
    return json(200, keys, { 'Cache-Control': `public, max-age=${JWKS_MAX_AGE_SECONDS}` });
  },
} satisfies Record<HandlerKey, RouteHandler>;
