// Assertions on what a client gets: a user's exact fields, the router's problems and API Gateway's own answers.
import type { ApiResponse } from './transport';

/** The exact fields of a user on the wire (SPEC), sorted: nothing more, ever. */
export const USER_FIELDS: readonly string[] = [
  'created_at',
  'email',
  'email_verified',
  'id',
  'last_login',
  'mfa_enabled',
  'name',
  'role',
  'status',
  'updated_at',
];

/** An RFC 9457 problem from the router, with the given status. */
export const expectProblem = (answer: ApiResponse, status: number): void => {
  expect({ status: answer.status, body: answer.body }).toEqual({ status, body: expect.anything() });
  expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  expect(answer.body).toEqual({
    type: expect.stringMatching(/^https:\/\/\S+$/),
    title: expect.any(String),
    status,
    detail: expect.any(String),
    ...(answer.body.errors === undefined ? {} : { errors: expect.any(Array) }),
  });
};

const GATEWAY_MESSAGES = {
  401: 'Unauthorized',
  403: 'Forbidden',
  413: 'Request Entity Too Large',
} as const;

/** API Gateway's own answers: no problem+json, just a message. */
export const expectGateway = (answer: ApiResponse, status: keyof typeof GATEWAY_MESSAGES): void => {
  expect({ status: answer.status, body: answer.body }).toEqual({
    status,
    body: { message: GATEWAY_MESSAGES[status] },
  });
};
