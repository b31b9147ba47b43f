// The variables the Lambda runtime sets in every function's environment, besides the template's:
// the SDK reads the region and credentials from them, the code its session token for the
// Parameters and Secrets extension, and the extension's port. Values are stand-ins.
import type { BundleInfo } from './bundles';
import type { SecretsExtensionStandIn } from './secrets-extension';

export const lambdaEnvironment = (
  info: BundleInfo,
  extension: SecretsExtensionStandIn,
): Record<string, string> => ({
  AWS_REGION: 'us-east-1',
  AWS_DEFAULT_REGION: 'us-east-1',
  AWS_EXECUTION_ENV: `AWS_Lambda_${info.runtime}`,
  AWS_LAMBDA_FUNCTION_NAME: `user-api-bench-${info.name}`,
  AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(info.memorySize),
  AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
  AWS_LAMBDA_INITIALIZATION_TYPE: 'on-demand',
  AWS_ACCESS_KEY_ID: 'local',
  AWS_SECRET_ACCESS_KEY: 'local',
  AWS_SESSION_TOKEN: extension.sessionToken,
  LAMBDA_TASK_ROOT: '/var/task',
  TZ: ':UTC',
});
