// Errors that only the second factor raises.
import { ConflictError, errorKind } from '../shared/errors';

/** A wrong, replayed or used code, or an unknown, used or expired mfa_token at POST /login/mfa. */
export class SecondFactorRefusedError extends errorKind('invalid-second-factor', 'Second factor refused') {}

export class FactorAlreadyEnabledError extends ConflictError {
  constructor() {
    super('mfa-already-enabled', 'Second factor already enabled', 'This user already has a second factor.');
  }
}
