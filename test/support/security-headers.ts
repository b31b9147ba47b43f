// The router's security headers, and the answers that come from the gateway instead (which
// carry none).

import { isPagePath } from '../../gateway/route-matching';
import { isDocsPath } from '../../local/docs-page';
import { isLocalPagePath } from '../../local/pages';
import { HEALTH_PATHS } from '../../server/http-server';

const GATEWAY_MESSAGES: Readonly<Record<number, string>> = {
  401: 'Unauthorized',
  403: 'Forbidden',
  413: 'Request Entity Too Large',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

/**
 * The local-only pages of `npm start` (the API reference, the mail inbox), the account pages and
 * the server's health checks: not the API.
 */
export const isLocalOnlyPath = (path: string): boolean =>
  isDocsPath(path) || isLocalPagePath(path) || isPagePath(path) || HEALTH_PATHS.has(path);

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
