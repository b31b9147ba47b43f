// The one-time, per-account stack behind the GitHub workflows: GitHub's OIDC identity provider and
// the role that only this repository's workflows can assume. The role may do nothing itself but
// assume the CDK bootstrap roles, which hold the real deploy permissions (see `cdk bootstrap`).
import { type App, Aws, CfnOutput, Duration, Stack, type StackProps, Tags, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { Construct } from 'constructs';
import { PROJECT } from './branch';

export const GITHUB_OIDC_ISSUER = 'token.actions.githubusercontent.com';
export const GITHUB_OIDC_AUDIENCE = 'sts.amazonaws.com';
/** The CDK's default bootstrap qualifier (`cdk bootstrap --qualifier` changes it). */
export const DEFAULT_CDK_QUALIFIER = 'hnb659fds';
export const DEPLOY_ROLE_STACK_NAME = 'UserApiDeployRole';
/** Every branch stack's name starts with this (lib/branch.ts stackName). */
const BRANCH_STACK_PATTERN = 'UserApi-*';

export class DeployRoleSettingsError extends Error {}

// GitHub owner and repository names: letters, digits, `-`, and for repositories also `.` and `_`.
// No wildcard can get through, so the trust can never widen to other repositories.
const REPOSITORY = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})\/[A-Za-z0-9._-]{1,100}$/;
const QUALIFIER = /^[a-z0-9]{1,10}$/;
const OIDC_PROVIDER_ARN =
  /^arn:aws[a-z-]*:iam::\d{12}:oidc-provider\/token\.actions\.githubusercontent\.com$/;

export interface DeployRoleStackProps extends StackProps {
  /** `owner/name` of the GitHub repository whose workflows may assume the role. */
  readonly githubRepository: string;
  /** The qualifier the account was bootstrapped with. */
  readonly cdkQualifier?: string;
  /** An account has one GitHub OIDC provider at most: pass its ARN when one already exists. */
  readonly existingOidcProviderArn?: string;
}

export const checkDeployRoleProps = (props: DeployRoleStackProps): void => {
  if (!REPOSITORY.test(props.githubRepository) || props.githubRepository.includes('..')) {
    throw new DeployRoleSettingsError(
      `githubRepository must be the repository as owner/name (e.g. -c githubRepository=acme/user-api), got "${props.githubRepository}".`,
    );
  }
  if (props.cdkQualifier !== undefined && !QUALIFIER.test(props.cdkQualifier)) {
    throw new DeployRoleSettingsError(
      `cdkQualifier must be the bootstrap qualifier (lower-case letters and digits, at most 10), got "${props.cdkQualifier}".`,
    );
  }
  if (props.existingOidcProviderArn !== undefined && !OIDC_PROVIDER_ARN.test(props.existingOidcProviderArn)) {
    throw new DeployRoleSettingsError(
      `githubOidcProviderArn must be the ARN of the account's ${GITHUB_OIDC_ISSUER} provider, got "${props.existingOidcProviderArn}".`,
    );
  }
};

export class DeployRoleStack extends Stack {
  readonly oidcProvider: iam.IOidcProvider;
  readonly role: iam.Role;

  constructor(scope: Construct, id: string, props: DeployRoleStackProps) {
    checkDeployRoleProps(props);
    super(scope, id, {
      description: `GitHub Actions deploy role for ${props.githubRepository} (User API)`,
      ...props,
    });
    const qualifier = props.cdkQualifier ?? DEFAULT_CDK_QUALIFIER;

    // No thumbprints: IAM verifies GitHub's certificate against its own trusted CAs.
    this.oidcProvider = props.existingOidcProviderArn
      ? iam.OidcProviderNative.fromOidcProviderArn(this, 'GitHubOidc', props.existingOidcProviderArn)
      : new iam.OidcProviderNative(this, 'GitHubOidc', {
          url: `https://${GITHUB_OIDC_ISSUER}`,
          clientIds: [GITHUB_OIDC_AUDIENCE],
        });

    this.role = new iam.Role(this, 'DeployRole', {
      description: `Assumed by GitHub Actions of ${props.githubRepository} to run cdk deploy / destroy`,
      // Any ref, pull request or environment of this repository, and no other repository.
      assumedBy: new iam.WebIdentityPrincipal(this.oidcProvider.oidcProviderArn, {
        StringEquals: { [`${GITHUB_OIDC_ISSUER}:aud`]: GITHUB_OIDC_AUDIENCE },
        StringLike: { [`${GITHUB_OIDC_ISSUER}:sub`]: `repo:${props.githubRepository}:*` },
      }),
      maxSessionDuration: Duration.hours(1),
    });

    const bootstrapRoles = `arn:${Aws.PARTITION}:iam::${Aws.ACCOUNT_ID}:role/cdk-${qualifier}-*-${Aws.ACCOUNT_ID}-${Aws.REGION}`;
    const branchStacks = `arn:${Aws.PARTITION}:cloudformation:${Aws.REGION}:${Aws.ACCOUNT_ID}:stack/${BRANCH_STACK_PATTERN}/*`;
    this.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'AssumeCdkBootstrapRoles',
        actions: ['sts:AssumeRole'],
        resources: [bootstrapRoles],
      }),
    );
    this.role.addToPolicy(
      new iam.PolicyStatement({
        sid: 'ReadBranchStacks',
        actions: ['cloudformation:DescribeStacks'],
        resources: [branchStacks],
      }),
    );
    Validations.of(this.role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:iam::<AWS::AccountId>:role/cdk-${qualifier}-*-<AWS::AccountId>-<AWS::Region>]`,
      reason:
        'The wildcard spans exactly the CDK bootstrap roles of this account and region (deploy, file and image ' +
        'publishing, lookup): cdk deploy assumes whichever a stack needs, and they hold the deploy permissions.',
    });
    Validations.of(this.role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:cloudformation:<AWS::Region>:<AWS::AccountId>:stack/${BRANCH_STACK_PATTERN}/*]`,
      reason:
        'One stack per git branch, each named UserApi-<slug> and created later by the workflows: the names cannot ' +
        'be listed in advance. The statement only reads (DescribeStacks).',
    });

    new CfnOutput(this, 'DeployRoleArn', {
      value: this.role.roleArn,
      description: 'Set as the repository variable AWS_DEPLOY_ROLE_ARN',
    });
  }
}

const optionalString = (value: unknown): string | undefined => {
  const text = value === undefined || value === null ? '' : String(value).trim();
  return text === '' ? undefined : text;
};

/**
 * Puts the deploy-role stack into an app, from context: `githubRepository` (required),
 * `cdkQualifier` (else the app's `@aws-cdk/core:bootstrapQualifier`, else the default) and
 * `githubOidcProviderArn` (when the account already has GitHub's provider). cdk-nag checks it.
 */
export const addDeployRoleStack = (app: App): DeployRoleStack => {
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  const context = (key: string) => optionalString(app.node.tryGetContext(key));
  const githubRepository = context('githubRepository');
  if (!githubRepository) {
    throw new DeployRoleSettingsError(
      'Name the GitHub repository that may deploy: -c githubRepository=OWNER/NAME (exactly as GitHub spells it).',
    );
  }
  const stack = new DeployRoleStack(app, DEPLOY_ROLE_STACK_NAME, {
    stackName: DEPLOY_ROLE_STACK_NAME,
    githubRepository,
    cdkQualifier: context('cdkQualifier') ?? context('@aws-cdk/core:bootstrapQualifier'),
    existingOidcProviderArn: context('githubOidcProviderArn'),
  });
  Tags.of(stack).add('project', PROJECT);
  return stack;
};
