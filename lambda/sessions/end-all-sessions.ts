// Ending every session of a user at once: the one way to do it, for "log out everywhere", and
// for every change that must end them (password change, reset, disable). Sessions carry the
// user's tokenVersion from their login, so one bump ends them all, whatever their number, and
// the router refuses their access tokens on the next call.
import type { WriteOptions } from '../audit/event';
import type { StoredUser } from '../users/user';
import type { SessionsDependencies } from './dependencies';

/** Inside a user write that must end every session (a new password, a disable): the user as it must be stored. */
export const withSessionsEnded = <T extends Pick<StoredUser, 'tokenVersion'>>(user: T): T => ({
  ...user,
  tokenVersion: user.tokenVersion + 1,
});

/**
 * Outside a user write: bumps the stored tokenVersion, then removes the session items (clean-up;
 * they are already refused). False when the user no longer exists.
 */
export const endAllSessions = async (
  deps: Pick<SessionsDependencies, 'sessions'>,
  userId: string,
  options: WriteOptions = {},
): Promise<boolean> => {
  const ended = await deps.sessions.endAllOf(userId, options);
  await deps.sessions.deleteAllOf(userId);
  return ended;
};
