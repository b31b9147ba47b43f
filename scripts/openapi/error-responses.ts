// Errors: one reusable response per status, listing the problem types the API answers it with.
import { statusOf } from '../../lambda/router/problems';
import { MAX_BODY_BYTES } from '../../lambda/router/request';
import type { Route } from '../../lambda/routes';
import { internalErrorBody, problemBody, problemCatalogue } from './examples';
import { type Json, ref, schemaRef } from './references';

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
      'Failed-login back-off (`POST /login`, `POST /login/mfa`, or a `current_password` check; `too-many-attempts`): wait `Retry-After` seconds; even the right password is refused meanwhile. Or a per-client rate limit of a route that costs bcrypt, sends mail or mints tokens (`rate-limited`): wait `Retry-After` seconds, until the window ends.',
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

export const errorStatuses = (route: Route): number[] => {
  const statuses = new Set<number>(route.errors);
  if ('body' in route) for (const status of [400, 413, 415]) statuses.add(status);
  if (route.access === 'bearer') for (const status of [401, 403]) statuses.add(status);
  for (const status of [429, 500, 503]) statuses.add(status);
  return [...statuses].sort((a, b) => a - b);
};

export const errorResponseName = (status: number, access: Route['access']): string => {
  const doc = ERROR_RESPONSES[status];
  if (!doc) throw new Error(`OpenAPI: no error response documented for status ${status}`);
  return access === 'bearer' && BEARER_GATEWAY[status] ? `${doc.name}OnBearerRoute` : doc.name;
};

const gatewayContent = (gateway: NonNullable<ErrorResponseDoc['gateway']>): Json => ({
  schema: { allOf: [schemaRef('GatewayMessage')], properties: { message: { const: gateway.message } } },
  example: { message: gateway.message },
});

export const errorResponses = (): Record<string, Json> => {
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
