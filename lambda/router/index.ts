// Router Lambda entry: API Gateway HTTP API (payload 2.0) → route handler → HTTP response.
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

export const handler = async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
  return {
    statusCode: 501,
    headers: { 'content-type': 'application/problem+json' },
    body: JSON.stringify({ type: 'about:blank', title: 'Not Implemented', status: 501, detail: event.routeKey }),
  };
};
