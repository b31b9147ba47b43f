// Errors that only the users domain raises.
import { ConflictError } from '../shared/errors';

export class EmailTakenError extends ConflictError {
  constructor() {
    super('email-taken', 'Email already in use', 'Another user already has this email address.', [
      { path: 'email', message: 'is already in use' },
    ]);
  }
}

/** Optimistic-concurrency retries ran out under heavy contention on one user. */
export class WriteContentionError extends ConflictError {
  constructor() {
    super(
      'write-conflict',
      'Concurrent update',
      'The user was changed by another request at the same time; retry.',
    );
  }
}

/** The change would leave no active admin: demoting, disabling or deleting the last one. */
export class LastAdminError extends ConflictError {
  constructor() {
    super(
      'last-admin',
      'The last active admin',
      'This is the last active admin: make another admin first, then demote, disable or delete this one.',
    );
  }
}
