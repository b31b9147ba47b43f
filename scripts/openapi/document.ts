// The OpenAPI 3.1 document of the API, built from the route table (lambda/routes.ts: paths,
// methods, access, summaries), the valibot schemas (request bodies, query) and the error classes
// (problem types by status). Dev-time only: `npm run openapi` writes it to docs/openapi.json,
// which the router serves at GET /openapi.json without bundling this generator.

import { statusOf } from '../../lambda/router/problems';
import { MAX_BODY_BYTES } from '../../lambda/router/request';
import { type HandlerKey, type Route, routes } from '../../lambda/routes';
import { JWKS_MAX_AGE_SECONDS } from '../../lambda/shared/jwks';
import packageJson from '../../package.json';
import { examples, internalErrorBody, problemBody, problemCatalogue } from './examples';
import {
  componentSchemas,
  listUsersParameters,
  type RequestSchemaName,
  type ResponseSchemaName,
} from './schemas';

type Json = Record<string, unknown>;

const schemaRef = (name: ResponseSchemaName | RequestSchemaName): Json => ({
  $ref: `#/components/schemas/${name}`,
});
const ref = (kind: 'headers' | 'parameters' | 'responses', name: string): Json => ({
  $ref: `#/components/${kind}/${name}`,
});

// ---------------------------------------------------------------------------------------------
// What each handler answers. `satisfies Record<HandlerKey, …>`: a new route fails to compile here
// until it is documented.

interface Success {
  readonly status: number;
  readonly description: string;
  readonly schema?: ResponseSchemaName | Json;
  readonly example?: unknown;
  /** Response headers (components.headers), all of them always sent: a name, or [name, component]. */
  readonly headers?: readonly (string | readonly [name: string, component: string])[];
}

interface OperationDoc {
  readonly tag: 'Users' | 'Authentication' | 'Reference';
  readonly description: string;
  readonly body?: RequestSchemaName;
  readonly query?: boolean;
  /** A public route that also takes a token (an admin's, to set `role`). */
  readonly optionalBearer?: boolean;
  /** Request headers (components.parameters). */
  readonly headers?: readonly ('IfMatch' | 'IfNoneMatch')[];
  readonly success: readonly Success[];
  /** Statuses beyond those every route of its kind has (see errorStatuses). */
  readonly errors: readonly number[];
}

const USER_HEADERS = ['ETag', 'Cache-Control'] as const;

const OPERATIONS = {
  createUser: {
    tag: 'Users',
    description:
      "Anyone may sign up: the new user has the role `user`. With an admin's bearer token, `role` may be set too; anyone else who sends `role` gets 403. The email is trimmed and lower-cased, and must not be in use (409).",
    body: 'CreateUserRequest',
    optionalBearer: true,
    success: [
      {
        status: 201,
        description: 'The user, created.',
        schema: 'User',
        example: examples.user,
        headers: ['Location', ...USER_HEADERS],
      },
    ],
    errors: [401, 403, 409],
  },
  login: {
    tag: 'Authentication',
    description:
      'Exchanges an email and password for a bearer token. `last_login` is updated and the user in the answer shows it. A wrong password and an unknown email get the same 401. From the 6th consecutive failure for an account, every attempt (even with the right password) gets 429 with `Retry-After`, for a time that grows with each failure; a success resets the count.',
    body: 'LoginRequest',
    success: [
      {
        status: 200,
        description: 'A bearer token and the user.',
        schema: 'LoginResponse',
        example: examples.login,
        headers: ['Cache-Control'],
      },
    ],
    errors: [401],
  },
  listUsers: {
    tag: 'Users',
    description:
      'Admins only. A page of users and the cursor of the next one; follow `next_cursor` until it is null. A page may hold fewer than `limit` users even when more follow.',
    query: true,
    success: [
      {
        status: 200,
        description: 'A page of users.',
        schema: 'UserList',
        example: examples.list,
        headers: ['Cache-Control'],
      },
    ],
    errors: [400],
  },
  getUser: {
    tag: 'Users',
    description:
      "Your own user, or any user for an admin. Anyone else's id is a 403 without a look-up. The `ETag` is what `If-Match` on a later write is checked against.",
    headers: ['IfNoneMatch'],
    success: [
      {
        status: 200,
        description: 'The user.',
        schema: 'User',
        example: examples.user,
        headers: USER_HEADERS,
      },
      { status: 304, description: '`If-None-Match` names the current ETag: no body.', headers: USER_HEADERS },
    ],
    errors: [404],
  },
  replaceUser: {
    tag: 'Users',
    description:
      'Replaces every writable field. Without `role`, the role stays as it is; only an admin may send one. Changing your own user needs `current_password` (a PUT always sets the password). With `If-Match`, a stale ETag is a 412 and nothing is written.',
    body: 'ReplaceUserRequest',
    headers: ['IfMatch'],
    success: [
      {
        status: 200,
        description: 'The user, replaced.',
        schema: 'User',
        example: examples.user,
        headers: USER_HEADERS,
      },
    ],
    errors: [404, 409, 412],
  },
  updateUser: {
    tag: 'Users',
    description:
      'Changes the fields sent (at least one of `email`, `name`, `password`, `role`). Only an admin may change `role`. Changing your own email or password needs `current_password`; a password change revokes the tokens issued before it. With `If-Match`, a stale ETag is a 412.',
    body: 'UpdateUserRequest',
    headers: ['IfMatch'],
    success: [
      {
        status: 200,
        description: 'The user, changed.',
        schema: 'User',
        example: examples.user,
        headers: USER_HEADERS,
      },
    ],
    errors: [404, 409, 412],
  },
  deleteUser: {
    tag: 'Users',
    description:
      'Deletes your own user, or any user for an admin. Its tokens stop working at once. With `If-Match`, a stale ETag is a 412 and the user stays.',
    headers: ['IfMatch'],
    success: [{ status: 204, description: 'Deleted: no body.' }],
    errors: [404, 409, 412],
  },
  openApiDocument: {
    tag: 'Reference',
    description:
      'This document. Generated from the route table and the request schemas by `npm run openapi`.',
    success: [
      {
        status: 200,
        description: 'The OpenAPI 3.1 document.',
        schema: {
          type: 'object',
          required: ['openapi', 'info', 'paths'],
          properties: { openapi: { type: 'string', pattern: '^3\\.1\\.\\d+$' } },
        },
      },
    ],
    errors: [401],
  },
  jwks: {
    tag: 'Authentication',
    description:
      "The public keys that verify access tokens (RFC 7517), for any service that wants to check a token itself: ES256, the key named by the token's `kid`. It lists the key that signs now, a new key published before it signs, and the previous key until every token it signed has expired. Never a private member.",
    success: [
      {
        status: 200,
        description: 'The key set.',
        schema: {
          type: 'object',
          required: ['keys'],
          additionalProperties: false,
          properties: {
            keys: {
              type: 'array',
              minItems: 1,
              items: {
                type: 'object',
                required: ['kty', 'crv', 'x', 'y', 'kid', 'alg', 'use'],
                additionalProperties: false,
                properties: {
                  kty: { const: 'EC' },
                  crv: { const: 'P-256' },
                  x: { type: 'string', pattern: '^[A-Za-z0-9_-]{43}$' },
                  y: { type: 'string', pattern: '^[A-Za-z0-9_-]{43}$' },
                  kid: { type: 'string' },
                  alg: { const: 'ES256' },
                  use: { const: 'sig' },
                },
              },
            },
          },
        },
        example: {
          keys: [
            {
              kty: 'EC',
              crv: 'P-256',
              x: 'f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU',
              y: 'x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0',
              kid: 'NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs',
              alg: 'ES256',
              use: 'sig',
            },
          ],
        },
        headers: [['Cache-Control', 'PublicCacheControl']],
      },
    ],
    errors: [401],
  },
} as const satisfies Record<HandlerKey, OperationDoc>;

// ---------------------------------------------------------------------------------------------
// Errors: one reusable response per status, listing the problem types the API answers it with.

interface ErrorResponseDoc {
  readonly name: string;
  readonly description: string;
  /** What API Gateway itself answers with this status, as `{"message": …}`. */
  readonly gateway?: { readonly message: string; readonly when: string };
  readonly headers?: readonly string[];
}

const ERROR_RESPONSES: Readonly<Record<number, ErrorResponseDoc>> = {
  400: {
    name: 'BadRequest',
    description:
      'The body is not JSON, fails validation, or has unknown or server-managed fields; or the query is bad. `errors` names each field.',
  },
  401: {
    name: 'Unauthenticated',
    description:
      'A bearer token was sent but is bad, expired or revoked (user deleted, password changed); on `POST /login`, a wrong email or password (one body for both).',
    headers: ['WWW-Authenticate'],
  },
  403: { name: 'Forbidden', description: 'A valid token that may not do this.' },
  404: { name: 'NotFound', description: 'No such user.' },
  409: {
    name: 'Conflict',
    description: 'The email is already in use, or the user changed under heavy concurrent writes (retry).',
  },
  412: {
    name: 'PreconditionFailed',
    description: '`If-Match` does not name the current ETag: nothing was written.',
  },
  413: {
    name: 'PayloadTooLarge',
    description: `The body is over ${MAX_BODY_BYTES / 1024} KiB.`,
    gateway: { message: 'Request Entity Too Large', when: "the body is over API Gateway's 10 MB" },
  },
  415: { name: 'UnsupportedMediaType', description: 'A body whose `Content-Type` is not JSON.' },
  429: {
    name: 'TooManyRequests',
    description:
      'Failed-login back-off (`POST /login`, or a `current_password` check): wait `Retry-After` seconds; even the right password is refused meanwhile.',
    gateway: { message: 'Too Many Requests', when: 'it throttles the stage (no `Retry-After`)' },
    headers: ['Retry-After'],
  },
  500: {
    name: 'InternalError',
    description: 'Something unexpected: a generic body; the detail only reaches the log.',
    gateway: { message: 'Internal Server Error', when: 'a Lambda function fails outright' },
  },
  503: {
    name: 'ServiceUnavailable',
    description: 'The user store is not answering; retry after `Retry-After` seconds.',
    gateway: { message: 'Service Unavailable', when: 'the integration times out (30 s)' },
    headers: ['Retry-After'],
  },
};

/** On bearer routes the authorizer answers first, with API Gateway's own bodies. */
const BEARER_GATEWAY: Readonly<Record<number, ErrorResponseDoc['gateway']>> = {
  401: { message: 'Unauthorized', when: 'the `Authorization` header is missing' },
  403: { message: 'Forbidden', when: 'the token does not verify (bad signature, expired, wrong issuer)' },
};

const errorStatuses = (route: Route): number[] => {
  const doc: OperationDoc = OPERATIONS[route.handler];
  const statuses = new Set<number>(doc.errors);
  if (doc.body) for (const status of [400, 413, 415]) statuses.add(status);
  if (route.access === 'bearer') for (const status of [401, 403]) statuses.add(status);
  for (const status of [429, 500, 503]) statuses.add(status);
  return [...statuses].sort((a, b) => a - b);
};

const errorResponseName = (status: number, access: Route['access']): string => {
  const doc = ERROR_RESPONSES[status];
  if (!doc) throw new Error(`OpenAPI: no error response documented for status ${status}`);
  return access === 'bearer' && BEARER_GATEWAY[status] ? `${doc.name}OnBearerRoute` : doc.name;
};

const gatewayContent = (gateway: NonNullable<ErrorResponseDoc['gateway']>): Json => ({
  schema: { allOf: [schemaRef('GatewayMessage')], properties: { message: { const: gateway.message } } },
  example: { message: gateway.message },
});

const errorResponses = (): Record<string, Json> => {
  const catalogue = problemCatalogue();
  const responses: Record<string, Json> = {};
  for (const [key, doc] of Object.entries(ERROR_RESPONSES)) {
    const status = Number(key);
    const bodies = catalogue.filter((error) => statusOf(error) === status).map(problemBody);
    if (status === 500) bodies.push(internalErrorBody());
    if (bodies.length === 0) throw new Error(`OpenAPI: no problem type answers ${status}`);
    const types = [...new Set(bodies.map((body) => body.type))];
    const problemContent = {
      schema: {
        allOf: [schemaRef('Problem')],
        properties: {
          status: { const: status },
          type: types.length === 1 ? { const: types[0] } : { enum: types },
        },
      },
      examples: Object.fromEntries(
        bodies.map((body) => [String(body.type).split('/').pop(), { summary: body.title, value: body }]),
      ),
    };
    const headers = Object.fromEntries((doc.headers ?? []).map((name) => [name, ref('headers', name)]));
    const variants = [
      { name: doc.name, gateway: doc.gateway },
      ...(BEARER_GATEWAY[status]
        ? [{ name: `${doc.name}OnBearerRoute`, gateway: BEARER_GATEWAY[status] }]
        : []),
    ];
    for (const variant of variants) {
      const gateway = variant.gateway;
      responses[variant.name] = {
        description: gateway
          ? `${doc.description} API Gateway answers \`{"message": "${gateway.message}"}\` (application/json) when ${gateway.when}.`
          : doc.description,
        ...(Object.keys(headers).length > 0 ? { headers } : {}),
        content: {
          'application/problem+json': problemContent,
          ...(gateway ? { 'application/json': gatewayContent(gateway) } : {}),
        },
      };
    }
  }
  return responses;
};

// ---------------------------------------------------------------------------------------------
// Headers, parameters, security

const HEADERS: Record<string, Json> = {
  ETag: {
    description:
      'The version of this user. Send it back in `If-Match` to write only if nobody changed it since.',
    required: true,
    schema: { type: 'string', pattern: '^"[^"]*"$' },
    example: examples.etag,
  },
  Location: {
    description: 'Where the new user lives.',
    required: true,
    schema: { type: 'string', pattern: '^/users/[^/]+$' },
    example: `/users/${examples.id}`,
  },
  'Cache-Control': {
    description: 'Responses that carry a user or a token are never stored by any cache.',
    required: true,
    schema: { type: 'string', enum: ['no-store'] },
  },
  PublicCacheControl: {
    description: `Public keys only: any cache may keep them, for at most ${JWKS_MAX_AGE_SECONDS} s.`,
    required: true,
    schema: { type: 'string', pattern: '^public, max-age=\\d+$' },
    example: `public, max-age=${JWKS_MAX_AGE_SECONDS}`,
  },
  'Retry-After': {
    description:
      "Seconds to wait before trying again. Always sent with a problem+json body; absent from API Gateway's own answers.",
    schema: { type: 'integer', minimum: 1 },
    example: 30,
  },
  'WWW-Authenticate': {
    description: 'Sent when a bearer token is refused.',
    schema: { type: 'string' },
    example: 'Bearer realm="user-api", error="invalid_token"',
  },
};

const PARAMETERS: Record<string, Json> = {
  UserId: {
    name: 'id',
    in: 'path',
    required: true,
    description: "The user's id.",
    schema: { type: 'string' },
    example: examples.id,
  },
  IfMatch: {
    name: 'If-Match',
    in: 'header',
    required: false,
    description:
      'Write only if the user is still at this ETag (from a read or an earlier write); otherwise 412. `*` matches any version. Without it, the write is unconditional.',
    schema: { type: 'string' },
    example: examples.etag,
  },
  IfNoneMatch: {
    name: 'If-None-Match',
    in: 'header',
    required: false,
    description: 'The ETag of the copy you hold: a 304 without a body if it is still current.',
    schema: { type: 'string' },
    example: examples.etag,
  },
};

const PATH_PARAMETERS: Readonly<Record<string, string>> = { id: 'UserId' };

const pathParameters = (path: string): Json[] =>
  [...path.matchAll(/\{(\w+)\}/g)].map(([, name = '']) => {
    const parameter = PATH_PARAMETERS[name];
    if (!parameter) throw new Error(`OpenAPI: path parameter {${name}} is not documented`);
    return ref('parameters', parameter);
  });

const SECURITY_SCHEMES = {
  bearerAuth: {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description:
      'The token from `POST /login`. On protected routes API Gateway\'s authorizer verifies it first: no header is a 401 `{"message":"Unauthorized"}`, a token that does not verify a 403 `{"message":"Forbidden"}`. The API then checks the stored user on every call, so a deleted user, a changed password or a changed role takes effect at once.',
  },
};

// ---------------------------------------------------------------------------------------------
// The document

const successResponse = (success: Success): Json => {
  const headers = Object.fromEntries(
    (success.headers ?? []).map((entry) =>
      typeof entry === 'string' ? [entry, ref('headers', entry)] : [entry[0], ref('headers', entry[1])],
    ),
  );
  const schema = typeof success.schema === 'string' ? schemaRef(success.schema) : success.schema;
  return {
    description: success.description,
    ...(Object.keys(headers).length > 0 ? { headers } : {}),
    ...(schema
      ? {
          content: {
            'application/json': {
              schema,
              ...(success.example === undefined ? {} : { example: success.example }),
            },
          },
        }
      : {}),
  };
};

const operation = (route: Route): Json => {
  const doc: OperationDoc = OPERATIONS[route.handler];
  const parameters = [
    ...pathParameters(route.path),
    ...(doc.query ? listUsersParameters() : []),
    ...(doc.headers ?? []).map((name) => ref('parameters', name)),
  ];
  const security =
    route.access === 'bearer'
      ? [{ bearerAuth: [] }]
      : doc.optionalBearer
        ? [{}, { bearerAuth: [] }]
        : undefined;
  const responses: Record<string, Json> = {};
  for (const success of doc.success) responses[String(success.status)] = successResponse(success);
  for (const status of errorStatuses(route)) {
    responses[String(status)] = ref('responses', errorResponseName(status, route.access));
  }
  return {
    operationId: route.handler,
    tags: [doc.tag],
    summary: route.summary,
    description: doc.description,
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(security ? { security } : {}),
    ...(doc.body
      ? {
          requestBody: {
            required: true,
            content: {
              'application/json': { schema: schemaRef(doc.body), example: examples.requests[doc.body] },
            },
          },
        }
      : {}),
    responses,
  };
};

const DESCRIPTION = `A user-management REST API: sign up, log in for a bearer token, read, replace, change and delete users.

- **Bodies** are JSON (\`Content-Type: application/json\`), at most ${MAX_BODY_BYTES / 1024} KiB; field names are snake_case. An unknown or server-managed field (\`id\`, \`last_login\`, \`created_at\`, \`updated_at\`) is a 400 that names it.
- **Auth**: \`POST /login\` returns a JWT; send it as \`Authorization: Bearer <token>\`. A token sent to a public route is verified too: a bad one is a 401, never silently anonymous.
- **Roles**: \`user\` or \`admin\`. A user may act only on their own user; an admin on any. Only an admin may set a role or list users.
- **Concurrency**: single-user responses carry an \`ETag\`; PUT, PATCH and DELETE honour \`If-Match\` (412 when stale).
- **Errors** are RFC 9457 problem details (\`application/problem+json\`): branch on \`type\`. Answers from API Gateway itself are \`{"message": …}\` (\`application/json\`).`;

export const buildOpenApiDocument = (): Json => {
  const paths: Record<string, Json> = {};
  for (const route of routes) {
    paths[route.path] = { ...paths[route.path], [route.method.toLowerCase()]: operation(route) };
  }
  const used = new Set(
    routes.flatMap((route) => errorStatuses(route).map((status) => errorResponseName(status, route.access))),
  );
  const responses = Object.fromEntries(Object.entries(errorResponses()).filter(([name]) => used.has(name)));
  return {
    openapi: '3.1.0',
    info: {
      title: 'User API',
      version: packageJson.version,
      description: DESCRIPTION,
    },
    servers: [{ url: '/', description: 'The API that serves this document' }],
    tags: [
      { name: 'Authentication', description: 'Bearer tokens' },
      { name: 'Users', description: 'Sign-up and the users themselves' },
      { name: 'Reference', description: 'This document' },
    ],
    paths,
    components: {
      schemas: componentSchemas(),
      responses,
      parameters: PARAMETERS,
      headers: HEADERS,
      securitySchemes: SECURITY_SCHEMES,
    },
  };
};

/** docs/openapi.json as `npm run openapi` writes it: stable key order, two-space indent, final newline. */
export const renderOpenApiDocument = (): string => `${JSON.stringify(buildOpenApiDocument(), null, 2)}\n`;
