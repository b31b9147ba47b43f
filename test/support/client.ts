// The one API client of the suites, over the gateway core (integration: no socket) or over real
// HTTP (e2e, security). Whatever the transport, every response is held to the same rules before
// a test sees it: no leaked secret (any password sent by a client of the stack, any refresh token
// sent back, a TOTP secret once its enrolment answered, a bcrypt hash, a credential field, the
// stack's private key material; and on errors no stack frame, source path or exception name), and
// on every response the router produced, its security headers. Observers (the OpenAPI contract
// check) see every exchange too.
import { leakIn, rememberPasswords, rememberRefreshTokens, rememberTotpSecret } from './leaks';
import { isGatewayAnswer, isLocalOnlyPath, missingSecurityHeaders } from './security-headers';
import {
  type ApiResponse,
  type Call,
  type Client,
  newSecrets,
  type Secrets,
  type Transport,
} from './transport';

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
