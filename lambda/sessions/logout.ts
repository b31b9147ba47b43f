// Use case: the caller's own session ends; its refresh token and access tokens stop working.
import type { SessionsDependencies } from './dependencies';

export const logout = async (
  deps: Pick<SessionsDependencies, 'sessions'>,
  sessionId: string,
): Promise<void> => {
  await deps.sessions.delete(sessionId);
};
