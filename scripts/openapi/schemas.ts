// The JSON Schemas of the OpenAPI document, converted from valibot: the request schemas the
// router validates with (read from the route table), and the response schemas the handlers are
// typed by (lambda/router/response-schemas.ts), with this document's examples added.
import { type ConversionConfig, type JsonSchema, toJsonSchemaDefs } from '@valibot/to-json-schema';
import type * as v from 'valibot';
import { RESPONSE_SCHEMAS, type ResponseSchemaName } from '../../lambda/router/response-schemas';
import { type ResponseBodyName, type Route, routes } from '../../lambda/routes';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../../lambda/shared/page-query';
import { emailSchema, nameSchema, passwordSchema, roleSchema } from '../../lambda/users/schemas';
import { examples } from './examples';
import type { INLINE_SCHEMAS } from './references';

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

/** Each response schema's example, added to its component (the schemas themselves carry none). */
const RESPONSE_EXAMPLES: Partial<Record<ResponseSchemaName, unknown>> = {
  User: examples.user,
  LoginResponse: examples.login,
  MfaRequired: examples.mfaRequired,
  RecoveryCodes: examples.recoveryCodes,
  TotpEnrolment: examples.totpEnrolment,
  UserList: examples.list,
  SessionList: examples.sessions,
  EventList: examples.events,
};

// Every body a route answers with is a schema of ours or one written inline, never neither.
RESPONSE_SCHEMAS satisfies Record<Exclude<ResponseBodyName, keyof typeof INLINE_SCHEMAS>, v.GenericSchema>;

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
    const example = RESPONSE_EXAMPLES[name as ResponseSchemaName];
    schemas[name] =
      name in REQUEST_SCHEMAS
        ? requestBody(schema)
        : // The examples are the presenters' own output: JSON by construction.
          ({ ...finish(schema), ...(example !== undefined && { examples: [example] }) } as JsonSchema);
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
