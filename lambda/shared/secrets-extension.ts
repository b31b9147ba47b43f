// A secret's value, read once per refresh. On AWS the keys live in Secrets Manager and are read
// through the AWS Parameters and Secrets Lambda Extension (a localhost HTTP call), which keeps the
// AWS SDK out of both bundles: the authorizer stays tiny and starts fast. Locally, in tests and
// in the bench the value is handed in directly.
import { get as httpGet } from 'node:http';
import { ConfigurationError, type Environment, requiredEnv } from './env';

export interface SecretsExtension {
  /** The secret's ARN. */
  readonly secretId: string;
  /** Lambda's AWS_SESSION_TOKEN: the extension wants it as proof the caller is the function. */
  readonly sessionToken: string;
  readonly port?: string | undefined;
}

export type SecretSource = { readonly value: string } | { readonly extension: SecretsExtension };

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
  throw new ConfigurationError(`Could not read the secret: ${lastProblem}`);
};

/** The value given directly, or read from Secrets Manager through the extension. */
export const readSecret = async (source: SecretSource): Promise<string> =>
  'value' in source ? source.value : fromExtension(source.extension);

/**
 * A Lambda's secret as its environment names it: the value itself in `valueVariable` (for running
 * a bundle off AWS), else the ARN in `arnVariable`, read through the extension.
 */
export const secretSourceFromEnv = (
  env: Environment,
  { valueVariable, arnVariable }: { valueVariable: string; arnVariable: string },
): SecretSource => {
  const value = env[valueVariable];
  if (value) return { value };
  return {
    extension: {
      secretId: requiredEnv(env, arnVariable),
      sessionToken: requiredEnv(env, 'AWS_SESSION_TOKEN'),
      port: env.PARAMETERS_SECRETS_EXTENSION_HTTP_PORT,
    },
  };
};
