// Use case: change the fields given, and only those. PUT is the case where email, name and
// password are all given (its schema requires them); PATCH gives any non-empty subset.
// Each write carries its events: user.updated (the changed field names), and user.disabled,
// user.enabled or password.changed when those change.

import { type AuditEvent, auditEvent, type RequestMeta } from '../audit/event';
import { mayReceiveMail, tokenMail, tokenMailedEvent } from '../mail/issue';
import { claimEmailChange, claimMail, greetingName } from '../mail/mail-caps';
import { withSessionsEnded } from '../sessions/end-all-sessions';
import { ForbiddenError } from '../shared/errors';
import { mayActOn, targetUser } from '../users/access';
import { clearLoginFailures, confirmCurrentPassword } from '../users/credentials';
import { checkExpected, type ExpectedVersions, writeWithRetry } from '../users/optimistic-write';
import { profileOf, type Role, type Status, type StoredUser, type User } from '../users/user';
import type { AccountDependencies } from './dependencies';

export interface UserChanges {
  readonly email?: string | undefined;
  readonly name?: string | undefined;
  readonly password?: string | undefined;
  readonly role?: Role | undefined;
  readonly status?: Status | undefined;
  readonly currentPassword?: string | undefined;
  /** The source IP, for the back-off of the current-password check. */
  readonly client?: string;
}

type Deps = Pick<
  AccountDependencies,
  'repository' | 'attempts' | 'audit' | 'passwords' | 'clock' | 'newId' | 'mailTokens' | 'mail'
>;

const changedFields = (current: StoredUser, next: StoredUser, passwordChanged: boolean): string[] => [
  ...(['email', 'name', 'role', 'status'] as const).filter((field) => next[field] !== current[field]),
  ...(passwordChanged ? ['password'] : []),
];

const eventsOf = (
  context: Parameters<typeof auditEvent>[0],
  caller: StoredUser,
  current: StoredUser,
  fields: readonly string[],
): AuditEvent[] => {
  const about = { userId: current.id, actorId: caller.id };
  // The write that disables or sets a new password ends every session: the trail says so and why.
  const disabling = fields.includes('status') && current.status === 'active';
  const endedBy = disabling ? 'disabled' : fields.includes('password') ? 'password_changed' : undefined;
  return [
    auditEvent(context, { type: 'user.updated', ...about, details: { fields } }),
    ...(fields.includes('status')
      ? [
          auditEvent(context, {
            type: current.status === 'active' ? 'user.disabled' : 'user.enabled',
            ...about,
          }),
        ]
      : []),
    ...(fields.includes('password') ? [auditEvent(context, { type: 'password.changed', ...about })] : []),
    ...(endedBy
      ? [auditEvent(context, { type: 'session.ended', ...about, details: { reason: endedBy } })]
      : []),
  ];
};

export const updateUser = async (
  deps: Deps,
  caller: StoredUser,
  id: string,
  /** Read after the rule: another's id is a 403 whatever the body says. */
  readChanges: () => UserChanges,
  expected: ExpectedVersions,
  meta: RequestMeta,
): Promise<User> => {
  mayActOn(caller, id);
  const changes = readChanges();
  if (changes.role !== undefined && caller.role !== 'admin') {
    throw new ForbiddenError('Only an admin may change a role.');
  }
  if (changes.status !== undefined && caller.role !== 'admin') {
    throw new ForbiddenError('Only an admin may change a status.');
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
      meta,
    );
  }
  // The email-change pair is claimed once, before the write: the account's daily count of mailed
  // changes, then each address's slot and daily cap. A mail past any of them is silently not sent
  // (the change still applies), so alternating changes cannot aim a stream of mail at anyone.
  const moving = changes.email !== undefined && changes.email !== first.email;
  const mailable = moving && mayReceiveMail(first) && (await claimEmailChange(deps, first.id));
  const allowed = {
    verification:
      mailable &&
      changes.email !== undefined &&
      (await claimMail(deps, { kind: 'verify-email', to: changes.email })),
    notice: mailable && (await claimMail(deps, { kind: 'email-changed', to: first.email })),
  };
  // Hash once, outside the retry loop: bcrypt is the expensive part.
  const passwordHash =
    changes.password === undefined ? undefined : await deps.passwords.hash(changes.password);

  const written = await writeWithRetry(deps, first, expected, async (current) => {
    const emailMoves = changes.email !== undefined && changes.email !== current.email;
    const status = changes.status ?? current.status;
    const disabling = status === 'disabled' && current.status !== 'disabled';
    const changed: StoredUser = {
      ...current,
      email: changes.email ?? current.email,
      // The new address is unproven until its verification mail is used.
      emailVerified: emailMoves ? false : current.emailVerified,
      name: changes.name ?? current.name,
      role: changes.role ?? current.role,
      status,
      passwordHash: passwordHash ?? current.passwordHash,
    };
    // A new password, or disabling, ends every session of the user (the caller's own included)
    // and revokes every token issued before it; enabling again revives none of them.
    const next = passwordHash !== undefined || disabling ? withSessionsEnded(changed) : changed;
    const fields = changedFields(current, next, passwordHash !== undefined);
    if (fields.length === 0) return current;
    const stored = { ...next, version: current.version + 1, updatedAt: deps.clock().toISOString() };
    const events = eventsOf({ ...deps, meta }, caller, current, fields);
    if (!emailMoves) {
      await deps.repository.replace(current, stored, { events });
      return stored;
    }
    const verification = tokenMail(deps, stored, 'verify-email');
    const sendVerification = allowed.verification && stored.email === changes.email;
    // The old address hears of it by name only when it was proven to be the user's.
    const notice = allowed.notice && current.email === first.email;
    await deps.repository.replace(current, stored, {
      events: [
        ...events,
        ...(sendVerification ? [tokenMailedEvent({ ...deps, meta }, stored, 'verify-email', caller.id)] : []),
      ],
      newTokens: sendVerification ? [verification.token] : [],
      mails: [
        ...(sendVerification ? [verification.mail] : []),
        ...(notice
          ? [{ kind: 'email-changed' as const, to: current.email, name: greetingName(current) }]
          : []),
      ],
    });
    return stored;
  });
  // An admin setting the password is a recovery: the account's back-off and lock are lifted.
  if (passwordHash !== undefined && caller.role === 'admin') await clearLoginFailures(deps, written.email);
  return profileOf(written);
};
