// Authorizer Lambda entry: verify the bearer JWT → simple response with the verified claims.
import type { APIGatewayRequestAuthorizerEventV2, APIGatewaySimpleAuthorizerResult } from 'aws-lambda';

export const handler = async (_event: APIGatewayRequestAuthorizerEventV2): Promise<APIGatewaySimpleAuthorizerResult> => {
  return { isAuthorized: false };
};
