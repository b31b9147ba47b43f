// A stand-in for the AWS Parameters and Secrets Lambda Extension on the loopback, so that the
// bench's cold starts make the very init-time call a deployed cold start makes
// (lambda/shared/secrets-extension.ts), instead of being handed its secret in the environment.
// It answers like the extension: GET /secretsmanager/get?secretId=…, the caller's
// AWS_SESSION_TOKEN in X-Aws-Parameters-Secrets-Token, Secrets Manager's GetSecretValue JSON back.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface SecretsExtensionStandIn {
  readonly port: number;
  /** What Lambda would put in AWS_SESSION_TOKEN: the extension refuses any other. */
  readonly sessionToken: string;
  /** The ARN of a secret given to startSecretsExtension, by its name there. */
  readonly arnOf: (name: string) => string;
  /** Requests answered with the secret: each cold start must make one. */
  readonly served: () => number;
  readonly close: () => Promise<void>;
}

/** Serves each of `secrets` (name → SecretString) under an ARN of its own. */
export const startSecretsExtension = async (
  secrets: Readonly<Record<string, string>>,
): Promise<SecretsExtensionStandIn> => {
  const sessionToken = `bench-session-${Buffer.from(crypto.getRandomValues(new Uint8Array(12))).toString('hex')}`;
  const arnOf = (name: string) =>
    `arn:aws:secretsmanager:us-east-1:123456789012:secret:user-api-bench-${name}-AbCdEf`;
  const byArn = new Map(Object.entries(secrets).map(([name, value]) => [arnOf(name), { name, value }]));
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
    const secretArn = url.searchParams.get('secretId') ?? '';
    const secret = byArn.get(secretArn);
    if (!secret) return answer(400, { message: 'Secrets Manager can not find the specified secret.' });
    served++;
    answer(200, {
      ARN: secretArn,
      CreatedDate: '2025-01-01T00:00:00.000Z',
      Name: `user-api-bench-${secret.name}`,
      SecretBinary: null,
      SecretString: secret.value,
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
    arnOf: (name) => {
      if (!byArn.has(arnOf(name))) throw new Error(`the stand-in extension holds no secret ${name}`);
      return arnOf(name);
    },
    served: () => served,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
};
