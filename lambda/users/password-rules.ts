// NIST 800-63B for passwords: one canonical form (NFKC) for hashing, the length check and every
// comparison, so `café` typed precomposed or decomposed is one password; and the few blocklist
// rules the guideline asks for, each named so the user knows which one failed.
import { isCommonPassword } from './common-passwords';

/** The form a password is hashed and compared in. */
export const normalisePassword = (password: string): string => password.normalize('NFKC');

/** The form the common-password list is compared against: NFKC, case-folded, trimmed. */
export const blocklistForm = (password: string): string => normalisePassword(password).toLowerCase().trim();

const CONTROL = /\p{Cc}/u;
const ONLY_WHITESPACE = /^\s*$/u;

/** The first rule a new (already normalised) password breaks, as a message for the `password` field. */
export const passwordRuleBroken = (password: string): string | undefined => {
  if (CONTROL.test(password)) return 'must not contain control characters';
  if (ONLY_WHITESPACE.test(password)) return 'must not be only whitespace';
  const characters = [...password];
  if (characters.every((character) => character === characters[0])) {
    return 'must not be one character repeated';
  }
  if (isCommonPassword(blocklistForm(password))) {
    return 'is one of the most common passwords; choose another';
  }
  return undefined;
};
