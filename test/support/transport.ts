// How a test client reaches the API: over the gateway core in-process, or over real HTTP; the
// shapes of a request and a response, and the secrets a run has handed out.
import { request as httpRequest } from 'node:http';
import type { Gateway } from '../../gateway/gateway-types';

export interface ApiResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
  // biome-ignore lint/suspicious/noExplicitAny: bodies are asserted field by field
  readonly body: any;
  readonly ms: number;
}

export interface RequestOptions {
  /** JSON-encoded, sent as application/json unless `headers` say otherwise. */
  readonly json?: unknown;
  /** Sent exactly as given. */
  readonly body?: string | Uint8Array;
  readonly token?: string;
  readonly headers?: Record<string, string>;
}

/** The header a raw `body` needs to be read as JSON (`json` sets it by itself). */
export const JSON_CONTENT: Readonly<Record<string, string>> = { 'content-type': 'application/json' };

export type Call = (method: string, path: string, options?: RequestOptions) => Promise<ApiResponse>;

/** What no response of a stack may show, shared by every client of that stack. */
export interface Secrets {
  /** Every password sent so far, by any client of this stack. */
  readonly passwords: Set<string>;
  /** Refresh tokens sent back, TOTP secrets after their enrolment, private key material. */
  readonly others: Set<string>;
}

export const newSecrets = (passwords: Iterable<string> = []): Secrets => ({
  passwords: new Set(passwords),
  others: new Set(),
});

export interface Client {
  readonly call: Call;
  /** Every password sent so far, by any client of this stack: none may ever come back. */
  readonly sentPasswords: Set<string>;
}

interface Exchange {
  readonly status: number;
  readonly headers: Headers;
  readonly body: Buffer;
}

/** How a request reaches the gateway. */
export type Transport = (
  method: string,
  path: string,
  headers: Record<string, string>,
  body: Buffer,
) => Promise<Exchange>;

const toHeaders = (record: Readonly<Record<string, string | readonly string[] | undefined>>): Headers => {
  const headers = new Headers();
  for (const [name, value] of Object.entries(record)) {
    if (value === undefined) continue;
    for (const item of typeof value === 'string' ? [value] : value) headers.append(name, item);
  }
  return headers;
};

/** Straight into the gateway core, as the client at `sourceIp`. */
export const overCore =
  (gateway: Gateway, sourceIp = '127.0.0.1'): Transport =>
  async (method, path, headers, body) => {
    const response = await gateway({ method, url: path, headers, body, sourceIp });
    return { status: response.status, headers: toHeaders(response.headers), body: response.body };
  };

/**
 * Over HTTP to `baseUrl`; with `localAddress` (127.0.0.x) the connection leaves from that address,
 * so the gateway sees another client.
 */
export const overHttp = (baseUrl: string, localAddress?: string): Transport => {
  const base = new URL(baseUrl);
  // A loopback address of IPv4 reaches only the IPv4 listener.
  const hostname = localAddress && base.hostname === 'localhost' ? '127.0.0.1' : base.hostname;
  return (method, path, headers, body) =>
    new Promise((resolve, reject) => {
      const req = httpRequest(
        { hostname, port: base.port, method, path, headers, ...(localAddress ? { localAddress } : {}) },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('end', () =>
            resolve({
              status: res.statusCode ?? 0,
              headers: toHeaders(res.headers),
              body: Buffer.concat(chunks),
            }),
          );
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(body);
    });
};
