// Control Tower's proactive controls run on every synth (lib/control-tower.ts): the stacks pass them,
// a planted violation is refused, the disabled rules are few and explained, and with
// `-c kmsKey=customer` every encryptable resource is encrypted with the deployment's one key.
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { App, Stack } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as logs from 'aws-cdk-lib/aws-logs';
import {
  type ControlTowerChoices,
  controlId,
  DISABLED_CONTROL_TOWER_RULES,
  disabledControlTowerRules,
} from '../../lib/control-tower';
import { addUserApiStack } from '../../lib/user-api-app';
import { cdkJsonContext, synthUserApi } from './synth';

const ROOT = path.join(__dirname, '..', '..');
const RULES = path.join(
  path.dirname(require.resolve('@cdklabs/cdk-validator-cfnguard/package.json')),
  'rules',
  'control-tower',
  'cfn-guard',
);

// Each synth below runs cdk-nag and cfn-guard (~2 s of CPU for cfn-guard alone): once per variant.
const main = synthUserApi('main');
const feature = synthUserApi('feature/Foo_bar-1');
const customer = synthUserApi('main', { kmsKey: 'customer' });

const rulesFor = (choices: ControlTowerChoices) =>
  disabledControlTowerRules(choices)
    .map((d) => d.rule)
    .sort();

describe('the Control Tower rules', () => {
  it('pass for main and for a feature branch, with the AWS-managed keys and with the customer key', () => {
    // synthUserApi synthesizes through the app's validation plugins: a failing rule would have thrown.
    for (const { template } of [main, feature, customer]) {
      expect(Object.keys(template.toJSON().Resources).length).toBeGreaterThan(10);
    }
  });

  it('refuse a template that breaks one: synth fails and names the rule and the planted resource', () => {
    const app = new App({ context: { ...cdkJsonContext(), 'aws:cdk:bundling-stacks': [] } });
    addUserApiStack(app, 'main');
    const planted = new Stack(app, 'Planted');
    new logs.LogGroup(planted, 'WeekOfLogs', { retention: logs.RetentionDays.ONE_WEEK });
    new dynamodb.CfnTable(planted, 'NoSse', {
      keySchema: [{ attributeName: 'id', keyType: 'HASH' }],
      attributeDefinitions: [{ attributeName: 'id', attributeType: 'S' }],
      billingMode: 'PAY_PER_REQUEST',
    });
    let message = '';
    try {
      app.synth();
    } catch (error) {
      message = String(error);
    }
    expect(message).toContain('[CT.CLOUDWATCH.PR.2]');
    expect(message).toContain('Planted/WeekOfLogs');
    expect(message).toContain('[CT.DYNAMODB.PR.2]');
    expect(message).toContain('Planted/NoSse');
    expect(message).not.toContain('UserApi-main/');
  });
});

describe('disabled rules', () => {
  it('are rules of the Control Tower set, each with a reason', () => {
    const ruleSet = readdirSync(RULES, { recursive: true, encoding: 'utf8' })
      .filter((file) => file.endsWith('.guard'))
      .map((file) => path.basename(file, '.guard'));
    expect(ruleSet.length).toBeGreaterThan(100);
    for (const { rule, reason } of DISABLED_CONTROL_TOWER_RULES) {
      expect(ruleSet).toContain(rule);
      expect(reason.length).toBeGreaterThan(80);
    }
  });

  it('are only the design choices with the customer key on main', () => {
    expect(rulesFor({ kmsKey: 'customer', logRetentionDays: 365 })).toEqual([
      'ct-apigateway-pr-5',
      'ct-lambda-pr-2',
      'ct-lambda-pr-3',
    ]);
  });

  it('add log-group encryption with the AWS-managed keys', () => {
    expect(rulesFor({ kmsKey: 'aws-managed', logRetentionDays: 365 })).toEqual([
      'ct-apigateway-pr-5',
      'ct-cloudwatch-pr-3',
      'ct-lambda-pr-2',
      'ct-lambda-pr-3',
    ]);
  });

  it('add the year of log retention only for a deployment that keeps logs less', () => {
    expect(rulesFor({ kmsKey: 'customer', logRetentionDays: 30 })).toContain('ct-cloudwatch-pr-2');
    expect(rulesFor({ kmsKey: 'customer', logRetentionDays: 400 })).not.toContain('ct-cloudwatch-pr-2');
  });

  it('are each listed with their reason in docs/SECURITY.md', () => {
    const security = readFileSync(path.join(ROOT, 'docs', 'SECURITY.md'), 'utf8');
    for (const { rule } of DISABLED_CONTROL_TOWER_RULES) {
      expect(security).toContain(`\`${controlId(rule)}\``);
      expect(security).toContain(`\`${rule}\``);
    }
  });
});

/** The property through which each encryptable resource type names its KMS key. */
const KEY_PROPERTY: Record<string, (properties: Record<string, unknown>) => unknown> = {
  'AWS::DynamoDB::Table': (p) =>
    (p.SSESpecification as { KMSMasterKeyId?: unknown } | undefined)?.KMSMasterKeyId,
  'AWS::Logs::LogGroup': (p) => p.KmsKeyId,
  'AWS::SNS::Topic': (p) => p.KmsMasterKeyId,
  'AWS::SQS::Queue': (p) => p.KmsMasterKeyId,
  'AWS::SecretsManager::Secret': (p) => p.KmsKeyId,
};

describe('with -c kmsKey=customer', () => {
  const { stack, template } = customer;
  const keyId = stack.getLogicalId(stack.defaults.key?.node.defaultChild as never);
  const resources = Object.entries(
    template.toJSON().Resources as Record<string, { Type: string; Properties: Record<string, unknown> }>,
  );

  it('has one key, rotated yearly, kept with production data', () => {
    template.resourceCountIs('AWS::KMS::Key', 1);
    template.hasResource('AWS::KMS::Key', {
      Properties: { EnableKeyRotation: true, PendingWindowInDays: 30 },
      DeletionPolicy: 'Retain',
    });
  });

  it('names the key in every encryptable resource: table, log groups, alarm topic, queues, secrets', () => {
    const encryptable = resources.filter(([, resource]) => resource.Type in KEY_PROPERTY);
    expect(new Set(encryptable.map(([, r]) => r.Type))).toEqual(
      new Set([
        'AWS::DynamoDB::Table',
        'AWS::Logs::LogGroup',
        'AWS::SNS::Topic',
        'AWS::SQS::Queue',
        'AWS::SecretsManager::Secret',
      ]),
    );
    for (const [id, resource] of encryptable) {
      const named = JSON.stringify(KEY_PROPERTY[resource.Type]?.(resource.Properties));
      expect([id, named]).toEqual([id, expect.stringContaining(`"${keyId}"`)]);
    }
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      SSESpecification: { SSEEnabled: true, SSEType: 'KMS' },
    });
  });

  it('lets CloudWatch Logs use the key only for log groups of this account and region', () => {
    const statements = keyStatements(template.toJSON().Resources[keyId]);
    const logsStatement = statements.find((s) => s.Sid === 'CloudWatchLogsEncryptsThisAccountsLogGroups');
    expect(JSON.stringify(logsStatement?.Principal)).toContain('"logs."');
    expect(JSON.stringify(logsStatement?.Condition)).toContain('kms:EncryptionContext:aws:logs:arn');
    expect(JSON.stringify(logsStatement?.Condition)).toContain(':log-group:*');
  });

  it('lets CloudWatch alarms publish to the encrypted topic, for this account only', () => {
    const statements = keyStatements(template.toJSON().Resources[keyId]);
    expect(statements.find((s) => s.Sid === 'CloudWatchAlarmsPublishToTheEncryptedTopic')).toMatchObject({
      Effect: 'Allow',
      Principal: { Service: 'cloudwatch.amazonaws.com' },
      Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
    });
  });

  it('refuses grants that are not for AWS resources (CT.KMS.PR.3)', () => {
    const statements = keyStatements(template.toJSON().Resources[keyId]);
    expect(statements.find((s) => s.Sid === 'GrantsOnlyForAwsServices')).toMatchObject({
      Effect: 'Deny',
      Action: 'kms:CreateGrant',
      Condition: {
        BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' },
      },
    });
  });

  it('lets each function use the key only through the services it calls', () => {
    const via = (roleConstruct: { node: { defaultChild?: unknown } }) => {
      const roleId = stack.getLogicalId(roleConstruct.node.defaultChild as never);
      return Object.values(template.findResources('AWS::IAM::Policy'))
        .filter((p) => (p.Properties.Roles as { Ref: string }[]).some((r) => r.Ref === roleId))
        .flatMap((p) => p.Properties.PolicyDocument.Statement as KeyStatement[])
        .filter((s) => JSON.stringify(s.Action).includes('kms:'))
        .map((s) => {
          expect(s.Resource).toEqual({ 'Fn::GetAtt': [keyId, 'Arn'] });
          return JSON.stringify(s.Condition).match(/"(dynamodb|secretsmanager)\./)?.[1];
        })
        .sort();
    };
    expect(via(stack.router.role)).toEqual(['dynamodb', 'secretsmanager']);
    expect(via(stack.authorizer.role)).toEqual(['secretsmanager']);
  });
});

describe('with the AWS-managed keys (the default)', () => {
  const { template } = main;

  it("creates no key, and still encrypts the table with a KMS key, DynamoDB's AWS-managed one (CT.DYNAMODB.PR.2)", () => {
    template.resourceCountIs('AWS::KMS::Key', 0);
    const [table] = Object.values(template.findResources('AWS::DynamoDB::Table'));
    // SSEEnabled without a key id is the AWS-managed key (aws/dynamodb); absent would be an AWS-owned key.
    expect(table?.Properties.SSESpecification).toEqual({ SSEEnabled: true });
    expect(JSON.stringify(template.toJSON())).not.toContain('KmsKeyId');
    expect(JSON.stringify(template.toJSON())).not.toContain('KmsMasterKeyId');
  });

  it('grants no function anything of KMS', () => {
    expect(JSON.stringify(template.findResources('AWS::IAM::Policy'))).not.toContain('kms:');
  });
});

interface KeyStatement {
  readonly Sid?: string;
  readonly Effect: string;
  readonly Action: unknown;
  readonly Principal?: unknown;
  readonly Resource?: unknown;
  readonly Condition?: unknown;
}

const keyStatements = (key: { Properties: { KeyPolicy: { Statement: KeyStatement[] } } }): KeyStatement[] =>
  key.Properties.KeyPolicy.Statement;
