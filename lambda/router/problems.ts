// Domain errors → HTTP, in one place: the status, the extra headers, and the problem+json body
// (RFC 9457). Nothing below the router knows a status code.
import { SecondFactorRefusedError } from '../mfa/errors';
import {
  AccountDisabledError,
  type AppError,
  ConflictError,
  ForbiddenError,
  InvalidCredentialsError,
  NotFoundError,
  PreconditionFailedError,
  RateLimitedError,
  ReauthenticationRequiredError,
  TooManyAttemptsError,
  UnauthenticatedError,
  UnavailableError,
  ValidationError,
} from '../shared/errors';
import { MalformedRequestError, PayloadTooLargeError, UnsupportedMediaTypeError } from './errors';

// biome-ignore lint/suspicious/noExplicitAny: error classes differ in their constructor parameters
type ErrorClass = abstract new (...args: any[]) => AppError;

const STATUSES: readonly (readonly [ErrorClass, number])[] = [
  [ValidationError, 400],
  [MalformedRequestError, 400],
  [UnauthenticatedError, 401],
  [InvalidCredentialsError, 401],
  [SecondFactorRefusedError, 401],
  [ForbiddenError, 403],
  [AccountDisabledError, 403],
  [ReauthenticationRequiredError, 403],
  [NotFoundError, 404],
  [ConflictError, 409],
  [PreconditionFailedError, 412],
  [PayloadTooLargeError, 413],
  [UnsupportedMediaTypeError, 415],
  [TooManyAttemptsError, 429],
  [RateLimitedError, 429],
  [UnavailableError, 503],
];

export const statusOf = (error: AppError): number =>
  STATUSES.find(([type]) => error instanceof type)?.[1] ?? 500;

export const headersOf = (error: AppError): Record<string, string> => {
  if (error instanceof UnauthenticatedError) {
    return { 'WWW-Authenticate': 'Bearer realm="user-api", error="invalid_token"' };
  }
  if (
    error instanceof TooManyAttemptsError ||
    error instanceof RateLimitedError ||
    error instanceof UnavailableError
  ) {
    return { 'Retry-After': String(error.retryAfterSeconds) };
  }
  return {};
};
