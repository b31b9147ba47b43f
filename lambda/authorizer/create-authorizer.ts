// The authorizer as a value: a token verifier in, a Lambda handler with simple responses out.
// No database: the router checks the claims against the stored user (deleted, password changed,
// role changed) on every call, so this stays small and fast.
import type { APIGatewayRequestAuthorizerEventV2 } from 'aws-lambda';
import type { Logger } from '../shared/logger';
import { bearerToken, InvalidTokenError, type TokenClaims, type TokenVerifier } from '../tokens/verifier';

/**
 * What the router receives as requestContext.authorizer.lambda: the verified claims, with `amr`
 * as one space-separated string (context values are safest as scalars).
 */
export type AuthorizerContext = Omit<TokenClaims, 'amr'> & { readonly amr: string };

export interface AuthorizerResult {
  readonly isAuthorized: boolean;
  readonly context?: AuthorizerContext;
}

export type AuthorizerHandler = (event: APIGatewayRequestAuthorizerEventV2) => Promise<AuthorizerResult>;

export interface AuthorizerDependencies {
  /** Resolves once the key material is loaded (a cold start fetches it). */
  readonly verifier: () => Promise<TokenVerifier>;
  readonly logger: Logger;
}

const DENY: AuthorizerResult = { isAuthorized: false };

export const createAuthorizer = ({ verifier, logger }: AuthorizerDependencies): AuthorizerHandler => {
  return async (event) => {
    const token = bearerToken(event.identitySource?.[0] ?? event.headers?.authorization);
    if (!token) return DENY;
    try {
      const claims = await (await verifier()).verify(token);
      return { isAuthorized: true, context: { ...claims, amr: claims.amr.join(' ') } };
    } catch (error) {
      if (error instanceof InvalidTokenError) return DENY;
      // Not the token's fault (e.g. the secret could not be read): API Gateway turns a throw into
      // a 500, which is the truth, and the Lambda errors alarm sees it. A 403 would hide an outage.
      logger.error('Authorizer failed', { requestId: event.requestContext?.requestId, error });
      throw error;
    }
  };
};
