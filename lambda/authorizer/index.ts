// Authorizer Lambda entry: verify the bearer JWT → a simple response whose context carries the
// verified claims to the router. No database: the router checks the claims against the stored
// user (deleted, password changed, role changed) on every call, so this stays small and fast.
import type { APIGatewayRequestAuthorizerEventV2 } from 'aws-lambda';
import { logger } from '../shared/logger';
import { memoizeUntilFailure } from '../shared/memoize';
import { loadSigningSecret } from '../shared/signing-secret';
import { bearerToken, createTokenVerifier, InvalidTokenError, importSigningKey } from '../shared/tokens';

/** What the router receives as requestContext.authorizer.lambda. */
export interface AuthorizerContext {
  readonly sub: string;
  readonly role: 'user' | 'admin';
  readonly tv: number;
  readonly iat: number;
  readonly exp: number;
}

export interface AuthorizerResult {
  readonly isAuthorized: boolean;
  readonly context?: AuthorizerContext;
}

// A verifier only: this bundle never issues tokens, so jose's signing code stays out of it.
const tokenVerifier = memoizeUntilFailure(() =>
  loadSigningSecret().then(importSigningKey).then(createTokenVerifier),
);
tokenVerifier().catch(() => undefined);

const DENY: AuthorizerResult = { isAuthorized: false };

export const handler = async (event: APIGatewayRequestAuthorizerEventV2): Promise<AuthorizerResult> => {
  const token = bearerToken(event.identitySource?.[0] ?? event.headers?.authorization);
  if (!token) return DENY;
  try {
    const claims = await (await tokenVerifier()).verify(token);
    return { isAuthorized: true, context: claims };
  } catch (error) {
    if (error instanceof InvalidTokenError) return DENY;
    // Not the token's fault (e.g. the secret could not be read): API Gateway turns a throw into
    // a 500, which is the truth, and the Lambda errors alarm sees it. A 403 would hide an outage.
    logger.error('Authorizer failed', { requestId: event.requestContext?.requestId, error });
    throw error;
  }
};
