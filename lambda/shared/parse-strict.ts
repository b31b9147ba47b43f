// Reading a request body or query against a strict object schema (valibot): an unknown or
// server-managed field is refused by name, and every problem is reported, each naming its field.
import * as v from 'valibot';
import { type FieldIssue, ValidationError } from './errors';

/** Fields the server owns. Naming them in a body is a 400 that says so. */
const SERVER_MANAGED = new Set([
  'id',
  'last_login',
  'created_at',
  'updated_at',
  'version',
  'token_version',
  'password_hash',
  'email_verified',
]);

type ObjectSchema = v.ObjectSchema<v.ObjectEntries, undefined>;

const describe = (issue: v.BaseIssue<unknown>): string => {
  // A missing key reaches us as an object-level issue whose input is undefined.
  if (issue.type === 'object' && issue.input === undefined) return 'is required';
  return issue.message;
};

const summarise = (what: string, errors: readonly FieldIssue[]): string =>
  `The ${what} is not valid: ${errors.map((error) => (error.path ? `${error.path} ${error.message}` : error.message)).join('; ')}.`;

/**
 * Validates `input` against a strict object schema. Every problem is reported, each naming
 * its field: unknown fields, server-managed fields, missing and malformed values.
 */
export const parseStrict = <TSchema extends ObjectSchema>(
  schema: TSchema,
  input: unknown,
  what = 'request body',
): v.InferOutput<TSchema> => {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    const errors = [{ path: '', message: `must be a JSON object` }];
    throw new ValidationError(summarise(what, errors), errors);
  }
  const errors: FieldIssue[] = [];
  for (const key of Object.keys(input)) {
    if (Object.hasOwn(schema.entries, key)) continue;
    errors.push({
      path: key,
      message: SERVER_MANAGED.has(key)
        ? 'is managed by the server and cannot be set'
        : 'is not a known field',
    });
  }
  const result = v.safeParse(schema, input);
  if (!result.success) {
    for (const issue of result.issues) {
      errors.push({ path: v.getDotPath(issue) ?? '', message: describe(issue) });
    }
  }
  if (errors.length > 0 || !result.success) throw new ValidationError(summarise(what, errors), errors);
  return result.output;
};
