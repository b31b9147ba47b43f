// What a deployment needs to be operated: alarms that always notify a topic (emailed when an
// address is set), log retention by branch and context, and CORS only for the origins given in context.
import { Match, type Template } from 'aws-cdk-lib/assertions';
import { routes } from '../../lambda/routes';
import { CORS_ALLOW_HEADERS, CORS_EXPOSE_HEADERS } from '../../lib/user-http-api';
import { synthUserApi } from './synth';

const plain = synthUserApi('feature/ops');
const withEmail = synthUserApi('feature/ops', { alarmEmail: 'ops@example.com' });

const allAlarms = (template = plain.template) =>
  Object.values(template.findResources('AWS::CloudWatch::Alarm'));
/** The API's and the functions' alarms; the mailer's dead-letter queue alarm is tested on its own. */
const alarms = (template = plain.template) =>
  allAlarms(template).filter((a) => a.Properties.Namespace !== 'AWS/SQS');
const ref = (construct: { node: { defaultChild?: unknown } }, stack = plain.stack) =>
  ({ Ref: stack.getLogicalId(construct.node.defaultChild as never) }) as const;

describe('alarms', () => {
  const byMetric = (namespace: string, metric: string) =>
    alarms().filter((a) => a.Properties.Namespace === namespace && a.Properties.MetricName === metric);

  it('watch the API stage for 5xx responses', () => {
    const [api5xx, ...others] = byMetric('AWS/ApiGateway', '5xx');
    expect(others).toEqual([]);
    expect(api5xx?.Properties.Dimensions).toEqual([
      { Name: 'ApiId', Value: ref(plain.stack.http.api) },
      { Name: 'Stage', Value: '$default' },
    ]);
  });

  it.each(['Errors', 'Throttles'])('watch %s of the router, the authorizer and the pages', (metric) => {
    const watched = byMetric('AWS/Lambda', metric).map((a) => a.Properties.Dimensions);
    expect(watched).toEqual(
      expect.arrayContaining([
        [{ Name: 'FunctionName', Value: ref(plain.stack.router.function) }],
        [{ Name: 'FunctionName', Value: ref(plain.stack.authorizer.function) }],
        [{ Name: 'FunctionName', Value: ref(plain.stack.pages.api.function) }],
      ]),
    );
    expect(watched).toHaveLength(3);
  });

  it('fire on the first occurrence in 5 minutes, and treat no data as healthy', () => {
    expect(alarms()).toHaveLength(7);
    for (const alarm of alarms()) {
      expect(alarm.Properties).toMatchObject({
        Statistic: 'Sum',
        Period: 300,
        EvaluationPeriods: 1,
        Threshold: 1,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        TreatMissingData: 'notBreaching',
      });
      expect(alarm.Properties.AlarmDescription).toContain('feature/ops');
    }
  });

  it("watch the mailer's dead-letter queue: any message in it alarms", () => {
    const sqsAlarms = allAlarms().filter((a) => a.Properties.Namespace === 'AWS/SQS');
    expect(sqsAlarms).toHaveLength(1);
    expect(sqsAlarms[0]?.Properties).toMatchObject({
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [expect.any(String), 'QueueName'] } }],
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: 'notBreaching',
    });
  });

  it('without alarmEmail, still act on alarm and recovery: they notify a topic nobody subscribes to', () => {
    const topicRef = ref(plain.stack.alarms.topic);
    plain.template.resourceCountIs('AWS::SNS::Topic', 1);
    plain.template.resourceCountIs('AWS::SNS::Subscription', 0);
    for (const alarm of allAlarms()) {
      expect(alarm.Properties.AlarmActions).toEqual([topicRef]);
      expect(alarm.Properties.OKActions).toEqual([topicRef]);
    }
  });

  it('with alarmEmail, email a topic of their own on alarm and on recovery', () => {
    const topicRef = ref(withEmail.stack.alarms.topic, withEmail.stack);
    withEmail.template.resourceCountIs('AWS::SNS::Topic', 1);
    withEmail.template.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'ops@example.com',
      TopicArn: topicRef,
    });
    for (const alarm of allAlarms(withEmail.template)) {
      expect(alarm.Properties.AlarmActions).toEqual([topicRef]);
      expect(alarm.Properties.OKActions).toEqual([topicRef]);
    }
  });

  it('with alarmEmail, refuse publishing to the topic over plain HTTP', () => {
    withEmail.template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({
            Effect: 'Deny',
            Action: 'sns:Publish',
            Principal: '*',
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
          }),
        ]),
      },
    });
  });

  it('refuse an alarmEmail that is not an email address', () => {
    expect(() => synthUserApi('feature/ops', { alarmEmail: 'ops at example' })).toThrow(
      'alarmEmail: "ops at example" is not an email address.',
    );
  });
});

describe('logs', () => {
  const retentions = (template: Template) =>
    Object.values(template.findResources('AWS::Logs::LogGroup')).map(
      (group) => group.Properties.RetentionInDays,
    );

  it('keep every log group of a feature branch a month by default, and delete them with it', () => {
    const groups = Object.values(plain.template.findResources('AWS::Logs::LogGroup'));
    // The router's, the authorizer's, the pages', the first-key-set initializer's, the mailer's and the API's access log.
    expect(groups).toHaveLength(6);
    for (const group of groups) {
      expect(group.Properties.RetentionInDays).toBe(30);
      expect(group.DeletionPolicy).toBe('Delete');
    }
  });

  it("keep a feature branch's logs as long as logRetentionDays says", () => {
    expect(retentions(synthUserApi('feature/ops', { logRetentionDays: '7' }).template)).toEqual([
      7, 7, 7, 7, 7, 7,
    ]);
  });

  it('keep production logs a year (Control Tower CT.CLOUDWATCH.PR.2), or longer when asked', () => {
    expect(retentions(synthUserApi('main').template)).toEqual([365, 365, 365, 365, 365, 365]);
    expect(retentions(synthUserApi('main', { logRetentionDays: 731 }).template)).toEqual([
      731, 731, 731, 731, 731, 731,
    ]);
  });

  it.each([
    ['main', '30', /main keeps its logs at least 365 days/],
    ['feature/ops', '10', /not a CloudWatch Logs retention/],
    ['feature/ops', 'a week', /not a CloudWatch Logs retention/],
  ])('refuse %s with logRetentionDays %j at synth time', (branch, logRetentionDays, message) => {
    expect(() => synthUserApi(branch, { logRetentionDays })).toThrow(message);
  });
});

describe('CORS', () => {
  const corsOf = (context: Record<string, unknown>) => {
    const [api] = Object.values(
      synthUserApi('feature/cors', context).template.findResources('AWS::ApiGatewayV2::Api'),
    );
    return api?.Properties.CorsConfiguration;
  };

  it('is absent by default', () => {
    expect(corsOf({})).toBeUndefined();
    expect(corsOf({ corsOrigins: '' })).toBeUndefined();
  });

  it('allows exactly the origins given, comma-separated, and nothing else', () => {
    const cors = corsOf({ corsOrigins: 'https://app.example.com, http://localhost:5173' });
    expect(cors).toEqual({
      AllowOrigins: ['https://app.example.com', 'http://localhost:5173'],
      AllowMethods: [...new Set(routes.map((route) => route.method))],
      AllowHeaders: [...CORS_ALLOW_HEADERS],
      ExposeHeaders: [...CORS_EXPOSE_HEADERS],
      AllowCredentials: false,
      MaxAge: 3600,
    });
    expect(CORS_ALLOW_HEADERS).toEqual(['authorization', 'content-type', 'if-match', 'if-none-match']);
    expect(CORS_EXPOSE_HEADERS).toEqual(['etag', 'location', 'retry-after']);
  });

  it('takes a JSON array too, as cdk.json or -c would carry it', () => {
    expect(corsOf({ corsOrigins: ['https://a.example.com'] }).AllowOrigins).toEqual([
      'https://a.example.com',
    ]);
    expect(
      corsOf({ corsOrigins: '["https://a.example.com","https://b.example.com:8443"]' }).AllowOrigins,
    ).toEqual(['https://a.example.com', 'https://b.example.com:8443']);
  });

  it.each([
    ['*', /wildcard/],
    ['https://*.example.com', /wildcard/],
    ['https://app.example.com/path', /scheme, host and port only/],
    ['app.example.com', /not an origin/],
    ['ftp://example.com', /scheme, host and port only/],
    ['[oops', /not a JSON array/],
  ])('refuses %j at synth time', (corsOrigins, message) => {
    expect(() => synthUserApi('feature/cors', { corsOrigins })).toThrow(message);
  });
});

describe('flood bounds from context', () => {
  const routerOf = (context: Record<string, unknown>) =>
    Object.values(synthUserApi('main', context).template.findResources('AWS::Lambda::Function')).find((fn) =>
      String(fn.Properties.Description).startsWith('User API router'),
    )?.Properties;
  const stageThrottleOf = (context: Record<string, unknown>) =>
    Object.values(synthUserApi('main', context).template.findResources('AWS::ApiGatewayV2::Stage'))[0]
      ?.Properties.DefaultRouteSettings;

  it('sets the stage throttling and the router reserved concurrency from context', () => {
    const context = { throttleRate: '50', throttleBurst: '80', routerReservedConcurrency: '25' };
    expect(stageThrottleOf(context)).toMatchObject({ ThrottlingRateLimit: 50, ThrottlingBurstLimit: 80 });
    expect(routerOf(context)?.ReservedConcurrentExecutions).toBe(25);
  });

  it('keeps the default stage throttling and reserves nothing without context', () => {
    expect(stageThrottleOf({})).toMatchObject({ ThrottlingRateLimit: 100, ThrottlingBurstLimit: 200 });
    expect(routerOf({})?.ReservedConcurrentExecutions).toBeUndefined();
  });

  it('fails the synth on a value that is not a positive whole number', () => {
    expect(() => synthUserApi('main', { routerReservedConcurrency: 'lots' })).toThrow(
      /routerReservedConcurrency/,
    );
  });
});
