// Reading an HTTP API request: the body (size, media type, JSON), If-Match, the caller's claims.
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import type * as v from 'valibot';
import { UnauthenticatedError } from '../shared/errors';
import { parseStrict } from '../shared/parse-strict';
import { isTokenClaims, pickClaims, type TokenClaims } from '../tokens/verifier';
import type { ExpectedVersions } from '../users/optimistic-write';
import { MalformedRequestError, PayloadTooLargeError, UnsupportedMediaTypeError } from './errors';

export const MAX_BODY_BYTES = 16 * 1024;

const JSON_MEDIA_TYPE = /^application\/([a-z0-9.+-]*\+)?json$/;

const header = (event: APIGatewayProxyEventV2, name: string): string | undefined => event.headers?.[name];

/**
 * The JSON body, validated against `schema`. Checked in the order that costs least first:
 * size (413), media type and charset (415), syntax (400), then the schema (400, naming each field).
 */
export const readBody = <TSchema extends v.ObjectSchema<v.ObjectEntries, undefined>>(
  event: APIGatewayProxyEventV2,
  schema: TSchema,
): v.InferOutput<TSchema> => {
  const raw = event.body ?? '';
  const bytes = event.isBase64Encoded ? Buffer.from(raw, 'base64') : Buffer.from(raw, 'utf8');
  if (bytes.length > MAX_BODY_BYTES) {
    throw new PayloadTooLargeError(
      `The body is ${bytes.length} bytes; at most ${MAX_BODY_BYTES} are accepted.`,
    );
  }
  const mediaType = header(event, 'content-type')?.split(';')[0]?.trim().toLowerCase();
  if (bytes.length > 0 && (mediaType === undefined || !JSON_MEDIA_TYPE.test(mediaType))) {
    throw new UnsupportedMediaTypeError(
      `The body must be JSON, sent as Content-Type: application/json${mediaType ? `, not ${mediaType}` : ''}.`,
    );
  }
  const charset = /;\s*charset\s*=\s*"?([^";\s]*)"?/i.exec(header(event, 'content-type') ?? '')?.[1];
  if (charset !== undefined && !/^utf-?8$/i.test(charset)) {
    throw new UnsupportedMediaTypeError(`The body must be UTF-8 JSON, not charset=${charset}.`);
  }
  if (bytes.length === 0) throw new MalformedRequestError('A JSON body is required.');
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    throw new MalformedRequestError('The body is not valid JSON (UTF-8).');
  }
  return parseStrict(schema, parsed);
};

/**
 * The client, for per-client limits: the source IP API Gateway saw on the connection. Never a
 * header, which the client writes itself.
 */
export const sourceIp = (event: APIGatewayProxyEventV2): string =>
  event.requestContext?.http?.sourceIp ?? 'unknown';

/** The query string as a plain object (HTTP API already joined repeated keys with commas). */
export const readQuery = (event: APIGatewayProxyEventV2): Record<string, string> => ({
  ...(event.queryStringParameters as Record<string, string> | undefined),
});

const STRONG_ETAG = /^"(\d{1,15})"$/;

/** If-Match → the versions the writer claims to have seen. Weak or foreign tags match nothing. */
export const expectedVersions = (event: APIGatewayProxyEventV2): ExpectedVersions => {
  const value = header(event, 'if-match');
  if (value === undefined) return undefined;
  if (value.trim() === '*') return 'any';
  return value
    .split(',')
    .map((tag) => STRONG_ETAG.exec(tag.trim())?.[1])
    .filter((version): version is string => version !== undefined)
    .map(Number);
};

/** If-None-Match on a read: true when the client's copy is still current. */
export const notModified = (event: APIGatewayProxyEventV2, etag: string): boolean => {
  const value = header(event, 'if-none-match');
  if (value === undefined) return false;
  return value.trim() === '*' || value.split(',').some((tag) => tag.trim().replace(/^W\//, '') === etag);
};

/**
 * The claims the authorizer verified, from requestContext.authorizer.lambda. Only API Gateway
 * writes that field, so request headers can never forge it.
 */
export const authorizerClaims = (event: APIGatewayProxyEventV2): TokenClaims => {
  const context = (event.requestContext as { authorizer?: { lambda?: Record<string, unknown> } }).authorizer
    ?.lambda;
  const { sub, sid, role, amr, tv, iat, exp } = context ?? {};
  const integer = (value: unknown) => (typeof value === 'string' ? Number(value) : value);
  const methods = typeof amr === 'string' ? amr.split(' ') : undefined;
  const claims = { sub, sid, role, amr: methods, tv: integer(tv), iat: integer(iat), exp: integer(exp) };
  if (!isTokenClaims(claims)) throw new UnauthenticatedError('The request carries no verified identity.');
  return pickClaims(claims);
};

/** The caller's `User-Agent`, as a session records it. */
export const userAgentOf = (event: APIGatewayProxyEventV2): string | null =>
  header(event, 'user-agent') ?? event.requestContext?.http?.userAgent ?? null;
