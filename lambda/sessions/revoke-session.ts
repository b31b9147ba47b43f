// Use cases: end one session of a user, or all of them ("log out everywhere"); the user's own,
// or anyone's for an admin.
import { NotFoundError } from '../shared/errors';
import { noSuchUser, targetUser, UUID } from '../users/access';
import type { StoredUser } from '../users/user';
import type { SessionsDependencies } from './dependencies';
import { endAllSessions } from './end-all-sessions';
import { isLive } from './session';

export const revokeSession = async (
  deps: Pick<SessionsDependencies, 'sessions' | 'repository' | 'clock'>,
  caller: StoredUser,
  userId: string,
  sessionId: string,
): Promise<void> => {
  const user = await targetUser(deps, caller, userId);
  const session = UUID.test(sessionId) ? await deps.sessions.get(sessionId) : undefined;
  // Another user's session is as absent as an unknown one: nothing tells them apart.
  if (!session || !isLive(session, user, deps.clock())) {
    throw new NotFoundError(`User ${user.id} has no live session ${JSON.stringify(sessionId)}.`);
  }
  await deps.sessions.delete(session.id);
};

export const revokeAllSessions = async (
  deps: Pick<SessionsDependencies, 'sessions' | 'repository'>,
  caller: StoredUser,
  userId: string,
): Promise<void> => {
  const user = await targetUser(deps, caller, userId);
  if (!(await endAllSessions(deps, user.id))) throw noSuchUser(user.id);
};
