// The token signing keys: two secrets and the custom resource that fills them on first deploy.
// - key set: ES256 private keys with their states, and the symmetric cursor key; only the router
//   may read it;
// - public keys: the JWKS, all the authorizer may read, kept in step by every write of the set.
// CloudFormation generates each secret's value as a random placeholder (it cannot make an EC key);
// the FirstKeySet custom resource then writes the first key set into both, during `cdk deploy`.
// Keep the secrets' value properties unchanged: CloudFormation regenerates a secret whose
// GenerateSecretString changes, which would throw the keys away.

import * as path from 'node:path';
import { CustomResource, Duration, type RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { ApiFunction } from './api-function';
import { DeploymentDefaults } from './deployment-defaults';

export interface SigningKeysProps {
  readonly removalPolicy: RemovalPolicy;
}

const ROTATION_REASON =
  'Rotated by `npm run rotate-signing-key` (README, "Rotating the signing key"): a new key must be ' +
  'published long before it signs and the old one kept until its tokens expire, a two-stage ' +
  "timing that Secrets Manager's single-step rotation does not model.";

export class SigningKeys extends Construct {
  /** Private: the router's alone. */
  readonly keySet: secretsmanager.Secret;
  /** Public: the authorizer's. */
  readonly publicKeys: secretsmanager.Secret;
  readonly initializer: ApiFunction;
  readonly firstKeySet: CustomResource;

  constructor(scope: Construct, id: string, props: SigningKeysProps) {
    super(scope, id);

    const placeholder = { passwordLength: 32, excludePunctuation: true };
    // Undefined (Secrets Manager's AWS-managed key) unless the deployment has a customer key.
    const encryptionKey = DeploymentDefaults.of(this).key;
    this.keySet = new secretsmanager.Secret(this, 'KeySet', {
      description: 'User API token signing keys (ES256 private keys): the router reads it',
      generateSecretString: placeholder,
      encryptionKey,
      removalPolicy: props.removalPolicy,
    });
    this.publicKeys = new secretsmanager.Secret(this, 'PublicKeys', {
      description: 'User API token verification keys (JWKS, public keys only): the authorizer reads it',
      generateSecretString: placeholder,
      encryptionKey,
      removalPolicy: props.removalPolicy,
    });
    for (const secret of [this.keySet, this.publicKeys]) {
      Validations.of(secret).acknowledge({ id: 'AwsSolutions-SMG4', reason: ROTATION_REASON });
    }

    this.initializer = new ApiFunction(this, 'Initializer', {
      entry: path.join(__dirname, '..', 'lambda', 'key-set-init', 'index.ts'),
      description: 'User API first signing key set (CloudFormation custom resource)',
      memorySize: 256,
      timeout: Duration.seconds(30),
      secrets: {},
      removalPolicy: props.removalPolicy,
    });
    this.keySet.grantRead(this.initializer.role);
    this.keySet.grantWrite(this.initializer.role);
    this.publicKeys.grantWrite(this.initializer.role);

    this.firstKeySet = new CustomResource(this, 'FirstKeySet', {
      serviceToken: this.initializer.function.functionArn,
      resourceType: 'Custom::SigningKeySet',
      properties: { KeySetSecretArn: this.keySet.secretArn, PublicKeysSecretArn: this.publicKeys.secretArn },
    });
  }
}
