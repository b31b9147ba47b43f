// CloudWatch alarms for one deployment: server errors at the API, errors and throttles of each
// function. They notify an SNS topic of their own, which emails the alarm address when one is set.
import { Duration, Validations } from 'aws-cdk-lib';
import type { IHttpStage } from 'aws-cdk-lib/aws-apigatewayv2';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import { DeploymentDefaults } from './deployment-defaults';

/** Each alarm looks at 5-minute sums and fires on the first occurrence: none is normal here. */
export const ALARM_PERIOD = Duration.minutes(5);

const SNS_DISPLAY_NAME_MAX = 100;

export interface UserApiAlarmsProps {
  readonly stage: IHttpStage;
  /** By a short label (`Router`), which names the alarms' construct ids and descriptions. */
  readonly functions: Readonly<Record<string, IFunction>>;
  /** Shown in every alarm description, so a notification says which deployment it is about. */
  readonly deployment: string;
  readonly alarmEmail?: string | undefined;
}

export class UserApiAlarms extends Construct {
  readonly alarms: cloudwatch.Alarm[] = [];
  readonly topic: sns.Topic;

  constructor(scope: Construct, id: string, props: UserApiAlarmsProps) {
    super(scope, id);
    const { deployment } = props;

    this.add(
      'Api5xx',
      props.stage.metricServerError({ period: ALARM_PERIOD, statistic: cloudwatch.Stats.SUM }),
      `${deployment}: the HTTP API answered 5xx (unhandled errors, DynamoDB unavailable, authorizer failures). ` +
        'See the router log group (level "error") and the API access logs.',
    );
    for (const [label, fn] of Object.entries(props.functions)) {
      this.add(
        `${label}Errors`,
        fn.metricErrors({ period: ALARM_PERIOD, statistic: cloudwatch.Stats.SUM }),
        `${deployment}: the ${label.toLowerCase()} Lambda failed (threw, timed out or ran out of memory).`,
      );
      this.add(
        `${label}Throttles`,
        fn.metricThrottles({ period: ALARM_PERIOD, statistic: cloudwatch.Stats.SUM }),
        `${deployment}: the ${label.toLowerCase()} Lambda was throttled (account or function concurrency limit).`,
      );
    }

    // Every alarm has an action (Control Tower CT.CLOUDWATCH.PR.1), so the topic always exists; it
    // only has a subscriber when an email is set. A topic nobody subscribes to costs nothing.
    const key = DeploymentDefaults.of(this).key;
    this.topic = new sns.Topic(this, 'Topic', {
      // SNS takes at most 100 characters; a long branch name is cut (the alarm descriptions keep it whole).
      displayName: `User API alarms (${deployment})`.slice(0, SNS_DISPLAY_NAME_MAX),
      // Denies publishing over plain HTTP (AwsSolutions-SNS3).
      enforceSSL: true,
      masterKey: key,
    });
    if (!key) {
      Validations.of(this.topic).acknowledge({
        id: 'AwsSolutions-SNS2',
        reason:
          'Alarm notifications carry only alarm names, states and metric values, no user data. CloudWatch ' +
          'cannot publish to a topic encrypted with the AWS-managed SNS key; with -c kmsKey=customer the ' +
          'topic is encrypted with the deployment key instead.',
      });
    }
    if (props.alarmEmail) this.topic.addSubscription(new EmailSubscription(props.alarmEmail));
    const action = new SnsAction(this.topic);
    for (const alarm of this.alarms) {
      alarm.addAlarmAction(action);
      alarm.addOkAction(action);
    }
  }

  private add(id: string, metric: cloudwatch.IMetric, description: string): void {
    this.alarms.push(
      new cloudwatch.Alarm(this, id, {
        metric,
        alarmDescription: description,
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        // No requests means no data points, which is healthy, not unknown.
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      }),
    );
  }
}
