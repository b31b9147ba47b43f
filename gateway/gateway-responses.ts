// Results → responses: a handler's result as HTTP API turns it into an answer, and the gateway's
// own answers (401, 403, 413, 500, 503).
import type { GatewayResponse } from './gateway-types';

const gatewayMessage = (status: number, message: string): GatewayResponse => ({
  status,
  headers: { 'content-type': 'application/json' },
  body: Buffer.from(JSON.stringify({ message })),
});

export const UNAUTHORIZED = gatewayMessage(401, 'Unauthorized');
export const FORBIDDEN = gatewayMessage(403, 'Forbidden');
export const TOO_LARGE = gatewayMessage(413, 'Request Entity Too Large');
export const INTERNAL = gatewayMessage(500, 'Internal Server Error');
export const UNAVAILABLE = gatewayMessage(503, 'Service Unavailable');

export class MalformedResultError extends Error {}

export const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** Payload 2.0 response rules: a structured result when `statusCode` is present, else a JSON 200. */
export const httpAnswerOf = (result: unknown): GatewayResponse => {
  if (!isRecord(result) || !('statusCode' in result)) {
    const body = typeof result === 'string' ? result : (JSON.stringify(result) ?? '');
    return { status: 200, headers: { 'content-type': 'application/json' }, body: Buffer.from(body) };
  }
  const { statusCode, headers = {}, cookies = [], body = '', isBase64Encoded = false } = result;
  const valid =
    Number.isInteger(statusCode) &&
    (statusCode as number) >= 100 &&
    (statusCode as number) <= 599 &&
    isRecord(headers) &&
    Object.values(headers).every((value) => ['string', 'number', 'boolean'].includes(typeof value)) &&
    Array.isArray(cookies) &&
    cookies.every((cookie) => typeof cookie === 'string') &&
    typeof body === 'string' &&
    typeof isBase64Encoded === 'boolean';
  if (!valid)
    throw new MalformedResultError(`malformed Lambda response: ${JSON.stringify(result)?.slice(0, 200)}`);
  const out: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers)) out[name.toLowerCase()] = String(value);
  if (cookies.length > 0) out['set-cookie'] = cookies as string[];
  return {
    status: statusCode as number,
    headers: out,
    body: Buffer.from(body, isBase64Encoded ? 'base64' : 'utf8'),
  };
};

export const TIMED_OUT = Symbol('timed out');
export const withTimeout = <T>(work: Promise<T>, ms: number): Promise<T | typeof TIMED_OUT> => {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<typeof TIMED_OUT>((resolve) => {
    timer = setTimeout(() => resolve(TIMED_OUT), ms);
  });
  return Promise.race([work, timeout]).finally(() => clearTimeout(timer));
};
