// THE route table. One row per route carries everything about it: method, path, access, the
// handler key, the schemas its request is validated with, and the responses it documents. The
// CDK stack, the router, the gateway core and the OpenAPI generator all read these rows, so a
// route exists everywhere or nowhere. An infra test holds the stack to it.
import type * as v from 'valibot';
import { eventsQuerySchema, userEventsQuerySchema } from './audit/schemas';
import type { RateLimitBucket } from './limits/rate-limits';
import { confirmPasswordResetSchema, confirmVerificationSchema, mailRequestSchema } from './mail/schemas';
import { loginMfaSchema, stepUpSchema, verifyTotpSchema } from './mfa/schemas';
import { refreshSchema } from './sessions/schemas';
import {
  createUserSchema,
  listUsersQuerySchema,
  loginSchema,
  replaceUserSchema,
  updateUserSchema,
} from './users/schemas';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/**
 * Who may call a route, as the gateway sees it:
 * - `public`: no authorizer. A bearer token, if sent, is still verified by the router
 *   (a bad one is a 401, never silently anonymous) — used for admin-made sign-ups.
 * - `bearer`: the Lambda authorizer runs first; API Gateway answers 401 when the
 *   Authorization header is missing and 403 when the authorizer denies.
 * Finer rules (own id or admin, admin only) live in each use case, against the stored user.
 */
export type RouteAccess = 'public' | 'bearer';

type ObjectSchema = v.ObjectSchema<v.ObjectEntries, undefined>;

/** A request body: its schema, and its name in the OpenAPI document's components. */
export interface BodyDefinition {
  readonly name: string;
  readonly schema: ObjectSchema;
  /** The body may be left out (read as `{}`): every field of its schema is optional. */
  readonly optional?: true;
}

/**
 * The response bodies a success may name: the response schemas the handlers are typed by
 * (router/response-schemas.ts) and the two documents the router serves as they are
 * (scripts/openapi/references.ts, INLINE_SCHEMAS). Both sides are checked against this list.
 */
export type ResponseBodyName =
  | 'User'
  | 'LoginOutcome'
  | 'LoginResponse'
  | 'TotpEnrolment'
  | 'RecoveryCodes'
  | 'UserList'
  | 'SessionList'
  | 'EventList'
  | 'OpenApiDocument'
  | 'Jwks';

/**
 * A documented success response. `schema` names a response schema of the OpenAPI document.
 * Its status is a literal type, so that a handler answering a status its row does not list
 * fails to compile (lambda/router/handlers.ts).
 */
export interface SuccessDefinition<S extends number = number> {
  readonly status: S;
  readonly description: string;
  readonly schema?: ResponseBodyName;
  /** A key of the OpenAPI generator's examples. */
  readonly example?: string;
  /** Response headers (components.headers), all of them always sent: a name, or [name, component]. */
  readonly headers?: readonly (string | readonly [name: string, component: string])[];
}

export interface RouteDefinition {
  readonly method: HttpMethod;
  /** API Gateway route path, with `{param}` placeholders. */
  readonly path: string;
  readonly access: RouteAccess;
  /** Key of the router handler that serves the route. */
  readonly handler: string;
  readonly summary: string;
  readonly tag: 'Users' | 'Authentication' | 'Second factor' | 'Sessions' | 'Email' | 'Audit' | 'Reference';
  readonly description: string;
  readonly body?: BodyDefinition;
  readonly query?: ObjectSchema;
  /** A public route that also takes a token (an admin's, to set `role`). */
  readonly optionalBearer?: boolean;
  /** Request headers it honours (components.parameters). */
  readonly requestHeaders?: readonly ('IfMatch' | 'IfNoneMatch')[];
  readonly success: readonly SuccessDefinition[];
  /** A per-client rate limit (public routes that cost bcrypt, send mail or mint tokens): 429 past it. */
  readonly rateLimit?: { readonly bucket: RateLimitBucket };
  /** Error statuses beyond those every route of its kind has (body → 400/413/415, bearer → 401/403). */
  readonly errors: readonly number[];
}

const USER_HEADERS = ['ETag', 'Cache-Control'] as const;

/** A 200 with the user, its ETag, and no cache that may keep it. */
const userAnswer = (description: string): SuccessDefinition<200> => ({
  status: 200,
  description,
  schema: 'User',
  example: 'user',
  headers: USER_HEADERS,
});

/** A JSON answer that no cache may keep: the shape of most successes. */
const withCacheControl = <S extends number>(
  status: S,
  description: string,
  schema: ResponseBodyName,
  example: string,
): SuccessDefinition<S> => ({ status, description, schema, example, headers: ['Cache-Control'] });

/** A 204: no body, and no cache may keep the answer. */
const noContent = (description: string): SuccessDefinition<204> => ({
  status: 204,
  description,
  headers: ['Cache-Control'],
});

export const routes = [
  {
    method: 'POST',
    path: '/users',
    access: 'public',
    handler: 'createUser',
    summary: 'Sign up, or create a user as an admin',
    tag: 'Users',
    description:
      "Anyone may sign up: the new user has the role `user`. With an admin's bearer token, `role` may be set too; anyone else who sends `role` gets 403. The email is trimmed and lower-cased, and must not be in use (409). Each address may sign up at most 10 times an hour (429 past that).",
    body: { name: 'CreateUserRequest', schema: createUserSchema },
    optionalBearer: true,
    rateLimit: { bucket: 'sign-up' },
    success: [
      {
        status: 201,
        description: 'The user, created.',
        schema: 'User',
        example: 'user',
        headers: ['Location', ...USER_HEADERS],
      },
    ],
    errors: [401, 403, 409],
  },
  {
    method: 'POST',
    path: '/login',
    access: 'public',
    handler: 'login',
    summary: 'Log in and receive a bearer token',
    tag: 'Authentication',
    description:
      "Exchanges an email and password for a session: a bearer access token (15 minutes by default) and a refresh token (the session lives 30 days by default from this login). The right password of a disabled account gets 403 (`account-disabled`); a wrong one the usual 401. For a user with a second factor, the right password gets `{mfa_required: true, mfa_token, expires_in}` and no tokens: finish at `POST /login/mfa`. `last_login` is updated and the user in the answer shows it. A wrong password and an unknown email get the same 401. From the 6th consecutive failure for an account from one address (source IP), every attempt from that address (even with the right password) gets 429 with `Retry-After`, for a time that grows with each failure; other addresses are not affected, and a success resets the count of that address. 100 failures for an account in an hour, from all addresses, lock it for the rest of the hour. Every attempt is counted before the password is compared, so attempts sent at once are treated as the same attempts one after another. A successful login also answers a `device_token`: sent back as `device_token` in later logins for the account, it makes them count in that device's own back-off only, so the owner is not locked out of a device they signed in from before by strangers' failures (an unknown or void one is ignored). Each address may also make at most 20 login requests a minute (429 past that).",
    body: { name: 'LoginRequest', schema: loginSchema },
    rateLimit: { bucket: 'login' },
    success: [
      withCacheControl(
        200,
        'An access token, a refresh token and the user; or, for a user with a second factor, `mfa_required` and the `mfa_token` to send to `POST /login/mfa`.',
        'LoginOutcome',
        'login',
      ),
    ],
    errors: [401, 403],
  },
  {
    method: 'POST',
    path: '/login/mfa',
    access: 'public',
    handler: 'loginMfa',
    summary: 'Finish a login with the second factor',
    tag: 'Second factor',
    description:
      'Trades the `mfa_token` of `POST /login` and either the current 6-digit `code` of the authenticator app or an unused `recovery_code` for a session, as `POST /login` answers, whose `amr` is `["pwd","otp"]` (kept by its refreshes). The `mfa_token` is single use and lives 5 minutes; a code is accepted once, a recovery code works once. A wrong code is a 401 and counts, like a wrong password, as a failed login for the account from this address (from the 6th in a row: 429 with `Retry-After`); five codes void the `mfa_token` (each is counted before it is compared, so codes sent at once count as the same codes one after another), and so do a password change or reset, "log out everywhere" and a disable. An account disabled since the password step gets 403 (`account-disabled`). Passing the second factor clears the failed logins of the account and answers a `device_token` as `POST /login` does; a password step that came with a valid one counts its codes in that device\'s back-off. Requests share the `POST /login` limit of each address.',
    body: { name: 'LoginMfaRequest', schema: loginMfaSchema },
    rateLimit: { bucket: 'login' },
    success: [
      withCacheControl(
        200,
        'An access token, a refresh token, the user and a device token, as `POST /login` answers.',
        'LoginResponse',
        'login',
      ),
    ],
    errors: [401, 403],
  },
  {
    method: 'POST',
    path: '/refresh',
    access: 'public',
    handler: 'refresh',
    summary: 'Exchange a refresh token for a new access token and refresh token',
    tag: 'Sessions',
    description:
      'Rotates the refresh token: the answer carries a new access token and a new refresh token, and the one sent stops working. Retried within 30 seconds of its rotation (a client that lost the answer), an already rotated token gets a new access token and the same current refresh token. Presented later, it is taken as stolen: 401, and its whole session ends. An unknown, expired or ended refresh token is a 401. Each address may make at most 60 refresh requests a minute (429 past that).',
    body: { name: 'RefreshRequest', schema: refreshSchema },
    rateLimit: { bucket: 'refresh' },
    success: [
      withCacheControl(
        200,
        'A new access token, the current refresh token and the user.',
        'LoginResponse',
        'login',
      ),
    ],
    errors: [401],
  },
  {
    method: 'POST',
    path: '/logout',
    access: 'bearer',
    handler: 'logout',
    summary: 'End the session of this token',
    tag: 'Sessions',
    description:
      'Ends the session the bearer token belongs to: its refresh token and its access tokens are refused from the next call on. Other sessions of the user go on.',
    success: [noContent('Logged out: no body.')],
    errors: [],
  },
  {
    method: 'GET',
    path: '/users/{id}/sessions',
    access: 'bearer',
    handler: 'listSessions',
    summary: "List a user's live sessions",
    tag: 'Sessions',
    description:
      "Your own live sessions, or any user's for an admin, newest first. `current` marks the session of the token making the call. No token or hash is ever shown.",
    success: [withCacheControl(200, 'The live sessions, newest first.', 'SessionList', 'sessions')],
    errors: [404],
  },
  {
    method: 'DELETE',
    path: '/users/{id}/sessions/{session_id}',
    access: 'bearer',
    handler: 'revokeSession',
    summary: 'End one session of a user',
    tag: 'Sessions',
    description:
      "Ends one of your sessions, or any user's for an admin: its refresh token and access tokens are refused from the next call on. 404 when it is not a live session of that user.",
    success: [noContent('Ended: no body.')],
    errors: [404],
  },
  {
    method: 'DELETE',
    path: '/users/{id}/sessions',
    access: 'bearer',
    handler: 'revokeAllSessions',
    summary: 'End every session of a user ("log out everywhere")',
    tag: 'Sessions',
    description:
      "Ends every session of the user at once, the caller's own included when it is theirs: every refresh token and access token of the user is refused from the next call on.",
    success: [noContent('Every session ended: no body.')],
    errors: [404],
  },
  {
    method: 'GET',
    path: '/users',
    access: 'bearer',
    handler: 'listUsers',
    summary: 'List users, a page at a time (admin)',
    tag: 'Users',
    description:
      'Admins only. Users sorted by email, ascending, a page at a time; follow `next_cursor` until it is null. `email_prefix` (lower-cased) keeps the emails that start with it, `status` the users of that status. A page costs O(page), filtered or not.',
    query: listUsersQuerySchema,
    success: [withCacheControl(200, 'A page of users.', 'UserList', 'list')],
    errors: [400],
  },
  {
    method: 'GET',
    path: '/users/{id}',
    access: 'bearer',
    handler: 'getUser',
    summary: 'Read a user',
    tag: 'Users',
    description:
      "Your own user, or any user for an admin. Anyone else's id is a 403 without a look-up. The `ETag` is what `If-Match` on a later write is checked against.",
    requestHeaders: ['IfNoneMatch'],
    success: [
      userAnswer('The user.'),
      { status: 304, description: '`If-None-Match` names the current ETag: no body.', headers: USER_HEADERS },
    ],
    errors: [404],
  },
  {
    method: 'PUT',
    path: '/users/{id}',
    access: 'bearer',
    handler: 'replaceUser',
    summary: 'Replace the writable fields of a user',
    tag: 'Users',
    description:
      'Replaces every writable field. Without `role` or `status`, they stay as they are; only an admin may send them (`status: "disabled"` disables the user and ends their tokens at once; the last active admin cannot be demoted or disabled: 409). Changing your own user needs `current_password` (a PUT always sets the password). With `If-Match`, a stale ETag is a 412 and nothing is written.',
    body: { name: 'ReplaceUserRequest', schema: replaceUserSchema },
    requestHeaders: ['IfMatch'],
    success: [userAnswer('The user, replaced.')],
    errors: [404, 409, 412],
  },
  {
    method: 'PATCH',
    path: '/users/{id}',
    access: 'bearer',
    handler: 'updateUser',
    summary: 'Change some fields of a user',
    tag: 'Users',
    description:
      'Changes the fields sent (at least one of `email`, `name`, `password`, `role`, `status`). Only an admin may change `role` or `status` (`disabled` ends every session of the user at once; the last active admin cannot be demoted or disabled: 409). Changing your own email or password needs `current_password`; a password change ends every session of the user. With `If-Match`, a stale ETag is a 412.',
    body: { name: 'UpdateUserRequest', schema: updateUserSchema },
    requestHeaders: ['IfMatch'],
    success: [userAnswer('The user, changed.')],
    errors: [404, 409, 412],
  },
  {
    method: 'DELETE',
    path: '/users/{id}',
    access: 'bearer',
    handler: 'deleteUser',
    summary: 'Delete a user',
    tag: 'Users',
    description:
      'Deletes your own user, or any user for an admin. Its sessions end: its tokens stop working at once; its audit events stay. The last active admin cannot be deleted (409). With `If-Match`, a stale ETag is a 412 and the user stays. Deleting your own user needs recent authentication (step-up): a session that signed in within `REAUTH_MAX_AGE_SECONDS` (300 s by default; a refresh does not renew it) with every factor the account has, or `current_password` (and `code` or `recovery_code` when the account has a factor) in the body; a wrong one is a 400 naming it and counts as a failed login; otherwise 403 `reauthentication-required`. An admin deleting another user needs neither.',
    body: { name: 'StepUpRequest', schema: stepUpSchema, optional: true },
    requestHeaders: ['IfMatch'],
    success: [noContent('Deleted: no body.')],
    errors: [404, 409, 412],
  },
  {
    method: 'POST',
    path: '/email-verification',
    access: 'public',
    handler: 'requestVerification',
    summary: 'Ask for a verification mail',
    tag: 'Email',
    description:
      'Always 202 with an empty body, in about the same time whether or not the address has an account. A mail goes out only to an active account whose address is unverified, at most one per address per 60 s; its link carries a token valid for 24 hours. Each address (source IP) may make at most 5 mail requests in 15 minutes (429 past that).',
    body: { name: 'MailRequest', schema: mailRequestSchema },
    rateLimit: { bucket: 'mail' },
    success: [{ status: 202, description: 'Accepted: no body.', headers: ['Cache-Control'] }],
    errors: [],
  },
  {
    method: 'POST',
    path: '/email-verification/confirm',
    access: 'public',
    handler: 'confirmVerification',
    summary: 'Confirm an address with the mailed token',
    tag: 'Email',
    description:
      'Marks the address the token was mailed to as verified, and answers the user. The token is single use; a bad, used or expired one (or one mailed to an address the user no longer has) is a 400 naming `token`. Each address (source IP) may make at most 20 confirmations in 15 minutes (429 past that).',
    body: { name: 'ConfirmVerificationRequest', schema: confirmVerificationSchema },
    rateLimit: { bucket: 'confirm' },
    success: [
      {
        status: 200,
        description: 'The user, `email_verified` true.',
        schema: 'User',
        example: 'verifiedUser',
        headers: USER_HEADERS,
      },
    ],
    errors: [],
  },
  {
    method: 'POST',
    path: '/password-reset',
    access: 'public',
    handler: 'requestPasswordReset',
    summary: 'Ask for a password-reset mail',
    tag: 'Email',
    description:
      'Always 202 with an empty body, in about the same time whether or not the address has an account. A mail goes out only to an active account, at most one per address per 60 s; its link carries a token valid for 1 hour, and it voids the tokens of earlier reset mails. Each address (source IP) may make at most 5 mail requests in 15 minutes (429 past that).',
    body: { name: 'PasswordResetRequest', schema: mailRequestSchema },
    rateLimit: { bucket: 'mail' },
    success: [{ status: 202, description: 'Accepted: no body.', headers: ['Cache-Control'] }],
    errors: [],
  },
  {
    method: 'POST',
    path: '/password-reset/confirm',
    access: 'public',
    handler: 'confirmPasswordReset',
    summary: 'Set a new password with the mailed token',
    tag: 'Email',
    description:
      'Sets the password (the usual rules: 400 naming `password`), ends every session and token of the user, clears the failed-login count, marks the address verified and mails a notice. The token is single use; a bad, used, voided or expired one is a 400 naming `token`. Each address (source IP) may make at most 20 confirmations in 15 minutes (429 past that).',
    body: { name: 'ConfirmPasswordResetRequest', schema: confirmPasswordResetSchema },
    rateLimit: { bucket: 'confirm' },
    success: [{ status: 204, description: 'The password is changed: no body.', headers: ['Cache-Control'] }],
    errors: [],
  },
  {
    method: 'POST',
    path: '/users/{id}/mfa/totp',
    access: 'bearer',
    handler: 'enrolTotp',
    summary: 'Enrol a TOTP second factor',
    tag: 'Second factor',
    description:
      'Your own user only (not even an admin may enrol someone else). Answers a new secret and its `otpauth://` URI for an authenticator app (SHA-1, 6 digits, 30 s), shown this once. The factor stays pending until `POST /users/{id}/mfa/totp/verify` confirms a code, for at most 10 minutes; enrolling again replaces a pending factor. 409 when a factor is already enabled. Needs recent authentication (step-up): a session that signed in within `REAUTH_MAX_AGE_SECONDS` (300 s by default; a refresh does not renew it) with every factor the account has, or `current_password` (and `code` or `recovery_code` when the account has a factor) in the body; a wrong one is a 400 naming it and counts as a failed login; otherwise 403 `reauthentication-required`.',
    body: { name: 'StepUpRequest', schema: stepUpSchema, optional: true },
    success: [
      withCacheControl(201, 'The pending factor: its secret, this once.', 'TotpEnrolment', 'totpEnrolment'),
    ],
    errors: [409],
  },
  {
    method: 'POST',
    path: '/users/{id}/mfa/totp/verify',
    access: 'bearer',
    handler: 'verifyTotp',
    summary: 'Confirm the pending factor with a code',
    tag: 'Second factor',
    description:
      'Your own user only. The current code of the pending factor enables it (`mfa_enabled` becomes true; logins then ask for a code) and answers ten recovery codes, each usable once instead of a code, shown this once. A wrong code, or no pending factor, is a 400 naming `code`. Every other session of the user ends, and a notice "two-step verification was turned on" is mailed. Needs recent authentication (step-up): a session that signed in within `REAUTH_MAX_AGE_SECONDS` (300 s by default; a refresh does not renew it), or `current_password` in the body (a wrong one is a 400 naming it and counts as a failed login); otherwise 403 `reauthentication-required`.',
    body: { name: 'VerifyTotpRequest', schema: verifyTotpSchema },
    success: [
      withCacheControl(
        200,
        'The factor is enabled: keep these recovery codes somewhere safe.',
        'RecoveryCodes',
        'recoveryCodes',
      ),
    ],
    errors: [409],
  },
  {
    method: 'DELETE',
    path: '/users/{id}/mfa/totp',
    access: 'bearer',
    handler: 'removeTotp',
    summary: 'Remove the second factor',
    tag: 'Second factor',
    description:
      "Your own factor, or anyone's for an admin (a lost device). `mfa_enabled` becomes false. 404 when no factor is enabled. Needs recent authentication (step-up): a session that signed in within `REAUTH_MAX_AGE_SECONDS` (300 s by default; a refresh does not renew it) with every factor the account has, or `current_password` (and `code` or `recovery_code` when the account has a factor) in the body; a wrong one is a 400 naming it and counts as a failed login; otherwise 403 `reauthentication-required`. An admin removing another user's factor needs neither.",
    body: { name: 'StepUpRequest', schema: stepUpSchema, optional: true },
    success: [noContent('Removed: no body.')],
    errors: [404],
  },
  {
    method: 'POST',
    path: '/users/{id}/mfa/recovery-codes',
    access: 'bearer',
    handler: 'regenerateRecoveryCodes',
    summary: 'Replace the recovery codes',
    tag: 'Second factor',
    description:
      'Your own user only. Answers ten new recovery codes, shown this once; the older ones stop working. 404 when no factor is enabled. Needs recent authentication (step-up): a session that signed in within `REAUTH_MAX_AGE_SECONDS` (300 s by default; a refresh does not renew it) with every factor the account has, or `current_password` (and `code` or `recovery_code` when the account has a factor) in the body; a wrong one is a 400 naming it and counts as a failed login; otherwise 403 `reauthentication-required`.',
    body: { name: 'StepUpRequest', schema: stepUpSchema, optional: true },
    success: [withCacheControl(200, 'The new recovery codes.', 'RecoveryCodes', 'recoveryCodes')],
    errors: [404],
  },
  {
    method: 'GET',
    path: '/users/{id}/events',
    access: 'bearer',
    handler: 'listUserEvents',
    summary: "Read a user's audit trail",
    tag: 'Audit',
    description:
      "Your own events, or any user's for an admin (also after the user was deleted), newest first; `type` keeps one event type. Follow `next_cursor` until it is null.",
    query: userEventsQuerySchema,
    success: [withCacheControl(200, 'A page of events.', 'EventList', 'events')],
    errors: [400],
  },
  {
    method: 'GET',
    path: '/events',
    access: 'bearer',
    handler: 'listEvents',
    summary: 'Read the whole audit trail (admin)',
    tag: 'Audit',
    description:
      'Admins only. Every event, newest first, filtered by `type`, `user_id` (the user concerned) and `actor_id` (who acted). Follow `next_cursor` until it is null.',
    query: eventsQuerySchema,
    success: [withCacheControl(200, 'A page of events.', 'EventList', 'events')],
    errors: [400],
  },
  {
    method: 'GET',
    path: '/openapi.json',
    access: 'public',
    handler: 'openApiDocument',
    summary: 'The OpenAPI 3.1 document of this API',
    tag: 'Reference',
    description:
      'This document. Generated from the route table and the request schemas by `npm run openapi`.',
    success: [{ status: 200, description: 'The OpenAPI 3.1 document.', schema: 'OpenApiDocument' }],
    errors: [401],
  },
  {
    method: 'GET',
    path: '/.well-known/jwks.json',
    access: 'public',
    handler: 'jwks',
    summary: 'The public keys that verify access tokens (JWKS)',
    tag: 'Authentication',
    description:
      "The public keys that verify access tokens (RFC 7517), for any service that wants to check a token itself: ES256, the key named by the token's `kid`. It lists the key that signs now, a new key published before it signs, and the previous key until every token it signed has expired. Never a private member.",
    success: [
      {
        status: 200,
        description: 'The key set.',
        schema: 'Jwks',
        headers: [['Cache-Control', 'PublicCacheControl']],
      },
    ],
    errors: [401],
  },
] as const satisfies readonly RouteDefinition[];

export type Route = (typeof routes)[number];
export type HandlerKey = Route['handler'];
/** `METHOD /path`, exactly as API Gateway puts it in `event.routeKey`. */
export type RouteKey = `${Route['method']} ${Route['path']}`;

export const routeKey = (route: Pick<RouteDefinition, 'method' | 'path'>): string =>
  `${route.method} ${route.path}`;

// The authorizer's verdict cache lives with the keys: the rotation schedule counts it.
export { AUTHORIZER_CACHE_TTL_SECONDS } from './tokens/jwks';

/**
 * A page route: served by the pages function (lambda/pages) from the files pages/build.ts makes,
 * not by the router, and not part of the API's OpenAPI document. Public: the pages call the API
 * with the reader's token like any other client.
 */
export interface PageRouteDefinition {
  readonly method: 'GET';
  readonly path: string;
  readonly access: 'public';
  readonly summary: string;
}

/** The apps the pages function serves, each at its base path and every deep link under it. */
export const PAGE_BASES = ['/account', '/console'] as const;

export const pageRoutes = [
  { method: 'GET', path: '/account', access: 'public', summary: 'The account pages' },
  { method: 'GET', path: '/account/{page+}', access: 'public', summary: 'The account pages (deep links)' },
  { method: 'GET', path: '/console', access: 'public', summary: 'The admin console' },
  { method: 'GET', path: '/console/{page+}', access: 'public', summary: 'The admin console (deep links)' },
  { method: 'GET', path: '/assets/{file}', access: 'public', summary: "The pages' scripts, styles and icon" },
] as const satisfies readonly PageRouteDefinition[];
