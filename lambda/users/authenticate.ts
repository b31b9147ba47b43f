// Use case: turn verified token claims into the caller as stored now. A token outlives neither
// its user nor a password change, and the stored role — not the token's — decides what it may do.
import { UnauthenticatedError } from '../shared/errors';
import type { TokenClaims } from '../shared/tokens';
import { UUID } from './access';
import type { UsersDependencies } from './dependencies';
import type { StoredUser } from './user';

export const authenticate = async (
  deps: Pick<UsersDependencies, 'repository' | 'clock'>,
  claims: TokenClaims,
): Promise<StoredUser> => {
  if (claims.exp * 1000 <= deps.clock().getTime()) throw new UnauthenticatedError('The token has expired.');
  const caller = UUID.test(claims.sub) ? await deps.repository.getById(claims.sub) : undefined;
  if (!caller || caller.tokenVersion !== claims.tv || caller.status !== 'active') {
    throw new UnauthenticatedError('The token is no longer valid; log in again.');
  }
  return caller;
};

/** A bearer token sent to a public route: verified too, and a bad one is refused, never ignored. */
export const authenticateToken = async (
  deps: Pick<UsersDependencies, 'repository' | 'clock' | 'tokens'>,
  token: string,
): Promise<StoredUser> => {
  const claims = await deps.tokens.verify(token).catch(() => {
    throw new UnauthenticatedError('The bearer token is not valid.');
  });
  return authenticate(deps, claims);
};
