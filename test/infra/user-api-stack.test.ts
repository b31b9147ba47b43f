// What must never regress in the template, held to lambda/routes.ts and the table definition.
import { isDeepStrictEqual } from 'node:util';
import type { CfnElement } from 'aws-cdk-lib';
import { Match, type Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { AUTHORIZER_CACHE_TTL_SECONDS, pageRoutes, routeKey, routes } from '../../lambda/routes';
import {
  keyedIndexes,
  LISTED_ATTRIBUTES,
  SESSION_LISTED_ATTRIBUTES,
} from '../../lambda/store/table-definition';
import { KEY_SET_REFRESH_SECONDS } from '../../lambda/tokens/jwks';
import type { ApiFunction } from '../../lib/api-function';
import type { UserApiStack } from '../../lib/user-api-stack';
import { synthUserApi } from './synth';

const feature = synthUserApi('feature/Foo_bar-1');
const main = synthUserApi('main');
const { stack, template } = feature;

interface Statement {
  readonly Effect: string;
  readonly Action: string | string[];
  readonly Resource: unknown;
}

const logicalId = (owner: UserApiStack, construct: IConstruct): string =>
  owner.getLogicalId(construct.node.defaultChild as CfnElement);

const asList = (value: string | string[]): string[] => (Array.isArray(value) ? value : [value]);

const getAtt = (id: string, attribute = 'Arn') => ({ 'Fn::GetAtt': [id, attribute] });

/** Every statement of every policy attached to the function's role. */
const statementsOf = (fn: ApiFunction): Statement[] => {
  const roleId = logicalId(stack, fn.role);
  return Object.values(template.findResources('AWS::IAM::Policy'))
    .filter((policy) => (policy.Properties.Roles as { Ref: string }[]).some((role) => role.Ref === roleId))
    .flatMap((policy) => policy.Properties.PolicyDocument.Statement as Statement[]);
};

const tableId = logicalId(stack, stack.users.table);
const keySetId = logicalId(stack, stack.signingKeys.keySet);
const publicKeysId = logicalId(stack, stack.signingKeys.publicKeys);
const authorizerId = Object.keys(template.findResources('AWS::ApiGatewayV2::Authorizer'))[0];

describe('users table', () => {
  it('is keyed by id (string) alone', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      AttributeDefinitions: Match.arrayWith([{ AttributeName: 'id', AttributeType: 'S' }]),
    });
  });

  const indexes = () =>
    Object.values(template.findResources('AWS::DynamoDB::Table'))[0]?.Properties.GlobalSecondaryIndexes as {
      IndexName: string;
      KeySchema: unknown;
      Projection: { ProjectionType: string; NonKeyAttributes: string[] };
    }[];

  it('has the email index and the sorted sparse indexes (sessions, users, events), each INCLUDE and never the password hash', () => {
    expect(indexes().map((index) => index.IndexName)).toEqual([
      'email-index',
      ...keyedIndexes.map((index) => index.name),
    ]);
    expect(indexes().map((index) => index.IndexName)).toContain('sessions-by-user');
    for (const index of indexes()) {
      expect(index.Projection.ProjectionType).toBe('INCLUDE');
      expect(index.Projection.NonKeyAttributes).not.toContain('password_hash');
      expect(index.Projection.NonKeyAttributes).not.toContain('refresh_hash');
      // The sessions index carries each session's token_version (to tell a live session); no other does.
      if (index.IndexName !== 'sessions-by-user') {
        expect(index.Projection.NonKeyAttributes).not.toContain('token_version');
      }
    }
  });

  it('has the email index, projecting the listed attributes and never the password hash', () => {
    const index = indexes().find((candidate) => candidate.IndexName === 'email-index');
    expect(index?.KeySchema).toEqual([{ AttributeName: 'email', KeyType: 'HASH' }]);
    expect(index?.Projection.ProjectionType).toBe('INCLUDE');
    expect(index?.Projection.NonKeyAttributes).toEqual([...LISTED_ATTRIBUTES]);
    expect(index?.Projection.NonKeyAttributes).not.toContain('password_hash');
  });

  it("has the sessions index, by user and newest login, projecting a listing's attributes and never a token hash", () => {
    const index = indexes().find((candidate) => candidate.IndexName === 'sessions-by-user');
    expect(index?.KeySchema).toEqual([
      { AttributeName: 'session_user_id', KeyType: 'HASH' },
      { AttributeName: 'created_at', KeyType: 'RANGE' },
    ]);
    expect(index?.Projection.ProjectionType).toBe('INCLUDE');
    expect(index?.Projection.NonKeyAttributes).toEqual([...SESSION_LISTED_ATTRIBUTES]);
    expect(index?.Projection.NonKeyAttributes).not.toContain('refresh_hash');
  });

  it('is on-demand, with point-in-time recovery, TTL on expires_at and a generated name', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      TimeToLiveSpecification: { AttributeName: 'expires_at', Enabled: true },
      TableName: Match.absent(),
    });
  });
});

describe('removal policy by branch', () => {
  const kept = ['AWS::DynamoDB::Table', 'AWS::SecretsManager::Secret', 'AWS::Logs::LogGroup'];

  it.each(kept)('main retains every %s', (type) => {
    for (const resource of Object.values(main.template.findResources(type))) {
      expect(resource.DeletionPolicy).toBe('Retain');
      expect(resource.UpdateReplacePolicy).toBe('Retain');
    }
  });

  it.each(kept)('a feature branch deletes every %s', (type) => {
    for (const resource of Object.values(template.findResources(type))) {
      expect(resource.DeletionPolicy).toBe('Delete');
    }
  });

  it('protects the main table from deletion, and only that one', () => {
    main.template.hasResourceProperties('AWS::DynamoDB::Table', { DeletionProtectionEnabled: true });
    template.hasResourceProperties('AWS::DynamoDB::Table', { DeletionProtectionEnabled: false });
  });
});

describe('functions', () => {
  it('are exactly the router, the authorizer, the pages, the first-key-set initializer and the mailer, on Node.js 24 and arm64', () => {
    const functions = template.findResources('AWS::Lambda::Function');
    expect(Object.keys(functions).sort()).toEqual(
      [
        logicalId(stack, stack.router.function),
        logicalId(stack, stack.authorizer.function),
        logicalId(stack, stack.pages.api.function),
        logicalId(stack, stack.mailer.function),
        logicalId(stack, stack.signingKeys.initializer.function),
      ].sort(),
    );
    for (const fn of Object.values(functions)) {
      expect(fn.Properties.Runtime).toBe('nodejs24.x');
      expect(fn.Properties.Architectures).toEqual(['arm64']);
    }
  });

  it('start without --enable-source-maps: stacks are mapped only when an error is logged', () => {
    for (const fn of Object.values(template.findResources('AWS::Lambda::Function'))) {
      expect(fn.Properties.Environment?.Variables ?? {}).not.toHaveProperty('NODE_OPTIONS');
    }
  });

  it('give the router its table, key set secret and settings', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('router'),
      MemorySize: 1024,
      Environment: {
        Variables: Match.objectLike({
          TABLE_NAME: { Ref: tableId },
          SIGNING_KEYS_SECRET_ARN: { Ref: keySetId },
          BCRYPT_COST: '10',
          JWT_TTL_SECONDS: '900',
          REAUTH_MAX_AGE_SECONDS: '300',
          SESSION_TTL_SECONDS: '2592000',
        }),
      },
    });
  });

  it('give the authorizer the public keys secret, and no table or key set', () => {
    const [authorizer] = Object.values(
      template.findResources('AWS::Lambda::Function', {
        Properties: { Description: Match.stringLikeRegexp('authorizer') },
      }),
    );
    const variables = authorizer?.Properties.Environment.Variables as Record<string, unknown>;
    expect(variables.PUBLIC_KEYS_SECRET_ARN).toEqual({ Ref: publicKeysId });
    expect(variables).not.toHaveProperty('TABLE_NAME');
    expect(JSON.stringify(variables)).not.toContain(keySetId);
    expect(authorizer?.Properties.MemorySize).toBe(256);
  });

  it('read their secret through the Parameters and Secrets extension, cached no longer than the code keeps keys (the mailer reads none)', () => {
    for (const fn of [stack.router, stack.authorizer].map(
      (f) => template.toJSON().Resources[logicalId(stack, f.function)],
    )) {
      expect(fn.Properties.Environment.Variables.SECRETS_MANAGER_TTL).toBe(String(KEY_SET_REFRESH_SECONDS));
      expect(JSON.stringify(fn.Properties.Layers)).toContain('ParamsandsecretslayerMap');
      expect(fn.Properties.Environment.Variables.PARAMETERS_SECRETS_EXTENSION_CACHE_ENABLED).toBe('true');
    }
  });

  it('log to a log group of their own, with a retention', () => {
    const logGroups = template.findResources('AWS::Logs::LogGroup');
    for (const fn of Object.values(template.findResources('AWS::Lambda::Function'))) {
      const { Ref } = fn.Properties.LoggingConfig.LogGroup as { Ref: string };
      expect(logGroups[Ref]?.Properties.RetentionInDays).toBeGreaterThan(0);
    }
  });
});

describe('grants', () => {
  it('let the router do exactly its DynamoDB actions: item access on the table, Scan and Query on its indexes', () => {
    const dynamo = statementsOf(stack.router).filter((s) =>
      asList(s.Action).some((a) => a.startsWith('dynamodb:')),
    );
    expect(dynamo).toEqual([
      {
        Effect: 'Allow',
        Action: [
          'dynamodb:BatchGetItem',
          'dynamodb:DeleteItem',
          'dynamodb:GetItem',
          'dynamodb:PutItem',
          'dynamodb:UpdateItem',
        ],
        Resource: getAtt(tableId),
      },
      {
        Effect: 'Allow',
        Action: ['dynamodb:Query', 'dynamodb:Scan'],
        // CDK sorts a statement's resources.
        Resource: ['email-index', ...keyedIndexes.map((index) => index.name)].sort().map((name) => ({
          'Fn::Join': ['', [getAtt(tableId), `/index/${name}`]],
        })),
      },
    ]);
  });

  it('let the authorizer read the public keys and write its own logs, and nothing else', () => {
    expect(statementsOf(stack.authorizer)).toEqual([
      {
        Effect: 'Allow',
        Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        Resource: getAtt(logicalId(stack, stack.authorizer.logGroup)),
      },
      { Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: { Ref: publicKeysId } },
    ]);
  });

  it('never let the authorizer read the private key set, by any statement', () => {
    const mentions = statementsOf(stack.authorizer).filter((s) =>
      JSON.stringify(s.Resource).includes(keySetId),
    );
    expect(mentions).toEqual([]);
    // Nor a resource policy on the secret that would let it in another way.
    expect(template.findResources('AWS::SecretsManager::ResourcePolicy')).toEqual({});
  });

  it('let the router read the private key set, with GetSecretValue only, and nothing else of Secrets Manager', () => {
    const secrets = statementsOf(stack.router).filter((s) =>
      asList(s.Action).some((a) => a.startsWith('secretsmanager:')),
    );
    expect(secrets).toEqual([
      { Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: { Ref: keySetId } },
    ]);
  });

  it('let only the initializer write the secrets: the key set once, on create, and the public keys with it', () => {
    const writers = Object.values(template.findResources('AWS::IAM::Policy'))
      .filter((policy) =>
        JSON.stringify(policy.Properties.PolicyDocument).includes('secretsmanager:PutSecretValue'),
      )
      .map((policy) => (policy.Properties.Roles as { Ref: string }[]).map((role) => role.Ref));
    expect(writers).toEqual([[logicalId(stack, stack.signingKeys.initializer.role)]]);
    template.hasResourceProperties('Custom::SigningKeySet', {
      ServiceToken: getAtt(logicalId(stack, stack.signingKeys.initializer.function)),
      KeySetSecretArn: { Ref: keySetId },
      PublicKeysSecretArn: { Ref: publicKeysId },
    });
  });

  it('serve the API only once the first key set exists', () => {
    const [stage] = Object.values(template.findResources('AWS::ApiGatewayV2::Stage'));
    expect(stage?.DependsOn).toContain(logicalId(stack, stack.signingKeys.firstKeySet));
  });

  it('use no managed policies, inline role policies or wildcards', () => {
    for (const role of Object.values(template.findResources('AWS::IAM::Role'))) {
      expect(role.Properties.ManagedPolicyArns).toBeUndefined();
      expect(role.Properties.Policies).toBeUndefined();
    }
    const all = [stack.router, stack.authorizer, stack.signingKeys.initializer].flatMap(statementsOf);
    for (const statement of all) {
      expect(asList(statement.Action).some((action) => action.includes('*'))).toBe(false);
      expect(JSON.stringify(statement.Resource)).not.toMatch(/"\*"|:\*"/);
    }
  });
});

describe('HTTP API', () => {
  const routeResources = (t: Template) => Object.values(t.findResources('AWS::ApiGatewayV2::Route'));
  const keysWhere = (predicate: (properties: Record<string, unknown>) => boolean): string[] =>
    routeResources(template)
      .filter((route) => predicate(route.Properties))
      .map((route) => route.Properties.RouteKey as string)
      .sort();

  it('has one route per row of the route table and per page route, and `$default` for the rest', () => {
    expect(keysWhere(() => true)).toEqual([...[...routes, ...pageRoutes].map(routeKey), '$default'].sort());
  });

  it('puts the authorizer on exactly the bearer routes', () => {
    const bearer = routes
      .filter((route) => route.access === 'bearer')
      .map(routeKey)
      .sort();
    expect(bearer.length).toBeGreaterThan(0);
    expect(
      keysWhere(
        (p) =>
          p.AuthorizationType === 'CUSTOM' &&
          JSON.stringify(p.AuthorizerId) === JSON.stringify({ Ref: authorizerId }),
      ),
    ).toEqual(bearer);
  });

  it('leaves the public routes and `$default` (a 404 problem from the router) without any authorization', () => {
    const open = [
      ...[...routes.filter((route) => route.access === 'public'), ...pageRoutes].map(routeKey),
      '$default',
    ].sort();
    expect(keysWhere((p) => p.AuthorizationType === 'NONE' && p.AuthorizerId === undefined)).toEqual(open);
  });

  it('has one SIMPLE Lambda authorizer on the Authorization header, cached as the route table says', () => {
    template.resourceCountIs('AWS::ApiGatewayV2::Authorizer', 1);
    template.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'REQUEST',
      AuthorizerPayloadFormatVersion: '2.0',
      EnableSimpleResponses: true,
      IdentitySource: ['$request.header.Authorization'],
      AuthorizerResultTtlInSeconds: AUTHORIZER_CACHE_TTL_SECONDS,
    });
  });

  it('sends every API route to the router and every page route to the pages function, with payload format 2.0', () => {
    const integrations = Object.entries(template.findResources('AWS::ApiGatewayV2::Integration'));
    const integrationOf = (fn: Parameters<typeof logicalId>[1]) => {
      const found = integrations.filter(([, integration]) =>
        isDeepStrictEqual(integration.Properties.IntegrationUri, getAtt(logicalId(stack, fn))),
      );
      expect(found).toHaveLength(1);
      expect(found[0]?.[1].Properties).toMatchObject({
        IntegrationType: 'AWS_PROXY',
        PayloadFormatVersion: '2.0',
      });
      return { 'Fn::Join': ['', ['integrations/', { Ref: found[0]?.[0] }]] };
    };
    expect(integrations).toHaveLength(2);
    const toRouter = integrationOf(stack.router.function);
    const toPages = integrationOf(stack.pages.api.function);
    const pageKeys = new Set<string>(pageRoutes.map(routeKey));
    for (const route of routeResources(template)) {
      expect(route.Properties.Target).toEqual(pageKeys.has(route.Properties.RouteKey) ? toPages : toRouter);
    }
  });

  it('builds the pages into the pages function, which reads nothing but its own files', () => {
    const fn = template.findResources('AWS::Lambda::Function')[logicalId(stack, stack.pages.api.function)];
    expect(fn?.Properties.Environment.Variables).toEqual({
      PRODUCT_NAME: 'User API',
      ACCENT_COLOR: '#2250c8',
    });
    expect(fn?.Properties.Layers).toBeUndefined();
    expect(statementsOf(stack.pages.api).flatMap((statement) => asList(statement.Action))).toEqual([
      'logs:CreateLogStream',
      'logs:PutLogEvents',
    ]);
  });

  it('has a default stage with throttling and JSON access logs to a log group with a retention', () => {
    const [stage] = Object.values(template.findResources('AWS::ApiGatewayV2::Stage'));
    expect(stage?.Properties.StageName).toBe('$default');
    expect(stage?.Properties.AutoDeploy).toBe(true);
    expect(stage?.Properties.DefaultRouteSettings).toEqual({
      ThrottlingBurstLimit: expect.any(Number),
      ThrottlingRateLimit: expect.any(Number),
    });
    const format = JSON.parse(stage?.Properties.AccessLogSettings.Format as string) as Record<string, string>;
    expect(format).toMatchObject({
      requestId: '$context.requestId',
      routeKey: '$context.routeKey',
      status: '$context.status',
      integrationError: '$context.integrationErrorMessage',
      authorizerError: '$context.authorizer.error',
    });
    const logGroupId = logicalId(stack, stack.http.accessLogGroup);
    expect(stage?.Properties.AccessLogSettings.DestinationArn).toEqual(getAtt(logGroupId));
    expect(
      template.findResources('AWS::Logs::LogGroup')[logGroupId]?.Properties.RetentionInDays,
    ).toBeGreaterThan(0);
  });

  it('has no CORS configuration by default (see operations.test.ts for corsOrigins)', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Api', { CorsConfiguration: Match.absent() });
  });
});

describe('stack', () => {
  it('is named after the branch slug', () => {
    expect(stack.stackName).toMatch(/^UserApi-feature-foo-bar-1-[0-9a-f]{8}$/);
    expect(main.stack.stackName).toBe('UserApi-main');
  });

  it('outputs the API URL, the table name and the two key secrets (for the rotation command)', () => {
    template.hasOutput('ApiUrl', {});
    template.hasOutput('TableName', { Value: { Ref: tableId } });
    template.hasOutput('SigningKeySetSecretArn', { Value: { Ref: keySetId } });
    template.hasOutput('PublicKeysSecretArn', { Value: { Ref: publicKeysId } });
  });

  it('tags its resources with the project and the branch', () => {
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      Tags: Match.arrayWith([
        { Key: 'branch', Value: 'feature/Foo_bar-1' },
        { Key: 'project', Value: 'user-api' },
      ]),
    });
  });
});
