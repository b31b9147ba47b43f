// Use case: end one session of a user; the user's own, or anyone's for an admin.
import { auditEvent, type RequestMeta } from '../audit/event';
import { NotFoundError } from '../shared/errors';
import { targetUser, UUID } from '../users/access';
import type { StoredUser } from '../users/user';
import type { SessionsDependencies } from './dependencies';
import { isLive } from './session';

export const revokeSession = async (
  deps: Pick<SessionsDependencies, 'sessions' | 'repository' | 'clock' | 'newId'>,
  caller: StoredUser,
  userId: string,
  sessionId: string,
  meta: RequestMeta,
): Promise<void> => {
  const user = await targetUser(deps, caller, userId);
  const session = UUID.test(sessionId) ? await deps.sessions.get(sessionId) : undefined;
  // Another user's session is as absent as an unknown one: nothing tells them apart.
  if (!session || !isLive(session, user, deps.clock())) {
    throw new NotFoundError(`User ${user.id} has no live session ${JSON.stringify(sessionId)}.`);
  }
  const ended = auditEvent(
    { ...deps, meta },
    {
      type: 'session.ended',
      userId: user.id,
      actorId: caller.id,
      details: { reason: 'revoked', session_id: session.id },
    },
  );
  await deps.sessions.delete(session.id, { events: [ended] });
};
