// Use case: the caller's own session ends; its refresh token and access tokens stop working.
// The end and its session.ended event are one write.
import { auditEvent, type RequestMeta } from '../audit/event';
import type { StoredUser } from '../users/user';
import type { SessionsDependencies } from './dependencies';

export const logout = async (
  deps: Pick<SessionsDependencies, 'sessions' | 'clock' | 'newId'>,
  caller: StoredUser,
  sessionId: string,
  meta: RequestMeta,
): Promise<void> => {
  const ended = auditEvent(
    { ...deps, meta },
    {
      type: 'session.ended',
      userId: caller.id,
      actorId: caller.id,
      details: { reason: 'logout', session_id: sessionId },
    },
  );
  await deps.sessions.delete(sessionId, { events: [ended] });
};
