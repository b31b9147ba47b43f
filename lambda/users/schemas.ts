// Input schemas (valibot): what a request may say, validated at the edge before the domain
// sees it. Objects are strict — an unknown or server-managed field is refused by name — and
// values come out normalised (email trimmed and lower-cased, name trimmed).
import * as v from 'valibot';
import { AUDIT_EVENT_TYPES } from '../audit/event';
import { type FieldIssue, ValidationError } from '../shared/errors';
import { normalisePassword, passwordRuleBroken } from './password-rules';
import { ROLES, STATUSES } from './user';

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

const MAX_EMAIL_LENGTH = 254;
export const PASSWORD_MIN_BYTES = 8;
/** bcrypt reads only 72 bytes: longer passwords are refused, never silently truncated. */
export const PASSWORD_MAX_BYTES = 72;
const NAME_MAX_CHARACTERS = 100;

const byteLength = (text: string): number => Buffer.byteLength(text, 'utf8');

const MAX_LOCAL_PART_LENGTH = 64;
const MAX_DOMAIN_LABEL_LENGTH = 63;

export const emailSchema = v.pipe(
  v.string('must be a string'),
  v.trim(),
  v.toLowerCase(),
  v.nonEmpty('is required'),
  v.maxLength(MAX_EMAIL_LENGTH, `must be at most ${MAX_EMAIL_LENGTH} characters`),
  v.email('must be a valid email address'),
  // RFC 5321 §4.5.3.1: lengths a mail server may refuse, so an address past them cannot receive mail.
  v.check(
    (email) => email.slice(0, email.lastIndexOf('@')).length <= MAX_LOCAL_PART_LENGTH,
    `must have a local part of at most ${MAX_LOCAL_PART_LENGTH} characters`,
  ),
  v.check(
    (email) =>
      email
        .slice(email.lastIndexOf('@') + 1)
        .split('.')
        .every((label) => label.length <= MAX_DOMAIN_LABEL_LENGTH),
    `must have domain labels of at most ${MAX_DOMAIN_LABEL_LENGTH} characters`,
  ),
);

/** A new password: NFKC first, so the byte limits and the rules apply to what is hashed. */
export const passwordSchema = v.pipe(
  v.string('must be a string'),
  v.transform(normalisePassword),
  v.check(
    (password) => byteLength(password) >= PASSWORD_MIN_BYTES,
    `must be at least ${PASSWORD_MIN_BYTES} bytes long`,
  ),
  v.check(
    (password) => byteLength(password) <= PASSWORD_MAX_BYTES,
    `must be at most ${PASSWORD_MAX_BYTES} bytes of UTF-8 (bcrypt would ignore the rest)`,
  ),
  v.rawCheck(({ dataset, addIssue }) => {
    const broken = dataset.typed ? passwordRuleBroken(dataset.value) : undefined;
    if (broken) addIssue({ message: broken });
  }),
);

// Bidirectional embeddings, overrides and isolates: they make a name display as something else.
const BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069]/u;
// At least one character that draws something: not a space, separator, mark, format or filler.
const VISIBLE = /[^\p{White_Space}\p{Z}\p{C}\p{M}\u115F\u1160\u2800\u3164\uFFA0]/u;

export const nameSchema = v.pipe(
  v.string('must be a string'),
  // A lone surrogate is not text: it breaks every strict JSON consumer of the listing.
  v.check((name) => name.isWellFormed(), 'must be well-formed Unicode (no lone surrogates)'),
  v.trim(),
  v.check((name) => name.length > 0, 'must not be empty'),
  // Characters, not UTF-16 units: an emoji counts once.
  v.check(
    (name) => [...name].length <= NAME_MAX_CHARACTERS,
    `must be at most ${NAME_MAX_CHARACTERS} characters`,
  ),
  v.regex(/^\P{Cc}*$/u, 'must not contain control characters'),
  v.check((name) => !BIDI_CONTROLS.test(name), 'must not contain bidirectional override or isolate controls'),
  v.check((name) => name.length === 0 || VISIBLE.test(name), 'must contain at least one visible character'),
);

export const roleSchema = v.picklist(ROLES, `must be one of: ${ROLES.join(', ')}`);
export const statusSchema = v.picklist(STATUSES, `must be one of: ${STATUSES.join(', ')}`);

/** A password being checked, not set: any non-empty string; a wrong one is a failed login, not a 400. */
const presentedPasswordSchema = v.pipe(
  v.string('must be a string'),
  v.nonEmpty('is required'),
  v.maxLength(1024, 'must be at most 1024 characters'),
);

export const createUserSchema = v.object({
  email: emailSchema,
  name: nameSchema,
  password: passwordSchema,
  role: v.optional(roleSchema),
});

export const loginSchema = v.object({
  email: emailSchema,
  password: presentedPasswordSchema,
});

export const replaceUserSchema = v.object({
  email: emailSchema,
  name: nameSchema,
  password: passwordSchema,
  role: v.optional(roleSchema),
  status: v.optional(statusSchema),
  current_password: v.optional(presentedPasswordSchema),
});

export const updateUserSchema = v.object({
  email: v.optional(emailSchema),
  name: v.optional(nameSchema),
  password: v.optional(passwordSchema),
  role: v.optional(roleSchema),
  status: v.optional(statusSchema),
  current_password: v.optional(presentedPasswordSchema),
});

/** A mailed token, as pasted back: its length alone, the store decides whether it is one. */
const mailedTokenSchema = v.pipe(
  v.string('must be a string'),
  v.nonEmpty('is required'),
  v.maxLength(256, 'is invalid, used or expired'),
);

export const mailRequestSchema = v.object({ email: emailSchema });
export const confirmVerificationSchema = v.object({ token: mailedTokenSchema });
export const confirmPasswordResetSchema = v.object({ token: mailedTokenSchema, password: passwordSchema });

/** The first admin, made by `npm start` or `npm run create-admin`: held to the sign-up rules. */
export const adminAccountSchema = v.object({ email: emailSchema, password: passwordSchema });

export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 25;

const limitSchema = v.optional(
  v.pipe(
    v.string(),
    v.regex(/^\d{1,3}$/, `must be a whole number from 1 to ${MAX_PAGE_SIZE}`),
    v.transform(Number),
    v.minValue(1, `must be a whole number from 1 to ${MAX_PAGE_SIZE}`),
    v.maxValue(MAX_PAGE_SIZE, `must be a whole number from 1 to ${MAX_PAGE_SIZE}`),
  ),
  String(DEFAULT_PAGE_SIZE),
);
const cursorSchema = v.optional(
  v.pipe(v.string(), v.nonEmpty('must not be empty'), v.maxLength(2048, 'is not a valid cursor')),
);

export const listUsersQuerySchema = v.object({
  limit: limitSchema,
  cursor: cursorSchema,
  email_prefix: v.optional(
    v.pipe(
      v.string(),
      v.trim(),
      v.toLowerCase(),
      v.nonEmpty('must not be empty'),
      v.maxLength(MAX_EMAIL_LENGTH, `must be at most ${MAX_EMAIL_LENGTH} characters`),
    ),
  ),
  status: v.optional(statusSchema),
});

const eventTypeSchema = v.picklist(AUDIT_EVENT_TYPES, 'must be a known event type');
const userIdSchema = v.pipe(v.string(), v.uuid('must be a user id (UUID)'));

export const userEventsQuerySchema = v.object({
  limit: limitSchema,
  cursor: cursorSchema,
  type: v.optional(eventTypeSchema),
});

export const eventsQuerySchema = v.object({
  limit: limitSchema,
  cursor: cursorSchema,
  type: v.optional(eventTypeSchema),
  user_id: v.optional(userIdSchema),
  actor_id: v.optional(userIdSchema),
});

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
