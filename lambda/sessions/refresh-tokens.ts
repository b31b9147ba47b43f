// Refresh tokens: `<session id>.<secret>`, the secret 256 bits, base64url. The session is found
// with one read by its id; only a keyed hash of the secret is stored.
//
// Each rotation's secret is derived from the one it replaces with a keyed PRF, so the server can
// recompute the current token from its predecessor without storing it: that is how a retry of a
// just-rotated token gets the same current token back (the 30 s grace), how any number of racing
// refreshes with one token all answer the same new one, and how an older token of the chain is
// recognised as reuse (a theft signal) rather than as noise.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

const SECRET_BYTES = 32;
const SECRET = /^[A-Za-z0-9_-]{43}$/;
const SESSION_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[1-8][0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

export interface RefreshSecret {
  readonly token: string;
  readonly hash: string;
}

export interface PresentedToken {
  readonly sessionId: string;
  readonly secret: string;
}

export interface RefreshTokens {
  /** The first token of a session: fresh random bits. */
  first(sessionId: string): RefreshSecret & { readonly secret: string };
  /** The token that replaces `secret` at its rotation. */
  successor(sessionId: string, secret: string): RefreshSecret & { readonly secret: string };
  /** A token's parts, or undefined when it cannot be one of ours. */
  parse(token: string): PresentedToken | undefined;
  hash(secret: string): string;
  /** Constant-time comparison of two hashes. */
  same(hash: string, other: string): boolean;
}

/** Two keys derived from the service's secret, one for each use, so neither can stand in for the other. */
export const createRefreshTokens = (serviceSecret: Uint8Array): RefreshTokens => {
  const derive = (label: string) => createHmac('sha256', serviceSecret).update(label).digest();
  const chainKey = derive('refresh-token chain v1');
  const hashKey = derive('refresh-token hash v1');
  const hash = (secret: string) => createHmac('sha256', hashKey).update(secret).digest('base64url');
  const withHash = (sessionId: string, secret: string) => ({
    token: `${sessionId}.${secret}`,
    secret,
    hash: hash(secret),
  });
  return {
    first: (sessionId) => withHash(sessionId, randomBytes(SECRET_BYTES).toString('base64url')),
    successor: (sessionId, secret) =>
      withHash(
        sessionId,
        createHmac('sha256', chainKey).update(`${sessionId}.${secret}`).digest('base64url'),
      ),
    parse: (token) => {
      const [sessionId = '', secret = '', ...rest] = token.split('.');
      return rest.length === 0 && SESSION_ID.test(sessionId) && SECRET.test(secret)
        ? { sessionId, secret }
        : undefined;
    },
    hash,
    same: (a, b) => {
      const left = Buffer.from(a);
      const right = Buffer.from(b);
      return left.length === right.length && timingSafeEqual(left, right);
    },
  };
};
