// The one API client of the suites, over the gateway core (integration: no socket) or over real
// HTTP (e2e, security). Whatever the transport, every response is held to the same rules before
// a test sees it: no leaked secret (any password sent by a client of the stack, any refresh token
// sent back, a TOTP secret once its enrolment answered, a bcrypt hash, a credential field, the
// stack's private key material; and on errors no stack frame, source path or exception name), and
// on every response the router produced, its security headers. Observers (the OpenAPI contract
// check) see every exchange too.
import { request as httpRequest } from 'node:http';
import { isCommonPassword } from '../../lambda/users/common-passwords';
import { isDocsPath } from '../../local/docs-page';
import type { Gateway } from '../../local/gateway-core';
import { isLocalPagePath } from '../../local/pages';
import { HEALTH_PATHS } from '../../server/http-server';

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

// ---------------------------------------------------------------------------------------------
// What no response may show

/** What no answer may ever carry: credentials and private key material. */
const SECRETS: readonly [string, RegExp][] = [
  ['a bcrypt hash', /\$2[abxy]\$\d\d\$/],
  // As a key with a value: an error may name such a field the client sent, never show one.
  ['a credential field', /"(password_hash|passwordHash|token_version|tokenVersion)"\s*:/],
  ['a private key member', /"d"\s*:\s*"[A-Za-z0-9_-]{40,}"/],
];
/**
 * What no error may carry. Success bodies may echo a user's name, which could say anything; and
 * these are specific enough that input echoed in an error's detail (an id) does not look like one.
 */
const INTERNALS: readonly [string, RegExp][] = [
  // A frame on a line of its own, raw or JSON-escaped, or `at fn (file`.
  ['a stack frame', /(\n|\\n)\s+at |\bat [\w.<>]+ \(|\(node:internal|node_modules\//],
  ['a source path', /\/(work|var\/task|opt|home|tmp)\/\S+\.[cm]?[tj]s\b|\.[cm]?[tj]s:\d+:\d+/],
  ['an exception name', /\b[A-Z]\w*(Exception|Error)\b/],
];

/** The leak an answer shows, if any: checked on every answer the client receives. */
export const leakIn = (status: number, text: string, secrets: Secrets = newSecrets()): string | undefined => {
  const patterns = status >= 400 ? [...SECRETS, ...INTERNALS] : SECRETS;
  for (const [what, pattern] of patterns) if (pattern.test(text)) return what;
  for (const password of secrets.passwords) if (text.includes(password)) return 'a password';
  for (const secret of secrets.others) if (text.includes(secret)) return 'a secret';
  return undefined;
};

/**
 * Remembers every string sent in a field named like a password (`password`, `current_password`,
 * `newPassword`…), at any depth. Not those under 8 characters or among the common passwords: the
 * API refuses them, and as words ("password", "short") they may be part of an error message.
 */
export const rememberPasswords = (value: unknown, into: Set<string>): void => {
  if (value === null || typeof value !== 'object') return;
  for (const [key, item] of Object.entries(value)) {
    if (/password/i.test(key) && typeof item === 'string') {
      if (item.length >= 8 && !isCommonPassword(item)) into.add(item);
    } else rememberPasswords(item, into);
  }
};

/** A refresh token the client sends back is spent or revoked from then on: none may come back. */
const rememberRefreshTokens = (value: unknown, into: Set<string>): void => {
  if (value === null || typeof value !== 'object') return;
  const token = (value as Record<string, unknown>).refresh_token;
  if (typeof token === 'string' && token.length >= 16) into.add(token);
};

/** A TOTP secret is shown once, by the enrolment that made it: no later response may show it. */
const rememberTotpSecret = (path: string, status: number, body: unknown, into: Set<string>): void => {
  if (status !== 201 || !/\/mfa\/totp$/.test(path.split('?')[0] ?? '')) return;
  const secret = (body as Record<string, unknown> | undefined)?.secret;
  if (typeof secret === 'string') into.add(secret);
};

// ---------------------------------------------------------------------------------------------
// The router's security headers

const GATEWAY_MESSAGES: Readonly<Record<number, string>> = {
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  413: 'Request Entity Too Large',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/**
 * The local-only pages of `npm start` (the API reference, the mail inbox, the pages mailed links
 * open) and the server's health checks: not the API.
 */
export const isLocalOnlyPath = (path: string): boolean =>
  isDocsPath(path) || isLocalPagePath(path) || HEALTH_PATHS.has(path);

/** API Gateway's own answer (`{"message": …}`), as opposed to one the router produced. */
export const isGatewayAnswer = (status: number, text: string): boolean =>
  GATEWAY_MESSAGES[status] !== undefined && text === JSON.stringify({ message: GATEWAY_MESSAGES[status] });

/** The one public document a shared cache may keep (max-age); every other answer is no-store. */
const CACHEABLE_PATHS: ReadonlySet<string> = new Set(['/.well-known/jwks.json']);

/** What a router response lacks of the headers every one must carry (204 and 304 included). */
export const missingSecurityHeaders = (path: string, headers: Headers): string[] => {
  const missing: string[] = [];
  const cacheControl = headers.get('cache-control') ?? '';
  const cacheable = CACHEABLE_PATHS.has(path) && /^public, max-age=\d+$/.test(cacheControl);
  if (cacheControl !== 'no-store' && !cacheable) missing.push('Cache-Control: no-store');
  if (headers.get('x-content-type-options') !== 'nosniff') missing.push('X-Content-Type-Options: nosniff');
  return missing;
};

// ---------------------------------------------------------------------------------------------
// The client

/** Sees every response any client returns, with the request that got it (the OpenAPI contract check). */
export type ResponseObserver = (method: string, path: string, response: ApiResponse) => void;
const responseObservers: ResponseObserver[] = [];
export const observeResponses = (observer: ResponseObserver): void => {
  responseObservers.push(observer);
};

/** A client on `transport` that fails the test on any leak or missing security header. */
export const createClient = (transport: Transport, secrets: Secrets = newSecrets()): Client => {
  const call: Call = async (method, path, options = {}) => {
    rememberPasswords(options.json, secrets.passwords);
    rememberRefreshTokens(options.json, secrets.others);
    // A user agent the audit trail and the session list can show, unless the test sends its own.
    const headers: Record<string, string> = { 'user-agent': 'jest' };
    for (const [name, value] of Object.entries(options.headers ?? {})) headers[name.toLowerCase()] = value;
    if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
    let body = options.body;
    if (options.json !== undefined) {
      headers['content-type'] ??= 'application/json';
      body = JSON.stringify(options.json);
    }
    const started = performance.now();
    const exchange = await transport(method, path, headers, Buffer.from(body ?? ''));
    const ms = performance.now() - started;
    const text = exchange.body.toString('utf8');
    const leak = leakIn(exchange.status, `${JSON.stringify([...exchange.headers])}\n${text}`, secrets);
    if (leak) throw new Error(`${method} ${path} leaked ${leak}: ${text.slice(0, 500)}`);
    // The router's answers, that is: not API Gateway's own, not the local-only pages. No
    // route serves HEAD, so its (bodiless) answer is always the gateway's.
    const fromRouter =
      method !== 'HEAD' &&
      !isGatewayAnswer(exchange.status, text) &&
      !isLocalOnlyPath(path.split('?')[0] ?? '');
    if (fromRouter) {
      const missing = missingSecurityHeaders(path.split('?')[0] ?? '', exchange.headers);
      if (missing.length > 0)
        throw new Error(`${method} ${path} → ${exchange.status} lacks ${missing.join(' and ')}`);
    }
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    rememberTotpSecret(path, exchange.status, parsed, secrets.others);
    const response = { status: exchange.status, headers: exchange.headers, text, body: parsed, ms };
    for (const observe of responseObservers) observe(method, path, response);
    return response;
  };
  return { call, sentPasswords: secrets.passwords };
};
