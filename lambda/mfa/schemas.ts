// Input schemas of the second-factor routes (valibot, strict objects like every body).
import * as v from 'valibot';

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

export const verifyTotpSchema = v.object({ code: totpCodeSchema });

/** One of `code` and `recovery_code`: the handler refuses both or neither, naming them. */
export const loginMfaSchema = v.object({
  mfa_token: mfaTokenSchema,
  code: v.optional(totpCodeSchema),
  recovery_code: v.optional(recoveryCodeSchema),
});
