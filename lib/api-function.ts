// The defaults every Lambda of this API shares: runtime, architecture, bundling, its own log
// group (the deployment's retention and key) and role, and reading its secrets through the
// Parameters and Secrets extension.
import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import {
  type BundlingOptions,
  type ICommandHooks,
  NodejsFunction,
  OutputFormat,
} from 'aws-cdk-lib/aws-lambda-nodejs';
import type * as logs from 'aws-cdk-lib/aws-logs';
import type { ISecret } from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { KEY_SET_REFRESH_SECONDS } from '../lambda/tokens/jwks';
import { DeploymentDefaults } from './deployment-defaults';

/**
 * How every API function is bundled (esbuild, locally, no Docker). Exported so that `npm run bench`
 * rebuilds the bundles with exactly these options to find their largest contributors.
 */
export const API_FUNCTION_BUNDLING: BundlingOptions = {
  forceDockerBundling: false,
  format: OutputFormat.ESM,
  target: 'node24',
  // ESM entry points of dependencies tree-shake better: ~380 KB instead of ~590 KB.
  mainFields: ['module', 'main'],
  minify: true,
  sourceMap: true,
  // Stack traces need only the mappings: without the sources inlined the router's map is ~0.46 MB
  // instead of ~1.5 MB. The code reads it only when it logs an error (lambda/shared/source-mapped-stack.ts);
  // --enable-source-maps would parse it on every cold start.
  sourcesContent: false,
  // Bundled, @aws-sdk imports ~3x faster on a cold start than the runtime's copy.
  bundleAwsSDK: true,
  // CommonJS dependencies call require(), which an ESM bundle does not define.
  banner: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
  esbuildArgs: {
    // Lambda passes the role's credentials in environment variables: the SDK's default chain
    // (SSO, ini files, STS, metadata...: ~135 KB of the router) gives way to an env-only provider,
    // lambda/store/credentials-from-env.ts. esbuild resolves the path from the project root.
    // DynamoDB has no event-stream operations: the SDK's event-stream codec (~15 KB, reached only
    // by a dynamic import() for such operations) gives way to lambda/store/no-event-streams.ts,
    // which says so if it is ever called.
    '--alias': [
      '@aws-sdk/credential-provider-node=./lambda/store/credentials-from-env.ts',
      '@smithy/core/event-streams=./lambda/store/no-event-streams.ts',
    ],
  },
};

export interface ApiFunctionProps {
  readonly entry: string;
  readonly description: string;
  readonly memorySize: number;
  readonly timeout: Duration;
  /**
   * The secrets the code reads, by the environment variable that carries each one's ARN. The
   * function may read these and nothing else of Secrets Manager, through the extension.
   */
  readonly secrets: Readonly<Record<string, ISecret>>;
  readonly environment?: Record<string, string>;
  readonly removalPolicy: RemovalPolicy;
  /** Commands around the bundling (the pages function adds its built files). */
  readonly commandHooks?: ICommandHooks;
}

export class ApiFunction extends Construct {
  readonly function: NodejsFunction;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: ApiFunctionProps) {
    super(scope, id);

    const defaults = DeploymentDefaults.of(this);
    this.logGroup = defaults.logGroup(this, 'LogGroup', props.removalPolicy);

    // An explicit role instead of AWSLambdaBasicExecutionRole: that managed policy lets the
    // function write to every log group in the account; this one may write only to its own.
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `${props.description} (execution role)`,
    });
    this.logGroup.grantWrite(this.role);
    const secrets = Object.values(props.secrets);
    for (const secret of secrets) {
      this.role.addToPolicy(
        new iam.PolicyStatement({
          actions: ['secretsmanager:GetSecretValue'],
          resources: [secret.secretArn],
        }),
      );
    }
    const secretArns = Object.fromEntries(
      Object.entries(props.secrets).map(([variable, secret]) => [variable, secret.secretArn]),
    );
    if (secrets.length > 0) defaults.grantKeyUse(this.role, 'secretsmanager', ['kms:Decrypt']);

    this.function = new NodejsFunction(this, 'Function', {
      entry: props.entry,
      handler: 'handler',
      description: props.description,
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memorySize,
      timeout: props.timeout,
      role: this.role,
      logGroup: this.logGroup,
      environment: {
        ...props.environment,
        ...secretArns,
      },
      // The code reads secrets over http://localhost:2773 instead of importing the Secrets
      // Manager SDK: no client in the bundle, and the extension caches the value for as long as
      // the code keeps its own copy (a rotation's publish delay counts on both bounds).
      ...(secrets.length > 0
        ? {
            paramsAndSecrets: lambda.ParamsAndSecretsLayerVersion.fromVersion(
              lambda.ParamsAndSecretsVersions.V1_0_103,
              { cacheEnabled: true, secretsManagerTtl: Duration.seconds(KEY_SET_REFRESH_SECONDS) },
            ),
          }
        : {}),
      bundling: props.commandHooks
        ? { ...API_FUNCTION_BUNDLING, commandHooks: props.commandHooks }
        : API_FUNCTION_BUNDLING,
    });
  }

  /**
   * What API Gateway invokes: the function itself, or with `instances` > 0 its `live` alias with
   * that many provisioned (pre-initialized) instances, billed whether they serve or not.
   */
  invokedWithWarmInstances(instances: number): lambda.IFunction {
    if (instances === 0) return this.function;
    return new lambda.Alias(this, 'Live', {
      aliasName: 'live',
      version: this.function.currentVersion,
      provisionedConcurrentExecutions: instances,
    });
  }
}
