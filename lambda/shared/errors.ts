// The one error hierarchy. Domain and store code throw these; the router catches them once and
// writes RFC 9457 problem details. `status` is the HTTP status the error maps to, `type` a
// stable identifier clients can branch on.

export interface FieldIssue {
  /** The field, as a dotted path into the request (`email`, `current_password`), or `` for the whole body. */
  readonly path: string;
  readonly message: string;
}

export abstract class AppError extends Error {
  abstract readonly status: number;
  /** Stable, machine-readable: becomes the problem `type` (`/problems/email-taken`). */
  abstract readonly type: string;
  abstract readonly title: string;
  /** Extra response headers (Retry-After, WWW-Authenticate). */
  readonly headers?: Readonly<Record<string, string>>;

  constructor(
    readonly detail: string,
    /** One entry per offending field. */
    readonly errors?: readonly FieldIssue[],
  ) {
    super(detail);
    this.name = new.target.name;
  }
}

export class ValidationError extends AppError {
  readonly status = 400;
  readonly type = 'validation-failed';
  readonly title = 'Your request is not valid';
  declare readonly errors: readonly FieldIssue[];
  constructor(detail: string, errors: readonly FieldIssue[] = []) {
    super(detail, errors);
  }
}

export class MalformedRequestError extends AppError {
  readonly status = 400;
  readonly type = 'malformed-request';
  readonly title = 'The request could not be read';
}

export class UnauthenticatedError extends AppError {
  readonly status = 401;
  readonly type = 'unauthenticated';
  readonly title = 'Authentication required';
  override readonly headers = { 'WWW-Authenticate': 'Bearer realm="user-api", error="invalid_token"' };
}

export class InvalidCredentialsError extends AppError {
  readonly status = 401;
  readonly type = 'invalid-credentials';
  readonly title = 'Invalid email or password';
  constructor() {
    // One body for a wrong password and an unknown email: nothing tells them apart.
    super('The email or password is incorrect.');
  }
}

export class ForbiddenError extends AppError {
  readonly status = 403;
  readonly type = 'forbidden';
  readonly title = 'Not allowed';
}

export class NotFoundError extends AppError {
  readonly status = 404;
  readonly type = 'not-found';
  readonly title = 'Not found';
}

export class ConflictError extends AppError {
  readonly status = 409;
  readonly type: string;
  readonly title: string;
  constructor(type: string, title: string, detail: string, errors?: readonly FieldIssue[]) {
    super(detail, errors);
    this.type = type;
    this.title = title;
  }
}

export class PreconditionFailedError extends AppError {
  readonly status = 412;
  readonly type = 'precondition-failed';
  readonly title = 'The resource has changed';
}

export class PayloadTooLargeError extends AppError {
  readonly status = 413;
  readonly type = 'payload-too-large';
  readonly title = 'Request body too large';
}

export class UnsupportedMediaTypeError extends AppError {
  readonly status = 415;
  readonly type = 'unsupported-media-type';
  readonly title = 'Unsupported media type';
}

export class TooManyAttemptsError extends AppError {
  readonly status = 429;
  readonly type = 'too-many-attempts';
  readonly title = 'Too many failed attempts';
  override readonly headers: Readonly<Record<string, string>>;
  constructor(readonly retryAfterSeconds: number) {
    super(`Too many failed login attempts for this account. Try again in ${retryAfterSeconds} s.`);
    this.headers = { 'Retry-After': String(retryAfterSeconds) };
  }
}

export class ServiceUnavailableError extends AppError {
  readonly status = 503;
  readonly type = 'service-unavailable';
  readonly title = 'Service temporarily unavailable';
  override readonly headers = { 'Retry-After': '1' };
}
