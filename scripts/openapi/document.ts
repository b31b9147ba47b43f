// The OpenAPI 3.1 document of the API, built from the route table (lambda/routes.ts: paths,
// methods, access, summaries), the valibot schemas (request bodies, query) and the error classes
// (problem types by status). Dev-time only: `npm run openapi` writes it to docs/openapi.json,
// which the router serves at GET /openapi.json without bundling this generator.
import { MAX_BODY_BYTES } from '../../lambda/router/request';
import { type ResponseBodyName, type Route, routes, type SuccessDefinition } from '../../lambda/routes';
import packageJson from '../../package.json';
import { errorResponseName, errorResponses, errorStatuses } from './error-responses';
import { examples } from './examples';
import { HEADERS, PARAMETERS, pathParameters, SECURITY_SCHEMES } from './parameters';
import { exampleOf, INLINE_SCHEMAS, type Json, ref, schemaRef } from './references';
import { componentSchemas, queryParameters } from './schemas';

type InlineName = keyof typeof INLINE_SCHEMAS;

const isInline = (name: ResponseBodyName): name is InlineName => Object.hasOwn(INLINE_SCHEMAS, name);

const successResponse = (success: SuccessDefinition): Json => {
  const headers = Object.fromEntries(
    (success.headers ?? []).map((entry) =>
      typeof entry === 'string' ? [entry, ref('headers', entry)] : [entry[0], ref('headers', entry[1])],
    ),
  );
  const name = success.schema;
  const schema = name === undefined ? undefined : isInline(name) ? INLINE_SCHEMAS[name] : schemaRef(name);
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
            required: !('optional' in route.body && route.body.optional === true),
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
