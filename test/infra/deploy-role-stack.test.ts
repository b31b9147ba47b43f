// The GitHub deploy role: only this repository's workflows may assume it, and it may do nothing
// but assume the CDK bootstrap roles and read the branch stacks.
import { App, Validations } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { addDeployRoleStack, DEPLOY_ROLE_STACK_NAME } from '../../lib/deploy-role-stack';
import { cdkJsonContext } from './synth';

const synth = (context: Record<string, unknown>) => {
  const app = new App({ context: { ...cdkJsonContext(), ...context } });
  const stack = addDeployRoleStack(app);
  return { app, stack, template: Template.fromStack(stack) };
};

const { stack, template } = synth({ githubRepository: 'acme/user-api' });

interface Statement {
  readonly Sid?: string;
  readonly Effect: string;
  readonly Action: string | string[];
  readonly Resource: unknown;
  readonly Condition?: unknown;
  readonly Principal?: unknown;
}

const [role] = Object.values(template.findResources('AWS::IAM::Role'));
const trust = role?.Properties.AssumeRolePolicyDocument.Statement as Statement[];
const permissions = Object.values(template.findResources('AWS::IAM::Policy')).flatMap(
  (policy) => policy.Properties.PolicyDocument.Statement as Statement[],
);

/** A `Fn::Join` of strings and pseudo-parameter Refs, rendered as cdk-nag does: `arn:<AWS::Partition>:…`. */
const rendered = (value: unknown): string => {
  const join = (value as { 'Fn::Join': [string, unknown[]] })['Fn::Join'];
  return join[1]
    .map((part) => (typeof part === 'string' ? part : `<${(part as { Ref: string }).Ref}>`))
    .join('');
};

describe('the GitHub OIDC provider', () => {
  it('is GitHub Actions’ issuer, for the STS audience', () => {
    template.resourceCountIs('AWS::IAM::OIDCProvider', 1);
    template.hasResourceProperties('AWS::IAM::OIDCProvider', {
      Url: 'https://token.actions.githubusercontent.com',
      ClientIdList: ['sts.amazonaws.com'],
    });
  });

  it('is reused, not created, when the account already has one', () => {
    const arn = 'arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com';
    const reused = synth({ githubRepository: 'acme/user-api', githubOidcProviderArn: arn }).template;
    reused.resourceCountIs('AWS::IAM::OIDCProvider', 0);
    const [reusedRole] = Object.values(reused.findResources('AWS::IAM::Role'));
    const [statement] = (reusedRole?.Properties.AssumeRolePolicyDocument.Statement ?? []) as Statement[];
    expect(statement?.Principal).toEqual({ Federated: arn });
  });
});

describe('the deploy role trust policy', () => {
  it('is pinned to this repository: web identity from the provider, aud sts.amazonaws.com, sub repo:OWNER/NAME:*', () => {
    expect(trust).toEqual([
      {
        Effect: 'Allow',
        Action: 'sts:AssumeRoleWithWebIdentity',
        Principal: { Federated: { Ref: stack.getLogicalId(stack.oidcProvider.node.defaultChild as never) } },
        Condition: {
          StringEquals: { 'token.actions.githubusercontent.com:aud': 'sts.amazonaws.com' },
          StringLike: { 'token.actions.githubusercontent.com:sub': 'repo:acme/user-api:*' },
        },
      },
    ]);
  });

  it('follows the repository given in context', () => {
    const other = synth({ githubRepository: 'Other-Org/some.repo_2' }).template;
    other.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: {
        Statement: [
          Match.objectLike({
            Condition: Match.objectLike({
              StringLike: { 'token.actions.githubusercontent.com:sub': 'repo:Other-Org/some.repo_2:*' },
            }),
          }),
        ],
      },
    });
  });

  it('lasts at most an hour per session', () => {
    expect(role?.Properties.MaxSessionDuration).toBe(3600);
  });
});

describe('the deploy role permissions', () => {
  it('are to assume the CDK bootstrap roles and to describe the branch stacks, nothing else', () => {
    expect(permissions.map((s) => [s.Sid, s.Effect, s.Action, rendered(s.Resource)])).toEqual([
      [
        'AssumeCdkBootstrapRoles',
        'Allow',
        'sts:AssumeRole',
        'arn:<AWS::Partition>:iam::<AWS::AccountId>:role/cdk-hnb659fds-*-<AWS::AccountId>-<AWS::Region>',
      ],
      [
        'ReadBranchStacks',
        'Allow',
        'cloudformation:DescribeStacks',
        'arn:<AWS::Partition>:cloudformation:<AWS::Region>:<AWS::AccountId>:stack/UserApi-*/*',
      ],
    ]);
    expect(role?.Properties.ManagedPolicyArns).toBeUndefined();
    expect(role?.Properties.Policies).toBeUndefined();
  });

  it('follow the bootstrap qualifier from context', () => {
    const custom = synth({ githubRepository: 'acme/user-api', cdkQualifier: 'team42' }).template;
    const [policy] = Object.values(custom.findResources('AWS::IAM::Policy'));
    const [assume] = (policy?.Properties.PolicyDocument.Statement ?? []) as Statement[];
    expect(rendered(assume?.Resource)).toContain(':role/cdk-team42-*-');
  });
});

describe('the deploy-role app', () => {
  it('is one stack of a fixed name that outputs the role ARN', () => {
    expect(stack.stackName).toBe(DEPLOY_ROLE_STACK_NAME);
    template.hasOutput('DeployRoleArn', { Value: { 'Fn::GetAtt': [Match.anyValue(), 'Arn'] } });
  });

  it.each([
    [{}, /-c githubRepository=OWNER\/NAME/],
    [{ githubRepository: 'acme' }, /owner\/name/],
    [{ githubRepository: 'acme/*' }, /owner\/name/],
    [{ githubRepository: '*/*' }, /owner\/name/],
    [{ githubRepository: 'acme/user-api:ref:refs/heads/main' }, /owner\/name/],
    [{ githubRepository: 'acme/..' }, /owner\/name/],
    [{ githubRepository: 'acme/user-api', cdkQualifier: 'Bad-Qualifier' }, /cdkQualifier/],
    [
      { githubRepository: 'acme/user-api', githubOidcProviderArn: 'arn:aws:iam::1:oidc-provider/x' },
      /githubOidcProviderArn/,
    ],
  ])('refuses context %j', (context, message) => {
    expect(() => synth(context)).toThrow(message);
  });

  it('passes cdk-nag, with both wildcard acknowledgements explained', () => {
    expect(new AwsSolutionsChecks().validateScope(stack).violations).toEqual([]);
    const annotations = Annotations.fromStack(stack);
    expect(annotations.findError('*', Match.anyValue())).toEqual([]);
    expect(annotations.findWarning('*', Match.anyValue())).toEqual([]);
    const acknowledged = stack.role.node.metadata
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((entry) => Object.entries(entry.data as Record<string, string>));
    expect(acknowledged.map(([id]) => id.replace(/^annotation::/i, '')).sort()).toEqual([
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:cloudformation:<AWS::Region>:<AWS::AccountId>:stack/UserApi-*/*]',
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:iam::<AWS::AccountId>:role/cdk-hnb659fds-*-<AWS::AccountId>-<AWS::Region>]',
    ]);
    for (const [, reason] of acknowledged) expect(reason.length).toBeGreaterThan(40);
  });
});
