// Use case: delete a user (themselves, after a step-up, or anyone for an admin). Their events stay; their failed
// logins are forgotten in the same transaction, so an account made later with the email starts clean.
// Its sessions die with it (the router finds no user behind their tokens); their items are removed
// right after the transaction rather than left to TTL.

import { auditEvent, type RequestMeta } from '../audit/event';
import type { ConfirmRecent } from '../mfa/enrol-totp';
import { targetUser } from '../users/access';
import { failureMemorySeconds } from '../users/login-throttle';
import { checkExpected, type ExpectedVersions, writeWithRetry } from '../users/optimistic-write';
import type { StoredUser } from '../users/user';
import type { AccountDependencies } from './dependencies';

export const deleteUser = async (
  deps: Pick<AccountDependencies, 'repository' | 'clock' | 'newId'> & Pick<AccountDependencies, 'sessions'>,
  caller: StoredUser,
  id: string,
  expected: ExpectedVersions,
  confirmRecent: ConfirmRecent,
  meta: RequestMeta,
): Promise<void> => {
  const first = await targetUser(deps, caller, id);
  checkExpected(first, expected);
  // Deleting oneself needs recent authentication (step-up); an admin deleting another user does not.
  if (caller.id === first.id) await confirmRecent();
  await writeWithRetry(deps, first, expected, async (current) => {
    const deleted = auditEvent(
      { ...deps, meta },
      { type: 'user.deleted', userId: current.id, actorId: caller.id },
    );
    const ended = auditEvent(
      { ...deps, meta },
      { type: 'session.ended', userId: current.id, actorId: caller.id, details: { reason: 'user_deleted' } },
    );
    await deps.repository.delete(current, {
      events: [deleted, ended],
      clearFailures: { at: deps.clock().toISOString(), keepForSeconds: failureMemorySeconds },
    });
    return current;
  });
  await deps.sessions.deleteAllOf(first.id);
};
