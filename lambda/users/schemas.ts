// The users' input schemas (valibot): what a request may say, validated at the edge before the
// domain sees it. Objects are strict (shared/parse-strict.ts) and values come out normalised
// (email trimmed and lower-cased, name trimmed).
import * as v from 'valibot';
import { cursorSchema, limitSchema } from '../shared/page-query';
import { normalisePassword, passwordRuleBroken } from './password-rules';
import { ROLES, STATUSES } from './user';

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
export const presentedPasswordSchema = v.pipe(
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
  /** From an earlier login on this device (known-devices.ts); an unknown or void one is ignored. */
  device_token: v.optional(
    v.pipe(
      v.string('must be a string'),
      v.nonEmpty('is required'),
      v.maxLength(128, 'must be at most 128 characters'),
    ),
  ),
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

/** The first admin, made by `npm start` or `npm run create-admin`: held to the sign-up rules. */
export const adminAccountSchema = v.object({ email: emailSchema, password: passwordSchema });

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
