// The HMAC secret behind tokens and cursors, read once per cold start.
// On AWS it lives in Secrets Manager and is read through the AWS Parameters and Secrets Lambda
// Extension (a localhost HTTP call), which keeps the AWS SDK out of both bundles: the
// authorizer stays tiny and starts fast. Locally and in tests the secret is handed in directly.
import { ConfigurationError } from './env';

export interface SecretsExtension {
  /** The secret's ARN. */
  readonly secretId: string;
  /** Lambda's AWS_SESSION_TOKEN: the extension wants it as proof the caller is the function. */
  readonly sessionToken: string;
  readonly port?: string | undefined;
}

const fromExtension = async ({
  secretId,
  sessionToken,
  port = '2773',
}: SecretsExtension): Promise<string> => {
  const url = `http://localhost:${port}/secretsmanager/get?secretId=${encodeURIComponent(secretId)}`;
  const headers = { 'X-Aws-Parameters-Secrets-Token': sessionToken };
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

/** Checks a secret's length and turns it into key bytes. */
export const signingSecretBytes = (secret: string): Uint8Array => {
  if (secret.length < MIN_SIGNING_SECRET_LENGTH) {
    throw new ConfigurationError(
      `The signing secret must be at least ${MIN_SIGNING_SECRET_LENGTH} characters long`,
    );
  }
  return new TextEncoder().encode(secret);
};

/** The secret given directly (local runs), or read from Secrets Manager through the extension. */
export const loadSigningSecret = async (
  source: { readonly secret: string } | { readonly extension: SecretsExtension },
): Promise<Uint8Array> =>
  signingSecretBytes('secret' in source ? source.secret : await fromExtension(source.extension));
