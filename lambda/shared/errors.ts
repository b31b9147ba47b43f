// The one error hierarchy. Domain and store code throw these; they carry a stable code and a
// human title and detail, never an HTTP status: the router maps them to statuses and headers
// once, at the edge (router/problems.ts), and writes RFC 9457 problem details.

export interface FieldIssue {
  /** The field, as a dotted path into the request (`email`, `current_password`), or `` for the whole body. */
  readonly path: string;
  readonly message: string;
}

export abstract class AppError extends Error {
  /** Stable, machine-readable: becomes the problem `type` (`/problems/email-taken`). */
  abstract readonly code: string;
  abstract readonly title: string;

  constructor(
    readonly detail: string,
    /** One entry per offending field. */
    readonly errors?: readonly FieldIssue[],
    options?: ErrorOptions,
  ) {
    super(detail, options);
    this.name = new.target.name;
  }
}

/** The base of one kind of error: its code and title, the same for every instance. */
export const errorKind = (code: string, title: string) => {
  abstract class Kind extends AppError {
    readonly code = code;
    readonly title = title;
  }
  return Kind;
};

export class ValidationError extends errorKind('validation-failed', 'Your request is not valid') {
  declare readonly errors: readonly FieldIssue[];
  constructor(detail: string, errors: readonly FieldIssue[] = []) {
    super(detail, errors);
  }
}

export class UnauthenticatedError extends errorKind('unauthenticated', 'Authentication required') {}

export class InvalidCredentialsError extends errorKind('invalid-credentials', 'Invalid email or password') {
  constructor() {
    // One body for a wrong password and an unknown email: nothing tells them apart.
    super('The email or password is incorrect.');
  }
}

export class ForbiddenError extends errorKind('forbidden', 'Not allowed') {}

/**
 * A sensitive action (a factor, recovery codes, deleting one's own account) asked by a session
 * that did not sign in recently enough, with no `current_password` (and code) in the body.
 */
export class ReauthenticationRequiredError extends errorKind(
  'reauthentication-required',
  'Recent authentication required',
) {}

/** The right password of a disabled user: only someone who knows it learns the status. */
export class AccountDisabledError extends errorKind('account-disabled', 'Account disabled') {
  constructor() {
    super('This account is disabled. Ask an administrator to enable it.');
  }
}

export class NotFoundError extends errorKind('not-found', 'Not found') {}

/** The request conflicts with the current state; `code` says how (`email-taken`, `write-conflict`…). */
export class ConflictError extends AppError {
  readonly code: string;
  readonly title: string;
  constructor(code: string, title: string, detail: string, errors?: readonly FieldIssue[]) {
    super(detail, errors);
    this.code = code;
    this.title = title;
  }
}

export class PreconditionFailedError extends errorKind('precondition-failed', 'The resource has changed') {}

export class TooManyAttemptsError extends errorKind('too-many-attempts', 'Too many failed attempts') {
  constructor(readonly retryAfterSeconds: number) {
    super(`Too many failed login attempts for this account. Try again in ${retryAfterSeconds} s.`);
  }
}

/** One client sent more requests to a rate-limited route than its window allows. */
export class RateLimitedError extends errorKind('rate-limited', 'Too many requests') {
  constructor(readonly retryAfterSeconds: number) {
    super(`Too many requests from this address. Try again in ${retryAfterSeconds} s.`);
  }
}

/** A dependency (the store) is down, throttling or too slow; the request may be retried. */
export class UnavailableError extends errorKind('service-unavailable', 'Service temporarily unavailable') {
  readonly retryAfterSeconds = 1;
}
