// The HMAC secret behind tokens and cursors, read once per cold start.
// On AWS it lives in Secrets Manager and is read through the AWS Parameters and Secrets Lambda
// Extension (a localhost HTTP call), which keeps the AWS SDK out of both bundles: the
// authorizer stays tiny and starts fast. Locally and in tests the secret is handed in directly.
import { get as httpGet } from 'node:http';
import { ConfigurationError } from './env';

export interface SecretsExtension {
  /** The secret's ARN. */
  readonly secretId: string;
  /** Lambda's AWS_SESSION_TOKEN: the extension wants it as proof the caller is the function. */
  readonly sessionToken: string;
  readonly port?: string | undefined;
}

const ATTEMPT_TIMEOUT_MS = 2_000;

interface Answer {
  readonly status: number;
  readonly body: string;
}

// node:http rather than fetch(): fetch's first use loads undici, which costs a cold start about
// three times the CPU of this request (docs/PERFORMANCE.md). One request, then the socket closes.
const get = (port: string, path: string, headers: Record<string, string>): Promise<Answer> =>
  new Promise((resolve, reject) => {
    const request = httpGet({ host: 'localhost', port, path, headers, agent: false }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        clearTimeout(timer);
        resolve({ status: response.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') });
      });
      response.on('error', reject);
    });
    const timer = setTimeout(
      () => request.destroy(new Error(`no answer within ${ATTEMPT_TIMEOUT_MS} ms`)),
      ATTEMPT_TIMEOUT_MS,
    );
    request.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });

/** The parsed answer, or undefined: a parse error would quote the body, which may be the secret itself. */
const parsed = (body: string): { SecretString?: string } | undefined => {
  try {
    return JSON.parse(body) as { SecretString?: string };
  } catch {
    return undefined;
  }
};

const fromExtension = async ({
  secretId,
  sessionToken,
  port = '2773',
}: SecretsExtension): Promise<string> => {
  const path = `/secretsmanager/get?secretId=${encodeURIComponent(secretId)}`;
  const headers = { 'X-Aws-Parameters-Secrets-Token': sessionToken };
  let lastProblem = '';
  // The extension can still be starting during the first milliseconds of a cold start.
  for (let attempt = 0; attempt < 5; attempt++) {
    try {
      const response = await get(port, path, headers);
      if (response.status >= 200 && response.status < 300) {
        const body = parsed(response.body);
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
