// The HMAC secret behind tokens and cursors, read once per cold start.
// On AWS it lives in Secrets Manager and is read through the AWS Parameters and Secrets Lambda
// Extension (a localhost HTTP call), which keeps the AWS SDK out of both bundles: the
// authorizer stays tiny and starts fast. Locally JWT_SECRET carries it.
import { ConfigurationError, requiredEnv } from './env';

const EXTENSION_PORT = process.env.PARAMETERS_SECRETS_EXTENSION_HTTP_PORT ?? '2773';

const fromExtension = async (secretArn: string): Promise<string> => {
  const url = `http://localhost:${EXTENSION_PORT}/secretsmanager/get?secretId=${encodeURIComponent(secretArn)}`;
  const headers = { 'X-Aws-Parameters-Secrets-Token': requiredEnv('AWS_SESSION_TOKEN') };
  let lastProblem = '';
  // The extension can still be starting during the first milliseconds of a cold start.
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      const response = await fetch(url, { headers, signal: AbortSignal.timeout(2_000) });
      if (response.ok) {
        // A parse error would quote the body, which may be the secret itself: never pass it on.
        const body = (await response.json().catch(() => undefined)) as { SecretString?: string } | undefined;
        if (body?.SecretString) return body.SecretString;
        lastProblem = body === undefined ? 'its answer is not JSON' : 'the secret has no SecretString';
      } else {
        lastProblem = `the extension answered ${response.status}`;
      }
    } catch (error) {
      lastProblem = error instanceof Error ? error.message : String(error);
    }
    await new Promise((resolve) => setTimeout(resolve, 50 * 2 ** attempt));
  }
  throw new ConfigurationError(`Could not read the signing secret: ${lastProblem}`);
};

/** HS256 wants a key of at least 256 bits. */
export const MIN_SIGNING_SECRET_LENGTH = 32;

export const loadSigningSecret = async (): Promise<Uint8Array> => {
  const secret = process.env.JWT_SECRET || (await fromExtension(requiredEnv('JWT_SECRET_ARN')));
  if (secret.length < MIN_SIGNING_SECRET_LENGTH) {
    throw new ConfigurationError(
      `The signing secret must be at least ${MIN_SIGNING_SECRET_LENGTH} characters long`,
    );
  }
  return new TextEncoder().encode(secret);
};
