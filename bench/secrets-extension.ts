// A stand-in for the AWS Parameters and Secrets Lambda Extension on the loopback, so that the
// bench's cold starts make the very init-time call a deployed cold start makes
// (lambda/shared/signing-secret.ts), instead of being handed the secret in JWT_SECRET.
// It answers like the extension: GET /secretsmanager/get?secretId=…, the caller's
// AWS_SESSION_TOKEN in X-Aws-Parameters-Secrets-Token, Secrets Manager's GetSecretValue JSON back.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SecretsExtensionStandIn {
  readonly port: number;
  /** What Lambda would put in AWS_SESSION_TOKEN: the extension refuses any other. */
  readonly sessionToken: string;
  readonly secretArn: string;
  /** Requests answered with the secret: each cold start must make one. */
  readonly served: () => number;
  readonly close: () => Promise<void>;
}

export const startSecretsExtension = async (secretString: string): Promise<SecretsExtensionStandIn> => {
  const sessionToken = `bench-session-${Buffer.from(crypto.getRandomValues(new Uint8Array(12))).toString('hex')}`;
  const secretArn = 'arn:aws:secretsmanager:us-east-1:123456789012:secret:user-api-bench-jwt-AbCdEf';
  let served = 0;
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    const answer = (status: number, body: object) => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(body));
    };
    if (request.method !== 'GET' || url.pathname !== '/secretsmanager/get') return answer(404, {});
    if (request.headers['x-aws-parameters-secrets-token'] !== sessionToken)
      return answer(401, { message: 'not authorized' });
    if (url.searchParams.get('secretId') !== secretArn)
      return answer(400, { message: 'Secrets Manager can not find the specified secret.' });
    served++;
    answer(200, {
      ARN: secretArn,
      CreatedDate: '2025-01-01T00:00:00.000Z',
      Name: 'user-api-bench-jwt',
      SecretBinary: null,
      SecretString: secretString,
      VersionId: '00000000-0000-0000-0000-000000000000',
      VersionStages: ['AWSCURRENT'],
      ResultMetadata: {},
    });
  });
  // The code asks for http://localhost:<port>, as on Lambda: listen wherever localhost resolves.
  await new Promise<void>((resolve) => server.listen(0, 'localhost', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    sessionToken,
    secretArn,
    served: () => served,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
};
