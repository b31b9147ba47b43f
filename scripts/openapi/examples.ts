// Examples for the OpenAPI document, made by the code that makes real responses (presentUser,
// problem(), internalError(), parseStrict), so their shape cannot drift from what clients get.
// Also the catalogue of problem types: every AppError the API raises, one instance each.
import { InvalidTokenError } from '../../lambda/mail/errors';
import { FactorAlreadyEnabledError, SecondFactorRefusedError } from '../../lambda/mfa/errors';
import * as edgeErrors from '../../lambda/router/errors';
import {
  internalError,
  presentEvent,
  presentSession,
  presentUser,
  problem,
} from '../../lambda/router/responses';
import { createCursorSealer } from '../../lambda/shared/cursor';
import * as errors from '../../lambda/shared/errors';
import { parseStrict } from '../../lambda/shared/parse-strict';
import { EmailTakenError, LastAdminError, WriteContentionError } from '../../lambda/users/errors';
import { createUserSchema } from '../../lambda/users/schemas';
import type { User } from '../../lambda/users/user';

const SIGNED_UP = '2026-11-28T12:00:00.000Z';
const LOGGED_IN = '2026-11-28T12:05:00.000Z';

const denis: User = {
  id: '3f0c8a1e-5b7d-4c2a-9e1f-6d8b0a2c4e6f',
  email: 'denis@example.com',
  name: 'Denis',
  role: 'user',
  emailVerified: false,
  status: 'active',
  lastLogin: null,
  mfaEnabled: false,
  createdAt: SIGNED_UP,
  updatedAt: SIGNED_UP,
  version: 1,
};

const ada: User = {
  ...denis,
  id: '9e3a6c1d-2b7f-4d48-8c0e-6a1b2c3d4e5f',
  email: 'ada@example.com',
  name: 'Ada',
  role: 'admin',
  lastLogin: LOGGED_IN,
};

const EXAMPLE_PASSWORD = 'correct horse battery';
const SESSION_ID = '7d1e0c3b-2a4f-4e5d-9c8b-1a2b3c4d5e6f';

const validationError = (): errors.ValidationError => {
  try {
    parseStrict(createUserSchema, { email: 'not-an-email', name: 'Denis', password: 'short', id: denis.id });
  } catch (error) {
    if (error instanceof errors.ValidationError) return error;
    throw error;
  }
  throw new Error('the example body was expected to be refused');
};

/** One instance of every error the API answers with, grouped into responses by status. */
export const problemCatalogue = (): readonly errors.AppError[] => [
  validationError(),
  new edgeErrors.MalformedRequestError('The body is not valid JSON (UTF-8).'),
  new errors.UnauthenticatedError('The token has expired.'),
  new errors.InvalidCredentialsError(),
  new SecondFactorRefusedError('The code is wrong, or was already used.'),
  new errors.ForbiddenError('You may only act on your own user.'),
  new errors.AccountDisabledError(),
  new errors.ReauthenticationRequiredError(
    'This needs recent authentication: send current_password (and code or recovery_code when you have a second factor), or log in again.',
  ),
  new errors.NotFoundError(`No user has the id "${denis.id}".`),
  new errors.UnauthenticatedError('The refresh token is not valid, or its session has ended; log in again.'),
  new EmailTakenError(),
  new InvalidTokenError(),
  new FactorAlreadyEnabledError(),
  new WriteContentionError(),
  new LastAdminError(),
  new errors.PreconditionFailedError('The user changed since you read it.'),
  new edgeErrors.PayloadTooLargeError('The body is 20480 bytes; at most 16384 are accepted.'),
  new edgeErrors.UnsupportedMediaTypeError(
    'The body must be JSON, sent as Content-Type: application/json, not text/plain.',
  ),
  new errors.TooManyAttemptsError(30),
  new errors.RateLimitedError(30),
  new errors.UnavailableError('The user store is not answering right now; retry shortly.'),
];

/** The wire body of a problem, as the router writes it. */
export const problemBody = (error: errors.AppError): Record<string, unknown> =>
  JSON.parse(problem(error).body ?? '{}');

export const internalErrorBody = (): Record<string, unknown> =>
  JSON.parse(internalError('kqD4ChPWoAMEb9A=').body ?? '{}');

export const examples = {
  user: presentUser(denis),
  verifiedUser: presentUser({ ...denis, emailVerified: true }),
  login: {
    token:
      'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIzZjBjOGExZS01YjdkLTRjMmEtOWUxZi02ZDhiMGEyYzRlNmYiLCJyb2xlIjoidXNlciJ9.c2lnbmF0dXJl',
    token_type: 'Bearer' as const,
    expires_in: 900,
    refresh_token: `${SESSION_ID}.q9D3vS0yJx1mT4bN8kWcR2fH6pL0aZ5eU7iO3gY1sKw`,
    refresh_expires_in: 2592000,
    user: presentUser({ ...denis, lastLogin: LOGGED_IN }),
    device_token: 'Zk3pQ8vN1xR6tB0mW4yC9hJ2sL7dF5gA3eU8iO1kT6q',
  },
  sessions: {
    items: [
      presentSession({
        id: SESSION_ID,
        userId: denis.id,
        createdAt: LOGGED_IN,
        lastUsedAt: '2026-11-28T12:35:00.000Z',
        expiresAt: Date.parse(LOGGED_IN) / 1000 + 2592000,
        userAgent: 'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0',
        tokenVersion: 0,
        current: true,
      }),
      presentSession({
        id: '0b8e5f2a-4c6d-4e1f-8a3b-9c7d5e3f1a2b',
        userId: denis.id,
        createdAt: SIGNED_UP,
        lastUsedAt: SIGNED_UP,
        expiresAt: Date.parse(SIGNED_UP) / 1000 + 2592000,
        userAgent: 'curl/8.5.0',
        tokenVersion: 0,
        current: false,
      }),
    ],
  },
  sessionId: SESSION_ID,
  list: {
    items: [presentUser(ada), presentUser(denis)],
    // A real cursor, sealed as the router seals one (with a fixed key and IV so the document is stable).
    next_cursor: createCursorSealer(new Uint8Array(32).fill(7), (bytes) =>
      new Uint8Array(bytes).fill(1),
    ).seal(JSON.stringify({ id: denis.id, email: denis.email })),
  },
  mfaRequired: {
    mfa_required: true as const,
    mfa_token: 'm3Yq8cPZxW0kJ2vT9bN4rL6hD1sF5gA7eU3iO0pQ2wE',
    expires_in: 300,
  },
  totpEnrolment: {
    secret: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP',
    otpauth_uri:
      'otpauth://totp/User%20API:denis%40example.com?issuer=User%20API&secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&algorithm=SHA1&digits=6&period=30',
  },
  recoveryCodes: {
    recovery_codes: [
      'k7qd-2mxa-p4ve-n9tb',
      'h3wz-8cfr-j6ys-u2lg',
      'b5nm-q7ke-x3ta-w8dp',
      'r2vc-6hjz-f9qs-m4ey',
      'd8gt-3wpn-c5ka-v7zr',
      'y4le-9bsx-t2mh-q6fj',
      'p6ua-4zdk-w3rn-g8cv',
      'n9fy-5tqe-h2bw-l7xm',
      'e3kr-7vma-s6pz-d4gu',
      'w5jd-2nch-y8tq-b3fk',
    ],
  },
  events: {
    items: [
      presentEvent({
        id: '7c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f',
        type: 'user.updated',
        at: LOGGED_IN,
        userId: denis.id,
        actorId: ada.id,
        outcome: 'success',
        requestId: 'kqD4ChPWoAMEb9A=',
        ip: '203.0.113.7',
        userAgent: 'curl/8.5.0',
        details: { fields: ['name'] },
      }),
    ],
    next_cursor: null,
  },
  etag: '"1"',
  id: denis.id,
  requests: {
    CreateUserRequest: { email: 'Denis@Example.com', name: 'Denis', password: EXAMPLE_PASSWORD },
    LoginRequest: { email: 'denis@example.com', password: EXAMPLE_PASSWORD },
    ReplaceUserRequest: {
      email: 'denis@example.org',
      name: 'Denis R.',
      password: 'a new and longer passphrase',
      current_password: EXAMPLE_PASSWORD,
    },
    UpdateUserRequest: { name: 'Denis R.' },
    MailRequest: { email: 'denis@example.com' },
    PasswordResetRequest: { email: 'denis@example.com' },
    ConfirmVerificationRequest: { token: 'fJ3k9Qm2-xV7aLpR0tYw5ZcNe8HbGu4sDi1oKq6rMnA' },
    ConfirmPasswordResetRequest: {
      token: 'fJ3k9Qm2-xV7aLpR0tYw5ZcNe8HbGu4sDi1oKq6rMnA',
      password: 'a new and longer passphrase',
    },
    LoginMfaRequest: { mfa_token: 'm3Yq8cPZxW0kJ2vT9bN4rL6hD1sF5gA7eU3iO0pQ2wE', code: '492039' },
    VerifyTotpRequest: { code: '492039' },
    StepUpRequest: { current_password: EXAMPLE_PASSWORD, code: '492039' },
    RefreshRequest: { refresh_token: `${SESSION_ID}.q9D3vS0yJx1mT4bN8kWcR2fH6pL0aZ5eU7iO3gY1sKw` },
  },
};
