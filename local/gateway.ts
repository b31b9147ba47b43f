// The local stand-in for API Gateway HTTP API on a socket: the gateway core behind its HTTP
// listener (gateway/), plus what only the local stack serves: GET /docs, the API reference page
// (docs-page.ts), and the pages the stack passes (the mail inbox, the pages mailed links open).
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { createGatewayCore } from '../gateway/gateway-core';
import type { Gateway, GatewayCoreOptions } from '../gateway/gateway-types';
import { createHttpListener, type ListenerOptions } from '../gateway/http-listener';
import { serveDocsPage } from './docs-page';

export interface LocalListenerOptions extends ListenerOptions {
  /** Serve the API reference page at GET /docs (local only, not part of HTTP API). Default true. */
  readonly docs?: boolean;
}

export interface GatewayOptions extends GatewayCoreOptions, LocalListenerOptions {}

/** The listener of `npm start`: the core's, with the docs page and the local pages in front. */
export const createLocalListener = (gateway: Gateway, options: LocalListenerOptions = {}): RequestListener =>
  createHttpListener(gateway, {
    ...options,
    localPages: (req: IncomingMessage, res: ServerResponse) =>
      ((options.docs ?? true) && serveDocsPage(req, res)) || (options.localPages?.(req, res) ?? false),
  });

/** The core and its HTTP server in one: the listener of `npm start`. */
export const createGateway = (options: GatewayOptions): RequestListener =>
  createLocalListener(createGatewayCore(options), options);
