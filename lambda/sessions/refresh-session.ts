// Use case: a refresh token in, a new access token and the next refresh token out. Rotation is a
// conditional write on the current hash, so of any number of racing refreshes with one token
// exactly one rotates; the others, and a retry within the grace, get the same new token back.
// A rotated token presented after its grace is a theft signal: the whole session ends.
import { auditEvent, type RequestMeta } from '../audit/event';
import { UnauthenticatedError } from '../shared/errors';
import type { StoredUser } from '../users/user';
import type { SessionsDependencies } from './dependencies';
import { isLive, REFRESH_GRACE_SECONDS, type Session } from './session';
import { type SessionTokens, sessionTokens } from './session-tokens';

/** How far back along a session's chain an old token is still recognised as one of its own. */
const MAX_CHAIN_WALK = 4096;

const refused = (): UnauthenticatedError =>
  new UnauthenticatedError('The refresh token is not valid, or its session has ended; log in again.');

type Deps = Pick<
  SessionsDependencies,
  'sessions' | 'refreshTokens' | 'repository' | 'tokens' | 'clock' | 'newId'
>;

export interface RefreshResult extends SessionTokens {
  readonly user: StoredUser;
}

/** The session and its user, if the session is still live. */
const liveSession = async (deps: Deps, id: string, now: Date) => {
  const session = await deps.sessions.get(id);
  const user = session && (await deps.repository.getById(session.userId));
  if (!session || !user || user.status !== 'active' || !isLive(session, user, now)) throw refused();
  return { session, user };
};

/** How many rotations ago `secret` was current: 0 for the current token, undefined if never. */
const ageOf = (
  deps: Deps,
  session: Session,
  secret: string,
): { age: number; current: string } | undefined => {
  let candidate = { secret, token: `${session.id}.${secret}`, hash: deps.refreshTokens.hash(secret) };
  for (let age = 0; age <= Math.min(session.generation, MAX_CHAIN_WALK); age++) {
    if (deps.refreshTokens.same(candidate.hash, session.refreshHash))
      return { age, current: candidate.token };
    candidate = deps.refreshTokens.successor(session.id, candidate.secret);
  }
  return undefined;
};

export const refreshSession = async (
  deps: Deps,
  refreshToken: string,
  meta: RequestMeta,
): Promise<RefreshResult> => {
  const now = deps.clock();
  const presented = deps.refreshTokens.parse(refreshToken);
  if (!presented) throw refused();

  for (let attempt = 0; attempt < 2; attempt++) {
    const { session, user } = await liveSession(deps, presented.sessionId, now);
    const found = ageOf(deps, session, presented.secret);
    // Not of this session's chain at all: a guess, not a theft signal; the session is left alone.
    if (!found) throw refused();

    if (found.age === 0) {
      const next = deps.refreshTokens.successor(session.id, presented.secret);
      const at = now.toISOString();
      if (await deps.sessions.rotate(session.id, { fromHash: session.refreshHash, toHash: next.hash, at })) {
        return { ...(await sessionTokens(deps, user, session, next.token, now)), user };
      }
      // Another refresh with this token rotated it first: read again, and answer as to a retry.
      continue;
    }

    const rotatedAt = session.rotatedAt === null ? Number.NaN : Date.parse(session.rotatedAt);
    if (found.age === 1 && now.getTime() - rotatedAt <= REFRESH_GRACE_SECONDS * 1000) {
      return { ...(await sessionTokens(deps, user, session, found.current, now)), user };
    }
    // Theft signal: the session ends, with session.reuse_detected and session.ended in the same write.
    const context = { ...deps, meta };
    const about = { userId: user.id, actorId: null, details: { session_id: session.id } } as const;
    await deps.sessions.delete(session.id, {
      events: [
        auditEvent(context, { type: 'session.reuse_detected', outcome: 'failure', ...about }),
        auditEvent(context, {
          type: 'session.ended',
          ...about,
          details: { reason: 'reuse_detected', session_id: session.id },
        }),
      ],
    });
    throw refused();
  }
  throw refused();
};
