// One thin handler per route: read the request, call the use case, shape the response.
// `satisfies { [K in HandlerKey]: … }` makes a route without a handler a compile error, and
// gives each handler the parsed body and query types of its own route row.
// Code that only some routes need (enrolling and managing a second factor, the sessions listing,
// the audit queries, the mail requests and confirmations, the OpenAPI document) is imported on
// first use: in the one-file bundle esbuild wraps each such module so that it is evaluated when
// first imported, not at every cold start. The second step of a login is not among them: login
// itself imports it (a password login may have to start the second factor).
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type * as v from 'valibot';
import type { Caller } from '../account/authenticate';
import { createUser } from '../account/create-user';
import { deleteUser } from '../account/delete-user';
import type { AccountDependencies } from '../account/dependencies';
import { login } from '../account/login';
import { loginMfa } from '../account/login-mfa';
import { confirmRecentAuthentication, type StepUpProof } from '../account/step-up';
import { updateUser } from '../account/update-user';
import type { RequestMeta } from '../audit/event';
import type { ConfirmRecent } from '../mfa/enrol-totp';
import type { HandlerKey, Route } from '../routes';
import { logout } from '../sessions/logout';
import { refreshSession } from '../sessions/refresh-session';
import { revokeAllSessions } from '../sessions/revoke-all-sessions';
import { revokeSession } from '../sessions/revoke-session';
import type { SessionTokens } from '../sessions/session-tokens';
import { UnauthenticatedError, ValidationError } from '../shared/errors';
import { parseStrict } from '../shared/parse-strict';
import { JWKS_MAX_AGE_SECONDS } from '../tokens/jwks';
import { getUser } from '../users/get-user';
import { listUsers } from '../users/list-users';
import { profileOf, type StoredUser, type User } from '../users/user';
import { expectedVersions, notModified, readBody, readQuery, sourceIp } from './request';
import type { ResponseBody } from './response-schemas';
import {
  accepted,
  etagOf,
  type HttpResponse,
  json,
  noContent,
  presentEventPage,
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
  readonly deps: AccountDependencies;
  /** Where the request came from, for the audit events its use case writes (and a new session's User-Agent). */
  readonly meta: RequestMeta;
  /** The caller as stored now; undefined on a public route called without a token. */
  readonly caller: StoredUser | undefined;
  /** The session of the caller's token; undefined when `caller` is. */
  readonly sessionId: string | undefined;
  /**
   * How the caller's session was authenticated (`amr`), as stored with the session:
   * `["pwd"]`, or `["pwd","otp"]` after a second factor; empty without a caller.
   */
  readonly amr: readonly string[];
  /** When the caller's session signed in (ISO 8601); undefined without a caller. */
  readonly signedInAt: string | undefined;
  /**
   * The body, validated against the route's schema. A function, so each handler decides when:
   * the cheap authorization checks come first, and a refused caller learns nothing from a 400.
   */
  readonly body: () => BodyOf<K>;
  readonly query: () => QueryOf<K>;
}

/** The statuses a route's row lists: a handler answering another one does not compile. */
export type SuccessStatus<K extends HandlerKey> = RouteOf<K>['success'][number]['status'];

type RouteHandler<K extends HandlerKey> = (
  request: RouteRequest<K>,
) => Promise<HttpResponse<SuccessStatus<K>>>;

/** Builds the request a handler receives, with the route row's own schemas. */
/** The route's request body, read and checked against its schema (400 naming each bad field). */
export const readRouteBody = (route: Route, event: APIGatewayProxyEventV2): unknown => {
  if (!('body' in route)) return undefined;
  const optional = 'optional' in route.body && route.body.optional === true;
  return optional && (event.body ?? '') === ''
    ? parseStrict(route.body.schema, {})
    : readBody(event, route.body.schema);
};

export const routeRequest = (
  route: Route,
  event: APIGatewayProxyEventV2,
  deps: AccountDependencies,
  caller: Caller | undefined,
  meta: RequestMeta,
): RouteRequest =>
  ({
    event,
    deps,
    meta,
    caller: caller?.user,
    sessionId: caller?.sessionId,
    amr: caller?.amr ?? [],
    signedInAt: caller?.signedInAt,
    body: () => readRouteBody(route, event),
    query: () => ('query' in route ? parseStrict(route.query, readQuery(event), 'query') : undefined),
  }) as RouteRequest;

const signedIn = (caller: StoredUser | undefined): StoredUser => {
  if (!caller) throw new UnauthenticatedError('A bearer token is required.');
  return caller;
};

/** The `{id}` path parameter: the use case decides whether the caller may act on it. */
const pathId = (event: APIGatewayProxyEventV2): string => event.pathParameters?.id ?? '';

/** The step-up fields of a body (SPEC "Recent authentication"). */
const stepUpProof = (body: {
  readonly current_password?: string | undefined;
  readonly code?: string | undefined;
  readonly recovery_code?: string | undefined;
}): StepUpProof => ({
  currentPassword: body.current_password,
  code: body.code,
  recoveryCode: body.recovery_code,
});

/**
 * The step-up a use case asks for when the caller acts on themselves; the body is read only then,
 * after the use case's own access rule.
 */
const stepUp =
  (request: RouteRequest, proof: () => StepUpProof): ConfirmRecent =>
  () =>
    confirmRecentAuthentication(
      request.deps,
      {
        user: signedIn(request.caller),
        amr: request.amr,
        signedInAt: request.signedInAt ?? new Date(0).toISOString(),
      },
      proof(),
      { client: sourceIp(request.event), meta: request.meta },
    );

/** Login, its second step and refresh answer alike: the tokens of the session, and the user. */
const sessionResponse = (
  tokens: SessionTokens & { readonly deviceToken?: string },
  user: User,
): HttpResponse<200> =>
  json(
    200,
    {
      token: tokens.token,
      token_type: 'Bearer',
      expires_in: tokens.expiresIn,
      refresh_token: tokens.refreshToken,
      refresh_expires_in: tokens.refreshExpiresIn,
      user: presentUser(user),
      ...(tokens.deviceToken !== undefined && { device_token: tokens.deviceToken }),
    } satisfies ResponseBody<'LoginResponse'>,
    { Pragma: 'no-cache' },
  );

/** PUT and PATCH: they differ only in which fields their schema requires. */
const changeUser = async (
  request: RouteRequest<'replaceUser' | 'updateUser'>,
): Promise<HttpResponse<200>> => {
  const changes = () => {
    const { current_password, ...fields } = request.body();
    if (Object.values(fields).every((value) => value === undefined)) {
      throw new ValidationError('Send at least one of email, name, password, role, status.', [
        { path: '', message: 'must contain at least one of email, name, password, role, status' },
      ]);
    }
    return { ...fields, currentPassword: current_password, client: sourceIp(request.event) };
  };
  const user = await updateUser(
    request.deps,
    signedIn(request.caller),
    pathId(request.event),
    changes,
    expectedVersions(request.event),
    request.meta,
  );
  return userResponse(200, user);
};

export const handlers: { [K in HandlerKey]: RouteHandler<K> } = {
  async createUser({ body, deps, caller, meta }) {
    const user = await createUser(deps, caller, body(), meta);
    return userResponse(201, user, { Location: `/users/${user.id}` });
  },

  async login({ body, deps, event, meta }) {
    const { email, password, device_token } = body();
    const result = await login(deps, email, password, sourceIp(event), meta, device_token);
    if ('mfaToken' in result) {
      return json(
        200,
        {
          mfa_required: true,
          mfa_token: result.mfaToken,
          expires_in: result.expiresIn,
        } satisfies ResponseBody<'MfaRequired'>,
        { Pragma: 'no-cache' },
      );
    }
    return sessionResponse(result, result.user);
  },

  async loginMfa({ body, deps, event, meta }) {
    const { mfa_token, code, recovery_code } = body();
    if ((code === undefined) === (recovery_code === undefined)) {
      throw new ValidationError('Send either code or recovery_code.', [
        { path: 'code', message: 'send either code or recovery_code' },
        { path: 'recovery_code', message: 'send either code or recovery_code' },
      ]);
    }
    const proof = code === undefined ? { recoveryCode: recovery_code ?? '' } : { code };
    const result = await loginMfa(deps, mfa_token, proof, { client: sourceIp(event), meta });
    return sessionResponse(result, result.user);
  },

  async enrolTotp(request) {
    const { enrolTotp } = await import('../mfa/enrol-totp');
    const enrolment = await enrolTotp(
      request.deps,
      signedIn(request.caller),
      pathId(request.event),
      stepUp(request, () => stepUpProof(request.body())),
    );
    return json(201, {
      secret: enrolment.secret,
      otpauth_uri: enrolment.otpauthUri,
    } satisfies ResponseBody<'TotpEnrolment'>);
  },

  async verifyTotp(request) {
    const { confirmEnrolment } = await import('../account/confirm-enrolment');
    const codes = await confirmEnrolment(
      request.deps,
      { user: signedIn(request.caller), sessionId: request.sessionId ?? '' },
      pathId(request.event),
      () => request.body().code,
      // The body's `code` is the new factor's: only the password proves the caller again.
      stepUp(request, () => ({ currentPassword: request.body().current_password })),
      request.meta,
    );
    return json(200, { recovery_codes: codes } satisfies ResponseBody<'RecoveryCodes'>);
  },

  async removeTotp(request) {
    const { removeTotp } = await import('../mfa/remove-totp');
    await removeTotp(
      request.deps,
      signedIn(request.caller),
      pathId(request.event),
      stepUp(request, () => stepUpProof(request.body())),
      request.meta,
    );
    return noContent();
  },

  async regenerateRecoveryCodes(request) {
    const { regenerateRecoveryCodes } = await import('../mfa/regenerate-recovery-codes');
    const codes = await regenerateRecoveryCodes(
      request.deps,
      signedIn(request.caller),
      pathId(request.event),
      stepUp(request, () => stepUpProof(request.body())),
      request.meta,
    );
    return json(200, { recovery_codes: codes } satisfies ResponseBody<'RecoveryCodes'>);
  },

  async refresh({ body, deps, meta }) {
    const result = await refreshSession(deps, body().refresh_token, meta);
    return sessionResponse(result, profileOf(result.user));
  },

  async logout({ deps, caller, sessionId, meta }) {
    const user = signedIn(caller);
    if (sessionId) await logout(deps, user, sessionId, meta);
    return noContent();
  },

  async listSessions(request) {
    const { listSessions } = await import('../sessions/list-sessions');
    const sessions = await listSessions(
      request.deps,
      signedIn(request.caller),
      request.sessionId,
      pathId(request.event),
    );
    return json(200, { items: sessions.map(presentSession) } satisfies ResponseBody<'SessionList'>);
  },

  async revokeSession(request) {
    const sessionId = request.event.pathParameters?.session_id ?? '';
    await revokeSession(
      request.deps,
      signedIn(request.caller),
      pathId(request.event),
      sessionId,
      request.meta,
    );
    return noContent();
  },

  async revokeAllSessions(request) {
    await revokeAllSessions(request.deps, signedIn(request.caller), pathId(request.event), request.meta);
    return noContent();
  },

  async listUsers({ query, deps, caller }) {
    const page = await listUsers(deps, signedIn(caller), () => {
      const { limit, cursor, email_prefix, status } = query();
      return { limit, cursor, emailPrefix: email_prefix, status };
    });
    return json(200, {
      items: page.users.map(presentUser),
      next_cursor: page.nextCursor,
    } satisfies ResponseBody<'UserList'>);
  },

  async listUserEvents(request) {
    const { listUserEvents } = await import('../audit/list-events');
    const page = await listUserEvents(
      request.deps,
      signedIn(request.caller),
      pathId(request.event),
      request.query,
    );
    return json(200, presentEventPage(page));
  },

  async listEvents({ query, deps, caller }) {
    const { listEvents } = await import('../audit/list-events');
    const page = await listEvents(deps, signedIn(caller), () => {
      const { user_id, actor_id, ...rest } = query();
      return { ...rest, userId: user_id, actorId: actor_id };
    });
    return json(200, presentEventPage(page));
  },

  async getUser(request) {
    const user = await getUser(request.deps, signedIn(request.caller), pathId(request.event));
    if (notModified(request.event, etagOf(user))) {
      return {
        statusCode: 304,
        headers: { ETag: etagOf(user), 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' },
        body: '',
      };
    }
    return userResponse(200, user);
  },

  replaceUser: changeUser,

  updateUser: changeUser,

  async deleteUser(request) {
    await deleteUser(
      request.deps,
      signedIn(request.caller),
      pathId(request.event),
      expectedVersions(request.event),
      stepUp(request, () => stepUpProof(request.body())),
      request.meta,
    );
    return noContent();
  },

  async requestVerification({ body, deps, meta }) {
    const { requestVerification } = await import('../mail/request-mail');
    await requestVerification(deps, body().email, meta);
    return accepted();
  },

  async confirmVerification({ body, deps, meta }) {
    const { confirmVerification } = await import('../mail/confirm');
    return userResponse(200, await confirmVerification(deps, body().token, meta));
  },

  async requestPasswordReset({ body, deps, meta }) {
    const { requestPasswordReset } = await import('../mail/request-mail');
    await requestPasswordReset(deps, body().email, meta);
    return accepted();
  },

  async confirmPasswordReset({ body, deps, meta }) {
    const { token, password } = body();
    const { confirmPasswordReset } = await import('../mail/confirm');
    await confirmPasswordReset(deps, token, password, meta);
    return noContent();
  },

  async openApiDocument() {
    const { openApiDocument } = await import('./openapi-document');
    return json(200, openApiDocument());
  },

  async jwks({ deps }) {
    // Public keys only (jwks.ts picks their members); caches may keep them, for a bounded time.
    const keys = await deps.tokens.publishedKeys();
    return json(200, keys, { 'Cache-Control': `public, max-age=${JWKS_MAX_AGE_SECONDS}` });
  },
};
