// Use case: turn verified token claims into the caller as stored now. A token outlives neither
// its user, nor its session (logout, revocation, reuse, password change, disable), and the stored
// role and status — not the token's — decide what it may do. The user and the session are read in one
// request (a batch of two strongly consistent reads), on every protected call.

import { isLive } from '../sessions/session';
import { UnauthenticatedError } from '../shared/errors';
import type { TokenClaims } from '../tokens/verifier';
import { UUID } from '../users/access';
import type { StoredUser } from '../users/user';
import type { AccountDependencies } from './dependencies';

export interface Caller {
  readonly user: StoredUser;
  /** The session the caller's token belongs to. */
  readonly sessionId: string;
  /**
   * How that session was authenticated, as stored with it (`["pwd"]`, or `["pwd","otp"]` after a
   * second factor): read from the session, not the token, so it is the server's own record.
   */
  readonly amr: readonly string[];
  /** When that session signed in (ISO 8601): its refreshes do not move it (step-up's "recent"). */
  readonly signedInAt: string;
}

type Deps = Pick<AccountDependencies, 'clock'> & Pick<AccountDependencies, 'sessions'>;

export const authenticate = async (deps: Deps, claims: TokenClaims): Promise<Caller> => {
  const now = deps.clock();
  if (claims.exp * 1000 <= now.getTime()) throw new UnauthenticatedError('The token has expired.');
  // Made only when thrown: an error's stack costs more than the rest of this check.
  const ended = () => new UnauthenticatedError('The token is no longer valid; log in again.');
  if (!UUID.test(claims.sub) || !UUID.test(claims.sid)) throw ended();
  const { user, session } = await deps.sessions.getWithUser(claims.sid, claims.sub);
  // A disabled user's tokenVersion was bumped (its sessions are dead already); the status is
  // checked too, so no token of a disabled account is ever honoured.
  if (!user || !session) throw ended();
  if (user.status !== 'active' || user.tokenVersion !== claims.tv || !isLive(session, user, now))
    throw ended();
  return { user, sessionId: session.id, amr: session.amr, signedInAt: session.createdAt };
};

/** A bearer token sent to a public route: verified too, and a bad one is refused, never ignored. */
export const authenticateToken = async (
  deps: Deps & Pick<AccountDependencies, 'tokens'>,
  token: string,
): Promise<Caller> => {
  const claims = await deps.tokens.verify(token).catch(() => {
    throw new UnauthenticatedError('The bearer token is not valid.');
  });
  return authenticate(deps, claims);
};
