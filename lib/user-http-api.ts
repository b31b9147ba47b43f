// The HTTP API: one route per row of the route table, all served by the router function, the
// bearer ones behind the Lambda authorizer; a default stage with throttling and access logs.
import { Duration, type RemovalPolicy, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaAuthorizer, HttpLambdaResponseType } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import {
  AUTHORIZER_CACHE_TTL_SECONDS,
  type PageRouteDefinition,
  type RouteDefinition,
} from '../lambda/routes';
import { DeploymentDefaults } from './deployment-defaults';

/** Steady-state requests per second and burst, for the whole stage. */
export const STAGE_THROTTLE = { rateLimit: 100, burstLimit: 200 } as const;

export const AUTHORIZATION_HEADER = '$request.header.Authorization';

// One JSON object per request; no request or response bodies, so no credentials, ever.
const ACCESS_LOG_FIELDS = {
  requestId: '$context.requestId',
  requestTime: '$context.requestTime',
  ip: '$context.identity.sourceIp',
  userAgent: '$context.identity.userAgent',
  routeKey: '$context.routeKey',
  status: '$context.status',
  protocol: '$context.protocol',
  responseLength: '$context.responseLength',
  latency: '$context.responseLatency',
  integrationLatency: '$context.integrationLatency',
  integrationStatus: '$context.integrationStatus',
  integrationError: '$context.integrationErrorMessage',
  authorizerError: '$context.authorizer.error',
  error: '$context.error.message',
} as const;

export interface UserHttpApiProps {
  readonly routes: readonly RouteDefinition[];
  readonly router: IFunction;
  readonly authorizer: IFunction;
  /** The page routes and the function that serves them (lib/pages-function.ts). */
  readonly pages?: { readonly routes: readonly PageRouteDefinition[]; readonly function: IFunction };
  readonly removalPolicy: RemovalPolicy;
  /** Browser origins that may call the API; empty or absent: no CORS configuration at all. */
  readonly corsOrigins?: readonly string[] | undefined;
  /** The stage's default throttling; STAGE_THROTTLE when absent. */
  readonly throttle?: { readonly rateLimit: number; readonly burstLimit: number } | undefined;
}

/** Request headers a browser client sends: the bearer token, JSON bodies, conditional writes. */
export const CORS_ALLOW_HEADERS = ['authorization', 'content-type', 'if-match', 'if-none-match'] as const;
/** Response headers a browser client must be able to read. */
export const CORS_EXPOSE_HEADERS = ['etag', 'location', 'retry-after'] as const;

/** Exactly the given origins, the route table's methods, our headers; no credentials (tokens travel in a header). */
const corsPreflight = (
  origins: readonly string[] | undefined,
  routes: readonly RouteDefinition[],
): apigw.CorsPreflightOptions | undefined => {
  if (!origins || origins.length === 0) return undefined;
  return {
    allowOrigins: [...origins],
    allowMethods: [...new Set(routes.map((route) => route.method))].map(
      (method) => apigw.CorsHttpMethod[method],
    ),
    allowHeaders: [...CORS_ALLOW_HEADERS],
    exposeHeaders: [...CORS_EXPOSE_HEADERS],
    allowCredentials: false,
    maxAge: Duration.hours(1),
  };
};

export class UserHttpApi extends Construct {
  readonly api: apigw.HttpApi;
  readonly stage: apigw.HttpStage;
  readonly accessLogGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: UserHttpApiProps) {
    super(scope, id);

    // The stage is made below, not by HttpApi, so it can carry throttling and access logs.
    this.api = new apigw.HttpApi(this, 'HttpApi', {
      description: 'User API',
      createDefaultStage: false,
      // With CORS set, API Gateway answers preflight requests itself and adds the CORS headers.
      corsPreflight: corsPreflight(props.corsOrigins, props.routes),
    });

    this.accessLogGroup = DeploymentDefaults.of(this).logGroup(this, 'AccessLogs', props.removalPolicy);
    this.stage = new apigw.HttpStage(this, 'DefaultStage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: props.throttle ?? STAGE_THROTTLE,
      accessLogSettings: {
        destination: new apigw.LogGroupLogDestination(this.accessLogGroup),
        format: AccessLogFormat.custom(JSON.stringify(ACCESS_LOG_FIELDS)),
      },
    });

    this.addRoutes(props);
    if (props.pages) this.addPageRoutes(props.pages);
  }

  get url(): string {
    return this.stage.url;
  }

  /** Public by design: the pages are what a signed-out reader opens first. */
  private addPageRoutes(pages: NonNullable<UserHttpApiProps['pages']>): void {
    const integration = new HttpLambdaIntegration('Pages', pages.function, {
      payloadFormatVersion: apigw.PayloadFormatVersion.VERSION_2_0,
    });
    for (const route of pages.routes) {
      const [added] = this.api.addRoutes({ path: route.path, methods: [apigw.HttpMethod.GET], integration });
      if (added) {
        Validations.of(added).acknowledge({
          id: 'AwsSolutions-APIG4',
          reason: `${route.method} ${route.path} is a public page route in lambda/routes.ts (${route.summary}); the pages call the API with the reader's own token.`,
        });
      }
    }
  }

  private addRoutes({ routes, router, authorizer }: UserHttpApiProps): void {
    const integration = new HttpLambdaIntegration('Router', router, {
      payloadFormatVersion: apigw.PayloadFormatVersion.VERSION_2_0,
    });
    // SIMPLE responses: the authorizer returns { isAuthorized, context }, and one cached verdict
    // per Authorization header serves every bearer route for AUTHORIZER_CACHE_TTL_SECONDS.
    const bearer = new HttpLambdaAuthorizer('Bearer', authorizer, {
      responseTypes: [HttpLambdaResponseType.SIMPLE],
      identitySource: [AUTHORIZATION_HEADER],
      resultsCacheTtl: Duration.seconds(AUTHORIZER_CACHE_TTL_SECONDS),
    });

    for (const route of routes) {
      const [added] = this.api.addRoutes({
        path: route.path,
        methods: [apigw.HttpMethod[route.method]],
        integration,
        authorizer: route.access === 'bearer' ? bearer : undefined,
      });
      if (added && route.access === 'public') {
        Validations.of(added).acknowledge({
          id: 'AwsSolutions-APIG4',
          reason: `${route.method} ${route.path} is public by design in lambda/routes.ts (${route.summary}); the router still verifies any bearer token sent.`,
        });
      }
    }

    // Whatever matches no route reaches the router, which answers a 404 problem (SPEC: every
    // error body is problem details) instead of API Gateway's own {"message":"Not Found"}.
    const unknownRoutes = new apigw.HttpRoute(this, 'UnknownRoutes', {
      httpApi: this.api,
      routeKey: apigw.HttpRouteKey.DEFAULT,
      integration,
    });
    Validations.of(unknownRoutes).acknowledge({
      id: 'AwsSolutions-APIG4',
      reason:
        'The $default route only answers 404 problem details for requests that match no route of lambda/routes.ts; it reaches no data.',
    });
  }
}
