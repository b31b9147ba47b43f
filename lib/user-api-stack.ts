// One User API deployment: its own table, secret, functions and HTTP API, for one git branch.

import * as path from 'node:path';
import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps, Tags } from 'aws-cdk-lib';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import type { Construct } from 'constructs';
import { pageRoutes, routes } from '../lambda/routes';
import { UserApiAlarms } from './alarms';
import { ApiFunction } from './api-function';
import { branchTagValue, isProductionBranch, PROJECT } from './branch';
import { DeploymentDefaults } from './deployment-defaults';
import { Mailer } from './mailer';
import { PagesFunction } from './pages-function';
import { SigningKeys } from './signing-keys';
import { type UserApiSettings, userApiSettings } from './stack-settings';
import { UserHttpApi } from './user-http-api';
import { UsersTable } from './users-table';

export interface UserApiStackProps extends StackProps {
  readonly branch: string;
  readonly settings?: UserApiSettings;
}

const lambdaEntry = (name: string): string => path.join(__dirname, '..', 'lambda', name, 'index.ts');

export class UserApiStack extends Stack {
  readonly users: UsersTable;
  readonly signingKeys: SigningKeys;
  readonly router: ApiFunction;
  readonly authorizer: ApiFunction;
  readonly http: UserHttpApi;
  readonly alarms: UserApiAlarms;
  readonly mailer: Mailer;
  readonly pages: PagesFunction;
  readonly defaults: DeploymentDefaults;

  constructor(scope: Construct, id: string, props: UserApiStackProps) {
    super(scope, id, { description: `User API for branch ${branchTagValue(props.branch)}`, ...props });
    Tags.of(this).add('project', PROJECT);
    Tags.of(this).add('branch', branchTagValue(props.branch));

    // Production keeps its data when the stack goes; every other branch cleans up after itself.
    const production = isProductionBranch(props.branch);
    const removalPolicy = production ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
    const settings = props.settings ?? userApiSettings(() => undefined, props.branch);
    // First: every construct below takes its key, log retention and removal policy from here.
    this.defaults = new DeploymentDefaults(this, {
      kmsKey: settings.kmsKey,
      logRetentionDays: settings.logRetentionDays,
      removalPolicy,
    });

    this.users = new UsersTable(this, 'Users', { removalPolicy, deletionProtection: production });
    this.signingKeys = new SigningKeys(this, 'SigningKeys', { removalPolicy });

    this.router = new ApiFunction(this, 'Router', {
      entry: lambdaEntry('router'),
      description: 'User API router: serves every route',
      // bcrypt at cost 10 is CPU-bound and Lambda CPU scales with memory: a hash takes ~0.7 s at
      // 128 MB and ~90 ms at 1024 MB, for about the same GB-seconds per login.
      memorySize: 1024,
      timeout: Duration.seconds(10),
      secrets: { SIGNING_KEYS_SECRET_ARN: this.signingKeys.keySet },
      environment: {
        TABLE_NAME: this.users.table.tableName,
        BCRYPT_COST: '10',
        JWT_TTL_SECONDS: '900',
        SESSION_TTL_SECONDS: String(30 * 24 * 3600),
      },
      removalPolicy,
    });
    this.users.grantRouterAccess(this.router.function);
    if (settings.routerReservedConcurrency !== undefined) {
      // Bounds what a flood can cost: past it, Lambda throttles and the gateway answers 503/429.
      (this.router.function.node.defaultChild as CfnFunction).reservedConcurrentExecutions =
        settings.routerReservedConcurrency;
    }

    this.authorizer = new ApiFunction(this, 'Authorizer', {
      entry: lambdaEntry('authorizer'),
      description: 'User API authorizer: verifies bearer JWTs',
      // One ES256 verify per call, a fraction of a millisecond: more memory would buy nothing.
      memorySize: 256,
      timeout: Duration.seconds(5),
      secrets: { PUBLIC_KEYS_SECRET_ARN: this.signingKeys.publicKeys },
      removalPolicy,
    });

    // The account pages: a function of their own, so the router's bundle and cold start stay the API's.
    this.pages = new PagesFunction(this, 'Pages', {
      entry: lambdaEntry('pages'),
      productName: settings.productName,
      accentColor: settings.accentColor,
      removalPolicy,
    });

    this.http = new UserHttpApi(this, 'Api', {
      routes,
      pages: { routes: pageRoutes, function: this.pages.api.function },
      // With warmRouters / warmAuthorizers > 0 the API invokes the `live` alias and its warm instances.
      router: this.router.invokedWithWarmInstances(settings.warmRouters),
      authorizer: this.authorizer.invokedWithWarmInstances(settings.warmAuthorizers),
      removalPolicy,
      corsOrigins: settings.corsOrigins,
      throttle: settings.throttle,
    });

    this.alarms = new UserApiAlarms(this, 'Alarms', {
      stage: this.http.stage,
      functions: {
        Router: this.router.function,
        Authorizer: this.authorizer.function,
        Pages: this.pages.api.function,
      },
      deployment: `User API ${branchTagValue(props.branch)}`,
      alarmEmail: settings.alarmEmail,
    });

    // The API serves requests only once the first key set exists.
    this.http.stage.node.addDependency(this.signingKeys.firstKeySet);

    this.mailer = new Mailer(this, 'Mailer', {
      entry: lambdaEntry('mailer'),
      users: this.users,
      mailFrom: settings.mailFrom,
      // By default the links open the account pages this API serves (its URL ends in a slash).
      appUrl: settings.appUrl ?? `${this.http.url}account`,
      productName: settings.productName,
      alarmTopic: this.alarms.topic,
      removalPolicy,
    });

    new CfnOutput(this, 'ApiUrl', { value: this.http.url, description: 'Base URL of the HTTP API' });
    new CfnOutput(this, 'TableName', { value: this.users.table.tableName, description: 'The users table' });
    // For `npm run rotate-signing-key -- --branch NAME`.
    new CfnOutput(this, 'SigningKeySetSecretArn', {
      value: this.signingKeys.keySet.secretArn,
      description: 'The signing key set (private)',
    });
    new CfnOutput(this, 'PublicKeysSecretArn', {
      value: this.signingKeys.publicKeys.secretArn,
      description: 'The published verification keys',
    });
  }
}
