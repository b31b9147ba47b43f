// The mailer: a function fed by the table's stream, filtered to new outbox items, that sends each
// through SES. A record that still fails after Lambda's retries (bisected down to itself) goes to
// an encrypted dead-letter queue, and an alarm says so. Without a `mailFrom` address the
// function is deployed all the same, logs that mail is off and fails its records into the queue.
import { Aws, Duration, type RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import type * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { OUTBOX_PREFIX } from '../lambda/store/items/mail-items';
import { API_FUNCTION_BUNDLING } from './api-function';
import { DeploymentDefaults } from './deployment-defaults';
import type { UsersTable } from './users-table';

export interface MailerProps {
  readonly entry: string;
  readonly users: UsersTable;
  /** The verified SES identity mail is sent from; undefined turns mail off. */
  readonly mailFrom: string | undefined;
  /** Where the links in the mail point (the verify-email and reset-password pages). */
  readonly appUrl: string;
  readonly productName?: string;
  /** The alarm topic: the dead-letter queue's alarm notifies it. */
  readonly alarmTopic: sns.ITopic;
  readonly removalPolicy: RemovalPolicy;
}

/**
 * The stream mapping's on-failure destination, granted with exact actions. The queue's own grant
 * helper (what SqsDlq uses) adds `kms:ReEncrypt*` and `kms:GenerateDataKey*` on the customer key
 * (cdk-nag AwsSolutions-IAM5); sending to a KMS-encrypted queue needs only a data key and Decrypt,
 * and only through SQS.
 */
function mailerDeadLetterQueue(queue: sqs.Queue, role: iam.Role): lambda.IEventSourceDlq {
  return {
    bind: () => {
      role.addToPrincipalPolicy(
        new iam.PolicyStatement({
          actions: ['sqs:SendMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl'],
          resources: [queue.queueArn],
        }),
      );
      DeploymentDefaults.of(queue).grantKeyUse(role, 'sqs', ['kms:Decrypt', 'kms:GenerateDataKey']);
      return { destination: queue.queueArn };
    },
  };
}

/** The only SES action the mailer's role has. */
export const MAILER_SES_ACTIONS = ['ses:SendEmail'] as const;

export class Mailer extends Construct {
  readonly function: NodejsFunction;
  readonly role: iam.Role;
  readonly deadLetterQueue: sqs.Queue;
  readonly deadLetterAlarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: MailerProps) {
    super(scope, id);
    const defaults = DeploymentDefaults.of(this);
    const { table } = props.users;
    const logGroup = defaults.logGroup(this, 'LogGroup', props.removalPolicy);

    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      ...defaults.queueEncryption(),
      retentionPeriod: Duration.days(14),
      // Marked as a dead-letter queue (CT.SQS.PR.1 takes allowAll or byQueue); its source is the
      // stream mapping's on-failure destination, not a queue, so there is no queue to name.
      redriveAllowPolicy: { redrivePermission: sqs.RedrivePermission.ALLOW_ALL },
      removalPolicy: props.removalPolicy,
    });

    Validations.of(this.deadLetterQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        "The mailer's dead-letter queue itself: the stream mapping's on-failure destination, which cdk-nag " +
        'recognises only for queues and function DLQs. It has no DLQ of its own by design; its alarm watches it.',
    });

    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'User API mailer (execution role)',
    });
    logGroup.grantWrite(this.role);
    // Marks a sent outbox item (blanks its token): one item action on the table.
    this.role.addToPolicy(
      new iam.PolicyStatement({ actions: ['dynamodb:UpdateItem'], resources: [table.tableArn] }),
    );
    if (!table.tableStreamArn) throw new Error('The users table has no stream for the mailer');
    this.role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator'],
        // The stream's ARN only: no dynamodb:ListStreams, whose only resource is '*' (the mapping names the stream).
        resources: [table.tableStreamArn],
      }),
    );
    defaults.grantKeyUse(this.role, 'dynamodb', [
      'kms:Decrypt',
      'kms:DescribeKey',
      'kms:Encrypt',
      'kms:GenerateDataKey',
    ]);
    if (props.mailFrom !== undefined) {
      const domain = props.mailFrom.slice(props.mailFrom.lastIndexOf('@') + 1);
      const identity = (name: string) =>
        `arn:${Aws.PARTITION}:ses:${Aws.REGION}:${Aws.ACCOUNT_ID}:identity/${name}`;
      this.role.addToPolicy(
        new iam.PolicyStatement({
          actions: [...MAILER_SES_ACTIONS],
          // The address's own identity, or its domain's, whichever SES verified.
          resources: [identity(props.mailFrom), identity(domain)],
          conditions: { StringEquals: { 'ses:FromAddress': props.mailFrom } },
        }),
      );
    }
    this.function = new NodejsFunction(this, 'Function', {
      entry: props.entry,
      handler: 'handler',
      description: 'User API mailer: sends the outbox items of the table stream through SES',
      runtime: lambda.Runtime.NODEJS_24_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: 256,
      timeout: Duration.seconds(30),
      role: this.role,
      logGroup,
      environment: {
        TABLE_NAME: table.tableName,
        APP_URL: props.appUrl,
        PRODUCT_NAME: props.productName ?? 'User API',
        ...(props.mailFrom !== undefined && { MAIL_FROM: props.mailFrom }),
      },
      bundling: API_FUNCTION_BUNDLING,
    });

    this.function.addEventSourceMapping('OutboxStream', {
      eventSourceArn: table.tableStreamArn,
      startingPosition: lambda.StartingPosition.TRIM_HORIZON,
      batchSize: 10,
      maxBatchingWindow: Duration.seconds(1),
      retryAttempts: 5,
      maxRecordAge: Duration.hours(6),
      bisectBatchOnError: true,
      reportBatchItemFailures: true,
      onFailure: mailerDeadLetterQueue(this.deadLetterQueue, this.role),
      // Only new outbox items wake the mailer: users, guards, tokens and sessions never do.
      filters: [
        lambda.FilterCriteria.filter({
          eventName: lambda.FilterRule.isEqual('INSERT'),
          dynamodb: { Keys: { id: { S: lambda.FilterRule.beginsWith(OUTBOX_PREFIX) } } },
        }),
      ],
    });

    this.deadLetterAlarm = new cloudwatch.Alarm(this, 'DeadLetterAlarm', {
      alarmDescription: 'Mail the User API could not send is in the dead-letter queue',
      metric: this.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
        period: Duration.minutes(5),
        statistic: 'Maximum',
      }),
      threshold: 0,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    const action = new SnsAction(props.alarmTopic);
    this.deadLetterAlarm.addAlarmAction(action);
    this.deadLetterAlarm.addOkAction(action);
  }
}
