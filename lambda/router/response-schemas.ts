// The wire shapes of the API's answers, written once as valibot schemas: the presenters and
// handlers are typed by them (ResponseBody), and the OpenAPI generator (scripts/openapi) converts
// them into the document's components, adding its examples there. Types only at run time: the
// router imports none of this, so no Lambda bundle carries it.
import * as v from 'valibot';
import { AUDIT_EVENT_TYPES } from '../audit/event';
import { roleSchema, statusSchema } from '../users/schemas';

/** The wire form of every time: ISO 8601 UTC with milliseconds. */
const timestamp = v.pipe(v.string(), v.isoTimestamp(), v.regex(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/));

/**
 * A response object: its fields (no other), its title, and what it is when the title does not say
 * enough. Strict, so the contract tests fail on any field the document does not name (a credential, say).
 */
const responseObject = <TEntries extends v.ObjectEntries>(
  title: string,
  entries: TEntries,
  description?: string,
) => {
  const fields = v.strictObject(entries);
  return description === undefined
    ? v.pipe(fields, v.title(title))
    : v.pipe(fields, v.title(title), v.description(description));
};

const userSchema = responseObject(
  'User',
  {
    id: v.pipe(v.string(), v.uuid(), v.description('Assigned by the server (UUID v4).')),
    email: v.pipe(v.string(), v.email(), v.description('Lower-case; unique across users.')),
    name: v.string(),
    role: roleSchema,
    email_verified: v.pipe(
      v.boolean(),
      v.description(
        'Whether the user has confirmed `email` through a mailed link. False after every email change.',
      ),
    ),
    mfa_enabled: v.pipe(
      v.boolean(),
      v.description('A second factor (TOTP) is enabled: logins ask for a code after the password.'),
    ),
    status: v.pipe(statusSchema, v.description('`disabled`: cannot log in, and every token is refused.')),
    last_login: v.pipe(
      v.nullable(timestamp),
      v.description('When the user last logged in; null before that.'),
    ),
    created_at: timestamp,
    updated_at: timestamp,
  },
  'A user, as every response shows it. Never a password or a hash.',
);

const loginResponseSchema = responseObject('LoginResponse', {
  token: v.pipe(
    v.string(),
    v.regex(/^[\w-]+\.[\w-]+\.[\w-]+$/),
    v.description(
      'The access token, an ES256 JWT whose `kid` names a key of `GET /.well-known/jwks.json`: send it as `Authorization: Bearer <token>`.',
    ),
  ),
  token_type: v.literal('Bearer'),
  expires_in: v.pipe(
    v.number(),
    v.integer(),
    v.minValue(1),
    v.description('Seconds until the access token expires.'),
  ),
  refresh_token: v.pipe(
    v.string(),
    v.regex(/^[0-9a-f-]{36}\.[\w-]{43}$/),
    v.description(
      'Opaque: send it to `POST /refresh` for a new access token and a new refresh token. Each one works once.',
    ),
  ),
  refresh_expires_in: v.pipe(
    v.number(),
    v.integer(),
    v.minValue(1),
    v.description('Seconds until the session ends, and with it every refresh token of it.'),
  ),
  user: userSchema,
  device_token: v.optional(
    v.pipe(
      v.string(),
      v.regex(/^[\w-]{43}$/),
      v.description(
        'Logins only (not `POST /refresh`): keep it on this device and send it as `device_token` in later `POST /login` bodies for this account; such a login counts in this device\'s own back-off only, so strangers locking the account out cannot lock out a device it signed in from before. Not a credential on its own; a password change or reset and "log out everywhere" void it.',
      ),
    ),
  ),
});

const mfaRequiredSchema = responseObject(
  'MfaRequired',
  {
    mfa_required: v.literal(true),
    mfa_token: v.pipe(
      v.string(),
      v.description('Single use: send it with a code to `POST /login/mfa` within `expires_in` seconds.'),
    ),
    expires_in: v.pipe(v.number(), v.integer(), v.minValue(1)),
  },
  'The right password of a user with a second factor: no token yet.',
);

const loginOutcomeSchema = v.pipe(
  v.union([loginResponseSchema, mfaRequiredSchema]),
  v.title('LoginOutcome'),
  v.description('A login: the tokens, or (with a second factor) the second step.'),
);

const recoveryCodesSchema = responseObject('RecoveryCodes', {
  recovery_codes: v.pipe(
    v.array(v.string()),
    v.length(10),
    v.description('Each works once instead of a code at `POST /login/mfa`. Shown this once.'),
  ),
});

const totpEnrolmentSchema = responseObject('TotpEnrolment', {
  secret: v.pipe(
    v.string(),
    v.regex(/^[A-Z2-7]+=*$/),
    v.description('The TOTP secret, base32. Shown this once.'),
  ),
  otpauth_uri: v.pipe(
    v.string(),
    v.startsWith('otpauth://totp/'),
    v.description('The same secret for an authenticator app (often shown as a QR code).'),
  ),
});

/** A page of a listing: its items, and the cursor of the next page. */
const pageSchema = <TItem extends v.GenericSchema>(items: TItem, title: string) =>
  responseObject(title, {
    items: v.array(items),
    next_cursor: v.pipe(
      v.nullable(v.string()),
      v.description('Opaque: pass it as `cursor` for the next page. null on the last page.'),
    ),
  });

const userListSchema = pageSchema(userSchema, 'UserList');

const sessionSchema = v.strictObject({
  id: v.pipe(
    v.string(),
    v.uuid(),
    v.description('The session id, for `DELETE /users/{id}/sessions/{session_id}`.'),
  ),
  created_at: v.pipe(timestamp, v.description('The login that opened it.')),
  last_used_at: v.pipe(timestamp, v.description('Its login, or its latest refresh.')),
  expires_at: v.pipe(timestamp, v.description('When it ends at the latest.')),
  user_agent: v.pipe(
    v.nullable(v.pipe(v.string(), v.maxLength(256))),
    v.description('The `User-Agent` of its login, cut to 256 characters; null when none was sent.'),
  ),
  current: v.pipe(v.boolean(), v.description('True for the session of the token making the call.')),
});

const sessionListSchema = responseObject(
  'SessionList',
  { items: v.array(sessionSchema) },
  'Live sessions, newest first. Never a token or a hash.',
);

const eventSchema = v.pipe(
  v.strictObject({
    id: v.pipe(v.string(), v.uuid()),
    type: v.picklist(AUDIT_EVENT_TYPES),
    at: timestamp,
    user_id: v.pipe(
      v.nullable(v.string()),
      v.description('The user it concerns; null for a failed login of an unknown email.'),
    ),
    actor_id: v.pipe(v.nullable(v.string()), v.description('Who acted; null when anonymous.')),
    outcome: v.picklist(['success', 'failure']),
    request_id: v.string(),
    ip: v.nullable(v.string()),
    user_agent: v.nullable(v.string()),
    details: v.pipe(
      v.record(v.string(), v.union([v.string(), v.number(), v.boolean(), v.array(v.string())])),
      v.description('Names and reasons (the changed fields, a failure reason); never a secret.'),
    ),
  }),
  v.title('Event'),
  v.description('An audit event, written in the same transaction as the change it records.'),
);

const eventListSchema = pageSchema(eventSchema, 'EventList');

const problemSchema = v.pipe(
  v.strictObject({
    type: v.pipe(
      v.string(),
      v.url(),
      v.description('Stable identifier of the kind of problem: branch on it.'),
    ),
    title: v.string(),
    status: v.pipe(v.number(), v.integer(), v.description('The HTTP status, repeated.')),
    detail: v.string(),
    errors: v.optional(
      v.pipe(
        v.array(
          v.strictObject({
            path: v.pipe(v.string(), v.description('The field (`email`), or empty for the whole body.')),
            message: v.string(),
          }),
        ),
        v.minLength(1),
        v.description('One entry per offending field.'),
      ),
    ),
  }),
  v.title('Problem'),
  v.description('RFC 9457 problem details (`application/problem+json`).'),
);

const gatewayMessageSchema = v.pipe(
  v.strictObject({ message: v.string() }),
  v.title('GatewayMessage'),
  v.description(
    'An answer from API Gateway itself, before or instead of the API: `Unauthorized`, `Forbidden`, `Not Found`, `Request Entity Too Large`, `Internal Server Error`, `Service Unavailable`.',
  ),
);

export const RESPONSE_SCHEMAS = {
  User: userSchema,
  LoginResponse: loginResponseSchema,
  MfaRequired: mfaRequiredSchema,
  LoginOutcome: loginOutcomeSchema,
  TotpEnrolment: totpEnrolmentSchema,
  RecoveryCodes: recoveryCodesSchema,
  UserList: userListSchema,
  SessionList: sessionListSchema,
  Event: eventSchema,
  EventList: eventListSchema,
  Problem: problemSchema,
  GatewayMessage: gatewayMessageSchema,
} as const satisfies Record<string, v.GenericSchema>;

export type ResponseSchemaName = keyof typeof RESPONSE_SCHEMAS;

/** The body of an answer, as its schema says it is on the wire. */
export type ResponseBody<N extends ResponseSchemaName> = v.InferOutput<(typeof RESPONSE_SCHEMAS)[N]>;
