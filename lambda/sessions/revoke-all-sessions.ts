// Use case: end every session of a user ("log out everywhere"); the user's own, or anyone's for
// an admin.
import { auditEvent, type RequestMeta } from '../audit/event';
import { noSuchUser, targetUser } from '../users/access';
import type { StoredUser } from '../users/user';
import type { SessionsDependencies } from './dependencies';
import { endAllSessions } from './end-all-sessions';

export const revokeAllSessions = async (
  deps: Pick<SessionsDependencies, 'sessions' | 'repository' | 'clock' | 'newId'>,
  caller: StoredUser,
  userId: string,
  meta: RequestMeta,
): Promise<void> => {
  const user = await targetUser(deps, caller, userId);
  const ended = auditEvent(
    { ...deps, meta },
    { type: 'session.ended', userId: user.id, actorId: caller.id, details: { reason: 'revoked_all' } },
  );
  if (!(await endAllSessions(deps, user.id, { events: [ended] }))) throw noSuchUser(user.id);
};
