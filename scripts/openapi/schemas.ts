// The JSON Schemas of the OpenAPI document, converted from valibot: the request schemas the
// router validates with (read from the route table), and the response schemas, written here once
// for the wire shapes of lambda/router/responses.ts; test/unit/response-shapes.test.ts makes the
// presenters' types equal to them at compile time. Responses are strict objects, so the contract
// test fails on any field the document does not name (a credential, say).
import { type ConversionConfig, type JsonSchema, toJsonSchemaDefs } from '@valibot/to-json-schema';
import * as v from 'valibot';
import { AUDIT_EVENT_TYPES } from '../../lambda/audit/event';
import { type ResponseBodyName, type Route, routes } from '../../lambda/routes';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../../lambda/shared/page-query';
import {
  emailSchema,
  nameSchema,
  passwordSchema,
  roleSchema,
  statusSchema,
} from '../../lambda/users/schemas';
import { examples } from './examples';
import type { INLINE_SCHEMAS } from './references';

/** The wire form of every time: ISO 8601 UTC with milliseconds. */
const timestamp = v.pipe(v.string(), v.isoTimestamp(), v.regex(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/));

/**
 * A response object of the document: its fields (no other), its title, what it is when the title
 * does not say enough, and its example.
 */
const responseObject = <TEntries extends v.ObjectEntries>(
  title: string,
  entries: TEntries,
  example: unknown,
  description?: string,
) => {
  const fields = v.strictObject(entries);
  return description === undefined
    ? v.pipe(fields, v.title(title), v.examples([example as never]))
    : v.pipe(fields, v.title(title), v.description(description), v.examples([example as never]));
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
  examples.user,
  'A user, as every response shows it. Never a password or a hash.',
);

const loginResponseSchema = responseObject(
  'LoginResponse',
  {
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
  },
  examples.login,
);

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
  examples.mfaRequired,
  'The right password of a user with a second factor: no token yet.',
);

const loginOutcomeSchema = v.pipe(
  v.union([loginResponseSchema, mfaRequiredSchema]),
  v.title('LoginOutcome'),
  v.description('A login: the tokens, or (with a second factor) the second step.'),
);

const recoveryCodesSchema = responseObject(
  'RecoveryCodes',
  {
    recovery_codes: v.pipe(
      v.array(v.string()),
      v.length(10),
      v.description('Each works once instead of a code at `POST /login/mfa`. Shown this once.'),
    ),
  },
  examples.recoveryCodes,
);

const totpEnrolmentSchema = responseObject(
  'TotpEnrolment',
  {
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
  },
  examples.totpEnrolment,
);

/** A page of a listing: its items, and the cursor of the next page. */
const pageSchema = <TItem extends v.GenericSchema>(items: TItem, title: string, example: unknown) =>
  responseObject(
    title,
    {
      items: v.array(items),
      next_cursor: v.pipe(
        v.nullable(v.string()),
        v.description('Opaque: pass it as `cursor` for the next page. null on the last page.'),
      ),
    },
    example,
  );

const userListSchema = pageSchema(userSchema, 'UserList', examples.list);

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
  examples.sessions,
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

const eventListSchema = pageSchema(eventSchema, 'EventList', examples.events);

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

/** What a request field is turned into before it is checked, as a reader needs to know. */
const NORMALISATIONS: Readonly<Record<string, string>> = {
  trim: 'surrounding whitespace removed',
  to_lower_case: 'lower-cased',
};

// Collected while converting, then turned into the description (see describeRules).
const NORMALISED = 'x-normalised';
const CHECKED = 'x-checked';

const noting = (schema: JsonSchema, key: string, note: string): JsonSchema => {
  const notes = (schema as Record<string, unknown>)[key];
  return { ...schema, [key]: [...(Array.isArray(notes) ? notes : []), note] };
};

/**
 * Rules JSON Schema cannot state (normalisations, byte lengths, custom checks) are noted in the
 * schema's own words; a rule that would otherwise be dropped silently fails the build instead.
 */
const noteUnconvertible: ConversionConfig['overrideAction'] = ({ valibotAction, jsonSchema, errors }) => {
  const normalisation = NORMALISATIONS[valibotAction.type];
  if (normalisation) return noting(jsonSchema, NORMALISED, normalisation);
  const message = (valibotAction as { message?: unknown }).message;
  if (valibotAction.type === 'check' && typeof message === 'string')
    return noting(jsonSchema, CHECKED, message);
  // valibot's `u` flag: JSON Schema 2020-12 patterns are Unicode-aware already.
  const flags = (valibotAction as { requirement?: RegExp }).requirement?.flags;
  if (
    valibotAction.type === 'regex' &&
    flags === 'u' &&
    errors?.length === 1 &&
    typeof message === 'string'
  ) {
    return noting(jsonSchema, CHECKED, message);
  }
  if (errors) throw new Error(`OpenAPI: ${errors.join(' ')}`);
  return null;
};

/** Turns the collected notes into the description, at every depth of the schema. */
const describeRules = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(describeRules);
  if (typeof value !== 'object' || value === null) return value;
  const { [NORMALISED]: normalised, [CHECKED]: checked, ...schema } = value as Record<string, unknown>;
  const described = Object.fromEntries(
    Object.entries(schema).map(([key, item]) => [key, describeRules(item)]),
  );
  const parts = [
    typeof schema.description === 'string' ? schema.description : undefined,
    Array.isArray(normalised) ? `Before it is checked: ${normalised.join(', ')}.` : undefined,
    Array.isArray(checked)
      ? `Refused (400) when it fails: ${checked.map((note) => `"${note}"`).join(', ')}.`
      : undefined,
  ].filter(Boolean);
  return parts.length > 0 ? { ...described, description: parts.join(' ') } : described;
};

const conversion = {
  target: 'draft-2020-12',
  typeMode: 'input',
  overrideAction: noteUnconvertible,
  overrideRef: ({ referenceId }) => `#/components/schemas/${referenceId}`,
} as const satisfies Omit<ConversionConfig, 'definitions'>;

/** Fields whose meaning the schema alone cannot tell. */
const FIELD_NOTES: Readonly<Record<string, string>> = {
  role: 'Only an admin may set or change it; anyone else gets 403.',
  current_password:
    'Your current password: required when you change your own email or password (PUT always sets one). A wrong one counts as a failed login. An admin changing another user needs none.',
};

const finish = ({ $schema: _, ...schema }: JsonSchema): JsonSchema => describeRules(schema) as JsonSchema;

/** Request bodies are strict: an unknown or server-managed field is a 400 that names it. */
const requestBody = (schema: JsonSchema): JsonSchema => {
  const properties = Object.fromEntries(
    Object.entries(schema.properties ?? {}).map(([name, property]) => {
      const note = FIELD_NOTES[name];
      return [name, note && typeof property === 'object' ? { ...property, description: note } : property];
    }),
  );
  const { required, ...rest } = finish(schema);
  return { ...rest, properties, ...(required?.length ? { required } : {}), additionalProperties: false };
};

/** Every request body of the route table, by its component name. */
const REQUEST_SCHEMAS: Record<string, v.GenericSchema> = Object.fromEntries(
  routes.flatMap((route) => ('body' in route ? [[route.body.name, route.body.schema]] : [])),
);

export type RequestSchemaName = Extract<Route, { body: unknown }>['body']['name'];

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
} as const satisfies Record<Exclude<ResponseBodyName, keyof typeof INLINE_SCHEMAS>, v.GenericSchema> &
  Record<string, v.GenericSchema>;

export type ResponseSchemaName = keyof typeof RESPONSE_SCHEMAS;

/** `components.schemas`: shared field schemas are referenced, not repeated. */
export const componentSchemas = (): Record<string, JsonSchema> => {
  const converted = toJsonSchemaDefs(
    {
      Email: emailSchema,
      Name: nameSchema,
      Password: passwordSchema,
      Role: roleSchema,
      ...REQUEST_SCHEMAS,
      ...RESPONSE_SCHEMAS,
    },
    conversion,
  );
  const schemas: Record<string, JsonSchema> = {};
  for (const [name, schema] of Object.entries(converted).sort(([a], [b]) => a.localeCompare(b))) {
    schemas[name] = name in REQUEST_SCHEMAS ? requestBody(schema) : finish(schema);
  }
  // PATCH: at least one of the writable fields (current_password alone changes nothing).
  schemas.UpdateUserRequest = {
    ...schemas.UpdateUserRequest,
    anyOf: ['email', 'name', 'password', 'role'].map((field) => ({ required: [field] })),
  };
  // Exactly one of the two shapes (strict objects): `oneOf` says so where `anyOf` would not.
  const { anyOf: outcomes, ...outcome } = schemas.LoginOutcome ?? {};
  schemas.LoginOutcome = { ...outcome, oneOf: outcomes };
  return schemas;
};

const QUERY_DESCRIPTIONS: Record<string, string> = {
  limit: `Page size, ${1} to ${MAX_PAGE_SIZE}; default ${DEFAULT_PAGE_SIZE}.`,
  cursor: 'The `next_cursor` of the previous page. Opaque; a tampered one is a 400.',
};

/** A route's query parameters, from the schema the router parses them with. */
export const queryParameters = (schema: v.GenericSchema): Record<string, unknown>[] => {
  const [converted] = Object.values(toJsonSchemaDefs({ Query: schema }, conversion));
  const required = new Set(converted?.required ?? []);
  const descriptions = QUERY_DESCRIPTIONS;
  return Object.entries(converted?.properties ?? {}).map(([name, schema]) => ({
    name,
    in: 'query',
    required: required.has(name),
    description: descriptions[name],
    schema: finish(schema as JsonSchema),
  }));
};
