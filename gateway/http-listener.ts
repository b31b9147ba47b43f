// The gateway core on a socket: reads the request, hands it with the client's address to the
// core (gateway-core.ts, where everything API Gateway does lives), and writes the answer. The
// listener of `npm start` (local/gateway.ts adds its pages) and of `npm run serve` alike.
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { type Gateway, MAX_BODY_BYTES } from './gateway-types';

export interface RequestLogEntry {
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly ms: number;
}

export interface ListenerOptions {
  /** Called once per answered request. Never given bodies or headers. */
  readonly onRequest?: (entry: RequestLogEntry) => void;
  /** Pages beside the API (the local ones, the mail inbox): true when it answered. */
  readonly localPages?: (req: IncomingMessage, res: ServerResponse) => boolean;
  /** Who the client is (rate limits key on it); the socket's peer when omitted. */
  readonly clientAddress?: (req: IncomingMessage) => string;
}

/**
 * The body, or its first MAX_BODY_BYTES + 1 bytes when it is longer: enough for the core to
 * answer 413, without holding an upload of any size in memory. `complete` says whether it was all read.
 */
const readBody = (req: IncomingMessage): Promise<{ body: Buffer; complete: boolean }> =>
  new Promise((resolve, reject) => {
    const limit = MAX_BODY_BYTES + 1;
    if (Number(req.headers['content-length'] ?? 0) >= limit) {
      req.resume();
      resolve({ body: Buffer.alloc(limit), complete: false });
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      chunks.push(chunk);
      if (size >= limit) {
        req.removeAllListeners('data');
        req.resume();
        resolve({ body: Buffer.concat(chunks).subarray(0, limit), complete: false });
      }
    });
    req.on('end', () => resolve({ body: Buffer.concat(chunks), complete: true }));
    req.on('error', reject);
  });

const INTERNAL_ERROR = JSON.stringify({ message: 'Internal Server Error' });

const send = (
  res: ServerResponse,
  status: number,
  headers: Record<string, string | readonly string[]>,
  body: Buffer | string,
) => {
  res.statusCode = status;
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  res.end(body);
};

/** Puts a gateway core on a socket: `http.createServer(createHttpListener(core))`. */
export const createHttpListener = (gateway: Gateway, options: ListenerOptions = {}): RequestListener => {
  return (req, res) => {
    const started = process.hrtime.bigint();
    res.once('finish', () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      const path = (req.url ?? '/').split('?')[0] ?? '/';
      options.onRequest?.({ method: req.method ?? '', path, status: res.statusCode, ms: Math.round(ms) });
    });
    if (options.localPages?.(req, res)) return;
    const answer = async () => {
      const { body, complete } = await readBody(req);
      const response = await gateway({
        method: req.method ?? 'GET',
        url: req.url ?? '/',
        headers: req.headersDistinct,
        body,
        sourceIp:
          options.clientAddress?.(req) ?? (req.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, ''),
        protocol: `HTTP/${req.httpVersion}`,
      });
      // The rest of an oversized upload is not read: close the connection once the answer is out.
      if (!complete) res.setHeader('connection', 'close');
      send(res, response.status, response.headers, response.body);
    };
    answer().catch(() => {
      // The core answers every failure itself; this is a socket that broke while being read.
      if (!res.headersSent) send(res, 500, { 'content-type': 'application/json' }, INTERNAL_ERROR);
    });
  };
};
