// The mail requests' input schemas (valibot): ask for a mail, and paste a mailed token back.
import * as v from 'valibot';
import { emailSchema, passwordSchema } from '../users/schemas';

/** A mailed token, as pasted back: its length alone, the store decides whether it is one. */
const mailedTokenSchema = v.pipe(
  v.string('must be a string'),
  v.nonEmpty('is required'),
  v.maxLength(256, 'is invalid, used or expired'),
);

export const mailRequestSchema = v.object({ email: emailSchema });
export const confirmVerificationSchema = v.object({ token: mailedTokenSchema });
export const confirmPasswordResetSchema = v.object({ token: mailedTokenSchema, password: passwordSchema });
