// The production socket of `npm run serve`: a node:http server with bounded timeouts, the two
// health checks a load balancer and Kubernetes ask (GET /livez, GET /readyz), and the drain that
// SIGTERM starts. Everything else goes to the listener it is given (the gateway core's).
import {
  createServer,
  type IncomingMessage,
  type RequestListener,
  type Server,
  type ServerResponse,
} from 'node:http';

/** Headers must arrive within this; a slow-loris client is cut off. */
export const HEADERS_TIMEOUT_MS = 20_000;
/** A whole request: the gateway's 30 s integration timeout plus reading the body. */
export const REQUEST_TIMEOUT_MS = 35_000;
/** Longer than the idle timeout of the load balancers in front (60 s on most), so they close first. */
export const KEEP_ALIVE_TIMEOUT_MS = 65_000;
/** After the delay, requests in flight get this long to finish before their sockets are closed. */
export const DRAIN_TIMEOUT_MS = 25_000;
/** The server's health checks: answered before the gateway, not part of the API or its document. */
export const HEALTH_PATHS: ReadonlySet<string> = new Set(['/livez', '/readyz']);

/** A readiness probe that takes longer than this is a "no". */
const READY_PROBE_TIMEOUT_MS = 2_000;

export interface HttpServerOptions {
  /** The API: everything but the health checks. */
  readonly listener: RequestListener;
  /** Whether the store answers and its schema is current. Never throws for a "no". */
  readonly ready: () => Promise<boolean>;
  readonly shutdownDelaySeconds: number;
  readonly drainTimeoutMs?: number;
  /** Called when a drain gave up on requests still running. */
  readonly onDrainTimeout?: (openRequests: number) => void;
}

export interface HttpServer {
  readonly server: Server;
  listen(port: number, host: string): Promise<number>;
  /** True from the moment a shutdown begins. */
  readonly draining: boolean;
  /**
   * /readyz turns 503 at once; requests are still served for the delay; then the server stops
   * accepting and waits for the requests in flight (at most the drain timeout). Safe to call twice.
   * `immediate` skips the delay (a start that failed has no load balancer to warn).
   */
  shutdown(options?: { readonly immediate?: boolean }): Promise<void>;
}

const sendJson = (res: ServerResponse, status: number, body: unknown) => {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
};

const withTimeout = (probe: Promise<boolean>, ms: number): Promise<boolean> => {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  return Promise.race([probe.catch(() => false), timeout]).finally(() => clearTimeout(timer));
};

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export const createHttpServer = (options: HttpServerOptions): HttpServer => {
  let draining = false;
  const inFlight = new Set<ServerResponse>();
  let shutdownDone: Promise<void> | undefined;

  const health = (req: IncomingMessage, res: ServerResponse): boolean => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/livez') {
      sendJson(res, 200, { status: 'live' });
      return true;
    }
    if (path !== '/readyz') return false;
    if (draining) {
      sendJson(res, 503, { status: 'shutting down' });
      return true;
    }
    void withTimeout(options.ready(), READY_PROBE_TIMEOUT_MS).then((ready) =>
      // A shutdown may have begun while the store was asked.
      ready && !draining
        ? sendJson(res, 200, { status: 'ready' })
        : sendJson(res, 503, { status: draining ? 'shutting down' : 'not ready' }),
    );
    return true;
  };

  const server = createServer((req, res) => {
    inFlight.add(res);
    res.once('close', () => inFlight.delete(res));
    // Once draining, each answer closes its connection, so keep-alive clients (and load balancers)
    // open their next one elsewhere instead of reusing a socket that is about to close.
    if (draining) res.setHeader('connection', 'close');
    if (health(req, res)) return;
    options.listener(req, res);
  });
  server.headersTimeout = HEADERS_TIMEOUT_MS;
  server.requestTimeout = REQUEST_TIMEOUT_MS;
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;

  const drain = async (immediate: boolean) => {
    draining = true;
    for (const res of inFlight) if (!res.headersSent) res.setHeader('connection', 'close');
    if (!immediate) await sleep(options.shutdownDelaySeconds * 1000);
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    // close() ends idle keep-alive sockets; busy ones end after their answer (connection: close).
    server.closeIdleConnections();
    const drainTimeoutMs = options.drainTimeoutMs ?? DRAIN_TIMEOUT_MS;
    let timer: NodeJS.Timeout | undefined;
    const gaveUp = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), drainTimeoutMs);
    });
    const outcome = await Promise.race([closed, gaveUp]);
    clearTimeout(timer);
    if (outcome === 'timeout') {
      options.onDrainTimeout?.(inFlight.size);
      server.closeAllConnections();
      await closed;
    }
  };

  return {
    server,
    get draining() {
      return draining;
    },
    listen: (port, host) =>
      new Promise((resolve, reject) => {
        server.once('error', reject);
        server.listen(port, host, () => {
          server.off('error', reject);
          const address = server.address();
          resolve(typeof address === 'object' && address ? address.port : port);
        });
      }),
    shutdown({ immediate = false } = {}) {
      shutdownDone ??= drain(immediate);
      return shutdownDone;
    },
  };
};
