// cdk-nag (AwsSolutions) finds nothing unacknowledged, and every acknowledgement is one we meant.

import { Validations } from 'aws-cdk-lib';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { pageRoutes, routes } from '../../lambda/routes';
import { synthUserApi } from './synth';

/** `rule id → construct paths` of every acknowledgement below the scope. */
const acknowledgements = (scope: IConstruct): Record<string, string[]> => {
  const found: Record<string, string[]> = {};
  for (const construct of scope.node.findAll()) {
    for (const entry of construct.node.metadata) {
      if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY) continue;
      for (const [id, reason] of Object.entries(entry.data as Record<string, string>)) {
        expect(reason.length).toBeGreaterThan(40);
        const rule = id.replace(/^annotation::/i, '');
        found[rule] = [...(found[rule] ?? []), construct.node.path];
      }
    }
  }
  return found;
};

const WITH_EMAIL_AND_CORS = { alarmEmail: 'ops@example.com', corsOrigins: 'https://app.example.com' };
const WITH_CUSTOMER_KEY = { ...WITH_EMAIL_AND_CORS, kmsKey: 'customer' };

describe.each([
  ['main', {}],
  ['feature/Foo_bar-1', WITH_EMAIL_AND_CORS],
  ['main', WITH_CUSTOMER_KEY],
])('cdk-nag on branch %s, context %j', (branch, context) => {
  const { stack } = synthUserApi(branch, context);
  // Only the customer key can encrypt a topic that CloudWatch publishes to.
  const unencryptedTopic = !('kmsKey' in context);

  it('reports no unacknowledged error or warning', () => {
    const report = new AwsSolutionsChecks().validateScope(stack);
    expect(report.violations).toEqual([]);
  });

  it('leaves no synth error or warning annotations', () => {
    const annotations = Annotations.fromStack(stack);
    expect(annotations.findError('*', Match.anyValue())).toEqual([]);
    expect(annotations.findWarning('*', Match.anyValue())).toEqual([]);
  });

  it('acknowledges only open public routes, the signing-key secrets (rotated by a command), the mail dead-letter queue and an alarm topic without the customer key, each with a reason', () => {
    const publicRoutes = [...routes.filter((route) => route.access === 'public'), ...pageRoutes];
    const found = acknowledgements(stack);
    expect(Object.keys(found).sort()).toEqual(
      [
        'AwsSolutions-APIG4',
        'AwsSolutions-SMG4',
        'AwsSolutions-SQS3',
        ...(unencryptedTopic ? ['AwsSolutions-SNS2'] : []),
      ].sort(),
    );
    expect(found['AwsSolutions-SQS3']).toEqual([`${stack.node.path}/Mailer/DeadLetterQueue`]);
    if (unencryptedTopic) expect(found['AwsSolutions-SNS2']).toEqual([`${stack.node.path}/Alarms/Topic`]);
    // Each public route, and `$default` (unknown routes, answered with a 404 problem by the router).
    expect(found['AwsSolutions-APIG4']).toHaveLength(publicRoutes.length + 1);
    expect(found['AwsSolutions-APIG4']).toContain(`${stack.node.path}/Api/UnknownRoutes`);
    expect(found['AwsSolutions-SMG4']).toEqual([
      `${stack.node.path}/SigningKeys/KeySet`,
      `${stack.node.path}/SigningKeys/PublicKeys`,
    ]);
  });
});
