// Errors that only the second factor raises.
import { AppError, ConflictError } from '../shared/errors';

/** A wrong, replayed or used code, or an unknown, used or expired mfa_token at POST /login/mfa. */
export class SecondFactorRefusedError extends AppError {
  readonly code = 'invalid-second-factor';
  readonly title = 'Second factor refused';
}

export class FactorAlreadyEnabledError extends ConflictError {
  constructor() {
    super('mfa-already-enabled', 'Second factor already enabled', 'This user already has a second factor.');
  }
}
