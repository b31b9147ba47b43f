// HTTP responses in payload 2.0 form. Every response is a full { statusCode, headers, body }:
// a Lambda result without statusCode would be shipped whole as a 200 body.
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { type AuditEvent, snakeCaseEvent } from '../audit/event';
import type { ListedSession } from '../sessions/list-sessions';
import { AppError } from '../shared/errors';
import type { User } from '../users/user';
import { headersOf, statusOf } from './problems';
import type { ResponseBody } from './response-schemas';

export type HttpResponse<S extends number = number> = APIGatewayProxyStructuredResultV2 & {
  statusCode: S;
  headers: Record<string, string>;
};

const BASE_HEADERS = {
  // Responses carry users and tokens: no cache, shared or private, may keep them.
  'Cache-Control': 'no-store',
  'X-Content-Type-Options': 'nosniff',
};

export const json = <S extends number>(
  statusCode: S,
  body: unknown,
  headers: Record<string, string> = {},
): HttpResponse<S> => ({
  statusCode,
  headers: { ...BASE_HEADERS, 'Content-Type': 'application/json', ...headers },
  body: JSON.stringify(body),
});

export const noContent = (headers: Record<string, string> = {}): HttpResponse<204> => ({
  statusCode: 204,
  headers: { ...BASE_HEADERS, ...headers },
  body: '',
});

/** 202, empty: the same answer whether or not anything was sent. */
export const accepted = (): HttpResponse<202> => ({
  statusCode: 202,
  headers: { ...BASE_HEADERS },
  body: '',
});

/** The wire form of a user: snake_case, credentials long gone (User has none). */
export const presentUser = (user: User): ResponseBody<'User'> => ({
  id: user.id,
  email: user.email,
  name: user.name,
  role: user.role,
  email_verified: user.emailVerified,
  mfa_enabled: user.mfaEnabled,
  status: user.status,
  last_login: user.lastLogin,
  created_at: user.createdAt,
  updated_at: user.updatedAt,
});

/** The wire form of a session: what it is and where from, never a token or a hash. */
export const presentSession = (session: ListedSession): ResponseBody<'SessionList'>['items'][number] => ({
  id: session.id,
  created_at: session.createdAt,
  last_used_at: session.lastUsedAt,
  expires_at: new Date(session.expiresAt * 1000).toISOString(),
  user_agent: session.userAgent,
  current: session.current,
});

/** The wire form of an audit event. */
export const presentEvent = (event: AuditEvent): ResponseBody<'Event'> => ({
  id: event.id,
  ...snakeCaseEvent(event),
  // Read-only in the domain; the wire form is a plain JSON object.
  details: event.details as Record<string, string | number | boolean | string[]>,
});

/** A page of the trail: its events and the cursor of the next page. */
export const presentEventPage = (page: {
  readonly events: readonly AuditEvent[];
  readonly nextCursor: string | null;
}): ResponseBody<'EventList'> => ({ items: page.events.map(presentEvent), next_cursor: page.nextCursor });

export const etagOf = (user: User): string => `"${user.version}"`;

/** A single user, with the ETag that If-Match is checked against. */
export const userResponse = <S extends number>(
  statusCode: S,
  user: User,
  headers: Record<string, string> = {},
): HttpResponse<S> => json(statusCode, presentUser(user), { ETag: etagOf(user), ...headers });

const PROBLEM_TYPE_BASE = 'https://user-api.dev/problems/';

/** RFC 9457 problem details. */
export const problem = (error: AppError): HttpResponse => {
  const status = statusOf(error);
  return {
    statusCode: status,
    headers: { ...BASE_HEADERS, 'Content-Type': 'application/problem+json', ...headersOf(error) },
    body: JSON.stringify({
      type: `${PROBLEM_TYPE_BASE}${error.code}`,
      title: error.title,
      status,
      detail: error.detail,
      ...(error.errors && error.errors.length > 0 ? { errors: error.errors } : {}),
    }),
  };
};

/** Anything unexpected: a generic body; the detail goes only to the log. */
export const internalError = (requestId: string): HttpResponse => ({
  statusCode: 500,
  headers: { ...BASE_HEADERS, 'Content-Type': 'application/problem+json' },
  body: JSON.stringify({
    type: `${PROBLEM_TYPE_BASE}internal-error`,
    title: 'Internal server error',
    status: 500,
    detail: `Something went wrong on our side. Quote request id ${requestId} if you report it.`,
  }),
});

export const isAppError = (error: unknown): error is AppError => error instanceof AppError;
