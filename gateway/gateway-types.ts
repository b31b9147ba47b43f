// The gateway core's types and limits: what it takes (a request, the handlers), what it gives
// (a response), the payload 2.0 event, and the identity it stamps on every event.
import type {
  APIGatewayEventRequestContextV2,
  APIGatewayProxyEventV2,
  APIGatewayRequestAuthorizerEventV2,
  Context,
} from 'aws-lambda';
import type { RouteDefinition } from '../lambda/routes';
import type { Clock } from '../lambda/shared/clock';

export const MAX_BODY_BYTES = 10 * 1024 * 1024;
export const INTEGRATION_TIMEOUT_MS = 30_000;
export const ACCOUNT_ID = '123456789012';
export const API_ID = 'local';
export const REGION = 'us-east-1';

export type AuthorizerContext = Record<string, unknown>;
/** The event the router receives: payload 2.0, with the authorizer's context on protected routes. */
export type GatewayEvent = APIGatewayProxyEventV2 & {
  requestContext: APIGatewayEventRequestContextV2 & { authorizer?: { lambda: AuthorizerContext } };
};

/** The two Lambda handlers, as their modules export them (method syntax: their event types are narrower). */
export interface GatewayHandlers {
  router(event: GatewayEvent, context: Context): Promise<unknown>;
  authorizer(event: APIGatewayRequestAuthorizerEventV2, context: Context): Promise<unknown>;
  /** The pages function, for the page routes; without it they go to the router (`$default`): 404 problems. */
  pages?(event: GatewayEvent, context: Context): Promise<unknown>;
}

/** One HTTP request as the gateway receives it. */
export interface GatewayRequest {
  readonly method: string;
  /** Path and query string, as on the request line: `/users?limit=5`. */
  readonly url: string;
  /** Any case; a list for a header sent more than once. */
  readonly headers: Readonly<Record<string, string | readonly string[] | undefined>>;
  readonly body: Buffer;
  /** The client's address; rate limits and logs key on it. */
  readonly sourceIp: string;
  /** `HTTP/1.1` unless said otherwise. */
  readonly protocol?: string;
}

export interface GatewayResponse {
  readonly status: number;
  /** Lower-case names; `set-cookie` may be a list. */
  readonly headers: Readonly<Record<string, string | readonly string[]>>;
  readonly body: Buffer;
}

export type Gateway = (request: GatewayRequest) => Promise<GatewayResponse>;

export interface GatewayCoreOptions extends GatewayHandlers {
  readonly routes?: readonly RouteDefinition[];
  readonly authorizerCacheTtlSeconds?: number;
  /** What the verdict cache reads the time from; tests move it instead of sleeping. */
  readonly clock?: Clock;
  readonly integrationTimeoutMs?: number;
  /** Called when a handler throws or answers malformed (the 500s), as Lambda would log it. */
  readonly onError?: (error: unknown, handler: 'router' | 'authorizer' | 'pages') => void;
}
