// Use case: the live sessions of a user (their own, or anyone's for an admin), newest first.
import { targetUser } from '../users/access';
import type { StoredUser } from '../users/user';
import type { SessionsDependencies } from './dependencies';
import { isLive, type SessionSummary } from './session';

export interface ListedSession extends SessionSummary {
  /** The session of the token making the call. */
  readonly current: boolean;
}

export const listSessions = async (
  deps: Pick<SessionsDependencies, 'sessions' | 'repository' | 'clock'>,
  caller: StoredUser,
  callerSessionId: string | undefined,
  userId: string,
): Promise<readonly ListedSession[]> => {
  const user = await targetUser(deps, caller, userId);
  const now = deps.clock();
  const sessions = await deps.sessions.listByUser(user.id);
  // The index lags and TTL is lazy: ended and expired sessions are left out here.
  return sessions
    .filter((session) => isLive(session, user, now))
    .map((session) => ({ ...session, current: session.id === callerSessionId }));
};
