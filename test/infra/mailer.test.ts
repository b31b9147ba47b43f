// The mailer as synthesized: fed by the table's stream (new outbox items only), failing into an
// encrypted dead-letter queue with an alarm, and a role that may send as `mailFrom` and nothing else.
import type { CfnElement } from 'aws-cdk-lib';

import type { IConstruct } from 'constructs';
import { OUTBOX_PREFIX } from '../../lambda/store/items/mail-items';
import type { UserApiStack } from '../../lib/user-api-stack';
import { type Synthesized, synthUserApi } from './synth';

const withMail = synthUserApi('feature/mail', {
  mailFrom: 'no-reply@mail.example.com',
  appUrl: 'https://app.example.com',
});
const withoutMail = synthUserApi('feature/mail');

const logicalId = (owner: UserApiStack, construct: IConstruct): string =>
  owner.getLogicalId(construct.node.defaultChild as CfnElement);

interface Statement {
  readonly Effect: string;
  readonly Action: string | string[];
  readonly Resource: unknown;
  readonly Condition?: unknown;
}

const mailerStatements = ({ stack, template }: Synthesized): Statement[] => {
  const roleId = logicalId(stack, stack.mailer.role);
  return Object.values(template.findResources('AWS::IAM::Policy'))
    .filter((policy) => (policy.Properties.Roles as { Ref: string }[]).some((role) => role.Ref === roleId))
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement as Statement[]);
};
const actionsOf = (statements: Statement[]) =>
  statements.flatMap((statement) =>
    Array.isArray(statement.Action) ? statement.Action : [statement.Action],
  );

const mailerFunction = ({ stack, template }: Synthesized) =>
  template.toJSON().Resources[logicalId(stack, stack.mailer.function)];

describe('the mailer', () => {
  it('reads the table stream, new images only', () => {
    withMail.template.hasResourceProperties('AWS::DynamoDB::Table', {
      StreamSpecification: { StreamViewType: 'NEW_IMAGE' },
    });
  });

  it('is woken only by new outbox items, reports batch item failures, bisects, and fails into its queue', () => {
    const { stack, template } = withMail;
    const mappings = Object.values(template.findResources('AWS::Lambda::EventSourceMapping'));
    expect(mappings).toHaveLength(1);
    const [mapping] = mappings;
    expect(mapping?.Properties).toMatchObject({
      FunctionName: { Ref: logicalId(stack, stack.mailer.function) },
      EventSourceArn: { 'Fn::GetAtt': [logicalId(stack, stack.users.table), 'StreamArn'] },
      StartingPosition: 'TRIM_HORIZON',
      BisectBatchOnFunctionError: true,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      MaximumRetryAttempts: 5,
      DestinationConfig: {
        OnFailure: { Destination: { 'Fn::GetAtt': [logicalId(stack, stack.mailer.deadLetterQueue), 'Arn'] } },
      },
    });
    const patterns = ((mapping?.Properties.FilterCriteria.Filters ?? []) as { Pattern: string }[]).map(
      (filter) => JSON.parse(filter.Pattern),
    );
    expect(patterns).toEqual([
      { eventName: ['INSERT'], dynamodb: { Keys: { id: { S: [{ prefix: OUTBOX_PREFIX }] } } } },
    ]);
  });

  it('keeps failed records in an encrypted queue, and any message there alarms to the alarm topic', () => {
    const { stack, template } = withMail;
    const queue = template.toJSON().Resources[logicalId(stack, stack.mailer.deadLetterQueue)];
    expect(queue.Properties.MessageRetentionPeriod).toBe(14 * 24 * 3600);
    expect(queue.Properties.SqsManagedSseEnabled ?? queue.Properties.KmsMasterKeyId).toBeTruthy();
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Namespace: 'AWS/SQS',
      Dimensions: [
        {
          Name: 'QueueName',
          Value: { 'Fn::GetAtt': [logicalId(stack, stack.mailer.deadLetterQueue), 'QueueName'] },
        },
      ],
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      AlarmActions: [{ Ref: logicalId(stack, stack.alarms.topic) }],
      OKActions: [{ Ref: logicalId(stack, stack.alarms.topic) }],
    });
  });

  it('may send only as mailFrom: its address or domain identity, conditioned on the From address', () => {
    const ses = mailerStatements(withMail).filter((statement) =>
      actionsOf([statement]).some((action) => action.startsWith('ses:')),
    );
    expect(ses).toHaveLength(1);
    expect(ses[0]?.Action).toBe('ses:SendEmail');
    const resources = JSON.stringify(ses[0]?.Resource);
    expect(resources).toContain(':identity/no-reply@mail.example.com');
    expect(resources).toContain(':identity/mail.example.com');
    expect(resources).not.toContain('*');
    expect(ses[0]?.Condition).toEqual({ StringEquals: { 'ses:FromAddress': 'no-reply@mail.example.com' } });
  });

  it('may write the table only to mark an outbox item sent, read only its stream, and reads no secret', () => {
    const dynamo = mailerStatements(withMail).filter((statement) =>
      actionsOf([statement]).some((action) => action.startsWith('dynamodb:')),
    );
    const { stack } = withMail;
    const tableId = logicalId(stack, stack.users.table);
    expect(dynamo.map((statement) => [actionsOf([statement]).sort(), statement.Resource])).toEqual([
      [['dynamodb:UpdateItem'], { 'Fn::GetAtt': [tableId, 'Arn'] }],
      [
        ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator'],
        { 'Fn::GetAtt': [tableId, 'StreamArn'] },
      ],
    ]);
    expect(
      actionsOf(mailerStatements(withMail)).filter((action) => action.startsWith('secretsmanager:')),
    ).toEqual([]);
  });

  it('is configured with the sender, the app URL for links and the table, and never the router-only settings', () => {
    const variables = mailerFunction(withMail).Properties.Environment.Variables;
    expect(variables).toMatchObject({
      MAIL_FROM: 'no-reply@mail.example.com',
      APP_URL: 'https://app.example.com',
      TABLE_NAME: { Ref: logicalId(withMail.stack, withMail.stack.users.table) },
    });
    expect(variables).not.toHaveProperty('SIGNING_KEYS_SECRET_ARN');
  });

  it('without mailFrom still synthesizes: the mailer has no sender, no SES permission, and links point at the API', () => {
    const variables = mailerFunction(withoutMail).Properties.Environment.Variables;
    expect(variables).not.toHaveProperty('MAIL_FROM');
    expect(JSON.stringify(variables.APP_URL)).toContain(
      logicalId(withoutMail.stack, withoutMail.stack.http.api),
    );
    expect(actionsOf(mailerStatements(withoutMail)).filter((action) => action.startsWith('ses:'))).toEqual(
      [],
    );
    withoutMail.template.resourceCountIs('AWS::Lambda::EventSourceMapping', 1);
  });

  it('refuses a mailFrom that is not an address, and an appUrl that is not https', () => {
    expect(() => synthUserApi('feature/mail', { mailFrom: 'example.com' })).toThrow(/mailFrom/);
    expect(() => synthUserApi('feature/mail', { appUrl: 'http://app.example.com' })).toThrow(/appUrl/);
  });
});
