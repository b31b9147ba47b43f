// Input schemas of the second-factor routes (valibot, strict objects like every body).
import * as v from 'valibot';
import { presentedPasswordSchema } from '../users/schemas';

const totpCodeSchema = v.pipe(v.string('must be a string'), v.regex(/^\d{6}$/, 'must be 6 digits'));

const mfaTokenSchema = v.pipe(
  v.string('must be a string'),
  v.nonEmpty('is required'),
  v.maxLength(128, 'must be at most 128 characters'),
);

const recoveryCodeSchema = v.pipe(
  v.string('must be a string'),
  v.nonEmpty('is required'),
  v.maxLength(64, 'must be at most 64 characters'),
);

/**
 * Step-up in the body of a sensitive action (SPEC "Recent authentication"): the password, and a
 * code or a recovery code when the account has a factor. All optional: a recent session needs none.
 */
export const stepUpSchema = v.object({
  current_password: v.optional(presentedPasswordSchema),
  code: v.optional(totpCodeSchema),
  recovery_code: v.optional(recoveryCodeSchema),
});

/** `code` is the new factor's; `current_password` is the step-up (there is no factor yet). */
export const verifyTotpSchema = v.object({
  code: totpCodeSchema,
  current_password: v.optional(presentedPasswordSchema),
});

/** One of `code` and `recovery_code`: the handler refuses both or neither, naming them. */
export const loginMfaSchema = v.object({
  mfa_token: mfaTokenSchema,
  code: v.optional(totpCodeSchema),
  recovery_code: v.optional(recoveryCodeSchema),
});
