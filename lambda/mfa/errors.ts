// Errors that only the second factor raises.
import { ConflictError, errorKind, NotFoundError } from '../shared/errors';

/** A wrong, replayed or used code, or an unknown, used or expired mfa_token at POST /login/mfa. */
export class SecondFactorRefusedError extends errorKind('invalid-second-factor', 'Second factor refused') {}

export class FactorAlreadyEnabledError extends ConflictError {
  constructor() {
    super('mfa-already-enabled', 'Second factor already enabled', 'This user already has a second factor.');
  }
}

/** Removing a factor, or replacing the codes of one, that is not (or no longer) enabled. */
export const noFactor = () => new NotFoundError('This user has no second factor enabled.');
