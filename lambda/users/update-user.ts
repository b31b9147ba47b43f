// Use case: change the fields given, and only those. PUT is the case where email, name and
// password are all given (its schema requires them); PATCH gives any non-empty subset.
import { tokenMail } from '../mail/issue';
import { withSessionsEnded } from '../sessions/end-all-sessions';
import { ForbiddenError } from '../shared/errors';
import { targetUser } from './access';
import { clearLoginFailures, confirmCurrentPassword } from './credentials';
import type { UsersDependencies } from './dependencies';
import { checkExpected, type ExpectedVersions, writeWithRetry } from './optimistic-write';
import { profileOf, type Role, type StoredUser, type User } from './user';

export interface UserChanges {
  readonly email?: string | undefined;
  readonly name?: string | undefined;
  readonly password?: string | undefined;
  readonly role?: Role | undefined;
  readonly currentPassword?: string | undefined;
  /** The source IP, for the back-off of the current-password check. */
  readonly client?: string;
}

export const updateUser = async (
  deps: Pick<UsersDependencies, 'repository' | 'passwords' | 'clock' | 'mailTokens'>,
  caller: StoredUser,
  id: string,
  changes: UserChanges,
  expected: ExpectedVersions,
): Promise<User> => {
  if (changes.role !== undefined && caller.role !== 'admin') {
    throw new ForbiddenError('Only an admin may change a role.');
  }
  const first = await targetUser(deps, caller, id);
  checkExpected(first, expected);
  // Required for your own email or password; checked whenever sent, so a wrong one is never ignored.
  const required = caller.id === first.id && (changes.password !== undefined || changes.email !== undefined);
  if (required || changes.currentPassword !== undefined) {
    await confirmCurrentPassword(
      deps,
      caller,
      changes.currentPassword,
      changes.client ?? 'unknown',
      deps.clock(),
    );
  }
  // Hash once, outside the retry loop: bcrypt is the expensive part.
  const passwordHash =
    changes.password === undefined ? undefined : await deps.passwords.hash(changes.password);

  const written = await writeWithRetry(deps, first, expected, async (current) => {
    const emailMoves = changes.email !== undefined && changes.email !== current.email;
    const changed: StoredUser = {
      ...current,
      email: changes.email ?? current.email,
      // The new address is unproven until its verification mail is used.
      emailVerified: emailMoves ? false : current.emailVerified,
      name: changes.name ?? current.name,
      role: changes.role ?? current.role,
      passwordHash: passwordHash ?? current.passwordHash,
    };
    // A new password ends every session of the user, the caller's own included.
    const next = passwordHash === undefined ? changed : withSessionsEnded(changed);
    const unchanged =
      passwordHash === undefined &&
      next.email === current.email &&
      next.name === current.name &&
      next.role === current.role;
    if (unchanged) return current;
    const stored = { ...next, version: current.version + 1, updatedAt: deps.clock().toISOString() };
    if (!emailMoves) {
      await deps.repository.replace(current, stored);
      return stored;
    }
    const verification = tokenMail(deps, stored, 'verify-email');
    await deps.repository.replace(current, stored, {
      newTokens: [verification.token],
      mails: [verification.mail, { kind: 'email-changed', to: current.email, name: current.name }],
    });
    return stored;
  });
  // An admin setting the password is a recovery: the account's back-off and lock are lifted.
  if (passwordHash !== undefined && caller.role === 'admin') await clearLoginFailures(deps, written.email);
  return profileOf(written);
};
