// AWS Control Tower's proactive controls, run at synth: the cfn-guard rules AWS publishes for them
// (bundled with their binary in @cdklabs/cdk-validator-cfnguard) check every template, so a stack a
// landing zone's hooks would refuse at deploy time fails `cdk synth` and the infra tests instead.
// The rules this project does not follow are listed here, and only here, each with its reason.
import { CfnGuardValidator } from '@cdklabs/cdk-validator-cfnguard';
import { type Stage, Validations } from 'aws-cdk-lib';
import type { KmsKeyChoice } from './stack-settings';
import { PRODUCTION_LOG_RETENTION_DAYS } from './stack-settings';

/** The deployment choices that decide whether a rule applies. */
export interface ControlTowerChoices {
  readonly kmsKey: KmsKeyChoice;
  readonly logRetentionDays: number;
}

export interface DisabledControlTowerRule {
  /** The rule's name in the Control Tower rule set, as `disabledRules` takes it: `ct-lambda-pr-3`. */
  readonly rule: string;
  readonly reason: string;
  /** Disabled only for deployments this returns true for; absent: always. */
  readonly when?: (choices: ControlTowerChoices) => boolean;
}

export const DISABLED_CONTROL_TOWER_RULES: readonly DisabledControlTowerRule[] = [
  {
    rule: 'ct-apigateway-pr-5',
    reason:
      'Sign-up, login and the OpenAPI document are public by design (lambda/routes.ts): a caller has no token ' +
      'before logging in. Every bearer route has the Lambda authorizer, and cdk-nag AwsSolutions-APIG4 still ' +
      'checks each route, acknowledged only on the public ones.',
  },
  {
    rule: 'ct-lambda-pr-2',
    reason:
      "The rule reads SourceArn only as a literal or a local Ref/GetAtt. API Gateway's invoke permissions have " +
      'a SourceArn joined from the partition, region, account and API id, which limits invocation to this API ' +
      'and route: not public, but unreadable to the rule. The deploy-time hook sees the resolved ARN.',
  },
  {
    rule: 'ct-lambda-pr-3',
    reason:
      'No VPC by design: the functions reach only DynamoDB and Secrets Manager, over TLS with IAM ' +
      'authorization, and no private resource. A VPC would add NAT or interface endpoints (about $7 a month ' +
      'each per availability zone) and cold-start cost for no network boundary worth having.',
  },
  {
    rule: 'ct-cloudwatch-pr-3',
    reason:
      'With the AWS-managed keys (the default), CloudWatch Logs still encrypts every log group at rest with ' +
      'its own key; KmsKeyId takes only a customer-managed key. Deploy with -c kmsKey=customer to meet this control.',
    when: ({ kmsKey }) => kmsKey !== 'customer',
  },
  {
    rule: 'ct-cloudwatch-pr-2',
    reason:
      `Feature-branch stacks live for days and their logs go with them; production keeps logs ` +
      `${PRODUCTION_LOG_RETENTION_DAYS} days or more. In an account that enforces this control, deploy ` +
      `branches with -c logRetentionDays=${PRODUCTION_LOG_RETENTION_DAYS}.`,
    when: ({ logRetentionDays }) => logRetentionDays < PRODUCTION_LOG_RETENTION_DAYS,
  },
];

/** A rule's control id, as Control Tower's documentation names it: `ct-lambda-pr-3` → `CT.LAMBDA.PR.3`. */
export const controlId = (rule: string): string => rule.toUpperCase().replace(/-/g, '.');

/** The rules disabled for a deployment with these choices. */
export const disabledControlTowerRules = (choices: ControlTowerChoices): DisabledControlTowerRule[] =>
  DISABLED_CONTROL_TOWER_RULES.filter((disabled) => disabled.when?.(choices) ?? true);

/** Every synth of the stage runs the Control Tower rules; a failing rule fails the synth. */
export const addControlTowerChecks = (stage: Stage, choices: ControlTowerChoices): void => {
  Validations.of(stage).addPlugins(
    new CfnGuardValidator({
      disabledRules: disabledControlTowerRules(choices).map((disabled) => disabled.rule),
    }),
  );
};
