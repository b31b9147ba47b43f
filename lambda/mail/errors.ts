// Errors that only the mail flows raise.
import { ValidationError } from '../shared/errors';

/** Bad, used, expired or voided: one answer for all, naming `token`. */
export class InvalidTokenError extends ValidationError {
  constructor() {
    super('The token is not valid: it may be mistyped, already used, replaced by a newer one, or expired.', [
      { path: 'token', message: 'is invalid, used or expired' },
    ]);
  }
}
