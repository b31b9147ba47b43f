// The OpenAPI 3.1 document of the API, built from the route table (lambda/routes.ts: paths,
// methods, access, summaries), the valibot schemas (request bodies, query) and the error classes
// (problem types by status). Dev-time only: `npm run openapi` writes it to docs/openapi.json,
// which the router serves at GET /openapi.json without bundling this generator.

import { statusOf } from '../../lambda/router/problems';
import { MAX_BODY_BYTES } from '../../lambda/router/request';
import { type Route, routes, type SuccessDefinition } from '../../lambda/routes';
import { JWKS_MAX_AGE_SECONDS } from '../../lambda/tokens/jwks';
import packageJson from '../../package.json';
import { examples, internalErrorBody, problemBody, problemCatalogue } from './examples';
import {
  componentSchemas,
  queryParameters,
  type RequestSchemaName,
  type ResponseSchemaName,
} from './schemas';

type Json = Record<string, unknown>;

const schemaRef = (name: ResponseSchemaName | RequestSchemaName | string): Json => ({
  $ref: `#/components/schemas/${name}`,
});
const ref = (kind: 'headers' | 'parameters' | 'responses', name: string): Json => ({
  $ref: `#/components/${kind}/${name}`,
});

/** Response schemas that are not valibot schemas of ours (the document describes itself loosely). */
const INLINE_SCHEMAS: Readonly<Record<string, Json>> = {
  OpenApiDocument: {
    type: 'object',
    required: ['openapi', 'info', 'paths'],
    properties: { openapi: { type: 'string', pattern: '^3\\.1\\.\\d+$' } },
  },
  Jwks: {
    type: 'object',
    required: ['keys'],
    additionalProperties: false,
    properties: {
      keys: {
        type: 'array',
        minItems: 1,
        items: {
          type: 'object',
          description: 'An ES256 public key: never a private member.',
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
};

const exampleOf = (key: string | undefined): unknown =>
  key === undefined ? undefined : (examples as Record<string, unknown>)[key];

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
  const statuses = new Set<number>(route.errors);
  if ('body' in route) for (const status of [400, 413, 415]) statuses.add(status);
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
  SessionId: {
    name: 'session_id',
    in: 'path',
    required: true,
    description: "The session's id (as `GET /users/{id}/sessions` lists it).",
    schema: { type: 'string' },
    example: examples.sessionId,
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

const PATH_PARAMETERS: Readonly<Record<string, string>> = { id: 'UserId', session_id: 'SessionId' };

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

const successResponse = (success: SuccessDefinition): Json => {
  const headers = Object.fromEntries(
    (success.headers ?? []).map((entry) =>
      typeof entry === 'string' ? [entry, ref('headers', entry)] : [entry[0], ref('headers', entry[1])],
    ),
  );
  const schema =
    success.schema === undefined
      ? undefined
      : (INLINE_SCHEMAS[success.schema] ?? schemaRef(success.schema as ResponseSchemaName));
  const example = exampleOf(success.example);
  return {
    description: success.description,
    ...(Object.keys(headers).length > 0 ? { headers } : {}),
    ...(schema
      ? {
          content: {
            'application/json': {
              schema,
              ...(example === undefined ? {} : { example }),
            },
          },
        }
      : {}),
  };
};

const operation = (route: Route): Json => {
  const parameters = [
    ...pathParameters(route.path),
    ...('query' in route ? queryParameters(route.query) : []),
    ...('requestHeaders' in route ? route.requestHeaders : []).map((name) => ref('parameters', name)),
  ];
  const security =
    route.access === 'bearer'
      ? [{ bearerAuth: [] }]
      : 'optionalBearer' in route && route.optionalBearer
        ? [{}, { bearerAuth: [] }]
        : undefined;
  const responses: Record<string, Json> = {};
  for (const success of route.success as readonly SuccessDefinition[]) {
    responses[String(success.status)] = successResponse(success);
  }
  for (const status of errorStatuses(route)) {
    responses[String(status)] = ref('responses', errorResponseName(status, route.access));
  }
  return {
    operationId: route.handler,
    tags: [route.tag],
    summary: route.summary,
    description: route.description,
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(security ? { security } : {}),
    ...('body' in route
      ? {
          requestBody: {
            required: true,
            content: {
              'application/json': {
                schema: schemaRef(route.body.name),
                example: (examples.requests as Record<string, unknown>)[route.body.name],
              },
            },
          },
        }
      : {}),
    responses,
  };
};

const DESCRIPTION = `A user-management REST API: sign up, log in for a bearer token, read, replace, change and delete users.

- **Bodies** are JSON (\`Content-Type: application/json\`), at most ${MAX_BODY_BYTES / 1024} KiB; field names are snake_case. An unknown or server-managed field (\`id\`, \`last_login\`, \`created_at\`, \`updated_at\`) is a 400 that names it.
- **Auth**: \`POST /login\` opens a session and returns a short-lived access token (a JWT) and a refresh token; send the access token as \`Authorization: Bearer <token>\`, and trade the refresh token at \`POST /refresh\` for a new pair before it expires. A token sent to a public route is verified too: a bad one is a 401, never silently anonymous. Once a session ends (logout, revocation, password change, deletion), its tokens are refused on the next call.
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
      { name: 'Email', description: 'Address verification and password reset, by mailed link' },
      { name: 'Second factor', description: 'TOTP, recovery codes and the second step of a login' },
      { name: 'Sessions', description: 'Refresh tokens, logout, and where a user is signed in' },
      { name: 'Audit', description: 'The audit trail: who did what to whom, and when' },
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
