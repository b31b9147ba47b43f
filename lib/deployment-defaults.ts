// What every resource of one deployment shares, chosen once per stack: the KMS key (one
// customer-managed key with `-c kmsKey=customer`, else each service's AWS-managed key), how long
// logs are kept, and whether data outlives the stack. Constructs find it with
// DeploymentDefaults.of(this), so a function, log group, queue or secret added later is encrypted
// and retained like the rest without new wiring.
import { Aws, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import type { TableProps } from 'aws-cdk-lib/aws-dynamodb';
import { TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { QueueEncryption, type QueueProps } from 'aws-cdk-lib/aws-sqs';
import { Construct, type IConstruct } from 'constructs';
import type { KmsKeyChoice } from './stack-settings';

const ID = 'Deployment';

/** Services that use the key on a caller's behalf: the caller's role needs the key through them only. */
export type KeyUsingService = 'dynamodb' | 'secretsmanager' | 'sqs';

export interface DeploymentDefaultsProps {
  readonly kmsKey: KmsKeyChoice;
  readonly logRetentionDays: number;
  readonly removalPolicy: RemovalPolicy;
}

export class DeploymentDefaults extends Construct {
  /** The deployment's defaults; every stack of this app creates them first, in its constructor. */
  static of(scope: IConstruct): DeploymentDefaults {
    const found = Stack.of(scope).node.tryFindChild(ID);
    if (!(found instanceof DeploymentDefaults)) {
      throw new Error(
        `${Stack.of(scope).node.path} has no DeploymentDefaults: create them before any resource.`,
      );
    }
    return found;
  }

  /** The customer-managed key, or undefined when the AWS-managed keys are used. */
  readonly key: kms.Key | undefined;
  readonly logRetention: logs.RetentionDays;
  readonly removalPolicy: RemovalPolicy;

  constructor(scope: Stack, props: DeploymentDefaultsProps) {
    super(scope, ID);
    this.logRetention = props.logRetentionDays as logs.RetentionDays;
    this.removalPolicy = props.removalPolicy;
    if (props.kmsKey === 'customer') this.key = this.createKey(props.removalPolicy);
  }

  /** A log group kept for the deployment's retention, encrypted with the customer key when there is one. */
  logGroup(scope: Construct, id: string, removalPolicy: RemovalPolicy = this.removalPolicy): logs.LogGroup {
    return new logs.LogGroup(scope, id, {
      retention: this.logRetention,
      encryptionKey: this.key,
      removalPolicy,
    });
  }

  /** Table encryption: always a KMS key (CT.DYNAMODB.PR.2), the customer's or DynamoDB's AWS-managed one. */
  tableEncryption(): Pick<TableProps, 'encryption' | 'encryptionKey'> {
    return this.key
      ? { encryption: TableEncryption.CUSTOMER_MANAGED, encryptionKey: this.key }
      : { encryption: TableEncryption.AWS_MANAGED };
  }

  /** Queue encryption: the customer key, else SQS-managed SSE (CT.SQS.PR.2); HTTPS only either way. */
  queueEncryption(): Pick<QueueProps, 'encryption' | 'encryptionMasterKey' | 'enforceSSL'> {
    return this.key
      ? { encryption: QueueEncryption.KMS, encryptionMasterKey: this.key, enforceSSL: true }
      : { encryption: QueueEncryption.SQS_MANAGED, enforceSSL: true };
  }

  /**
   * Lets a role use the customer key, only through the given service (`kms:ViaService`): what a
   * caller of an encrypted table, secret or queue needs. Nothing to grant with the AWS-managed keys.
   */
  grantKeyUse(grantee: iam.IGrantable, service: KeyUsingService, actions: readonly string[]): void {
    if (!this.key) return;
    grantee.grantPrincipal.addToPrincipalPolicy(
      new iam.PolicyStatement({
        actions: [...actions],
        resources: [this.key.keyArn],
        conditions: { StringEquals: { 'kms:ViaService': `${service}.${Aws.REGION}.amazonaws.com` } },
      }),
    );
  }

  private createKey(removalPolicy: RemovalPolicy): kms.Key {
    const key = new kms.Key(this, 'Key', {
      description: `User API data key (${Stack.of(this).stackName}): table, logs, alarm topic, queues, secrets`,
      enableKeyRotation: true,
      removalPolicy,
      // A feature branch's key goes with its stack after the shortest wait KMS allows.
      pendingWindow: removalPolicy === RemovalPolicy.DESTROY ? Duration.days(7) : Duration.days(30),
    });
    // CloudWatch Logs encrypts with the key only for this account's log groups in this region.
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudWatchLogsEncryptsThisAccountsLogGroups',
        principals: [new iam.ServicePrincipal(`logs.${Aws.REGION}.amazonaws.com`)],
        actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
        resources: ['*'],
        conditions: {
          ArnLike: {
            'kms:EncryptionContext:aws:logs:arn': `arn:${Aws.PARTITION}:logs:${Aws.REGION}:${Aws.ACCOUNT_ID}:log-group:*`,
          },
        },
      }),
    );
    // Alarm actions publish to the encrypted topic as CloudWatch, which needs a data key for it.
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'CloudWatchAlarmsPublishToTheEncryptedTopic',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
      }),
    );
    // Grants only for AWS resources (DynamoDB takes one for the table), never handed out by people (CT.KMS.PR.3).
    key.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'GrantsOnlyForAwsServices',
        effect: iam.Effect.DENY,
        principals: [new iam.AnyPrincipal()],
        actions: ['kms:CreateGrant'],
        resources: ['*'],
        conditions: {
          BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' },
        },
      }),
    );
    return key;
  }
}
