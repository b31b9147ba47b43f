// Headers, parameters and security schemes: the components every operation refers to.
import { JWKS_MAX_AGE_SECONDS } from '../../lambda/tokens/jwks';
import { examples } from './examples';
import { type Json, ref } from './references';

export const HEADERS: Record<string, Json> = {
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

export const PARAMETERS: Record<string, Json> = {
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

export const pathParameters = (path: string): Json[] =>
  [...path.matchAll(/\{(\w+)\}/g)].map(([, name = '']) => {
    const parameter = PATH_PARAMETERS[name];
    if (!parameter) throw new Error(`OpenAPI: path parameter {${name}} is not documented`);
    return ref('parameters', parameter);
  });

export const SECURITY_SCHEMES = {
  bearerAuth: {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description:
      'The token from `POST /login`. On protected routes API Gateway\'s authorizer verifies it first: no header is a 401 `{"message":"Unauthorized"}`, a token that does not verify a 403 `{"message":"Forbidden"}`. The API then checks the stored user on every call, so a deleted user, a changed password or a changed role takes effect at once.',
  },
};
