// GET /docs on the local gateway: the API reference, rendered by Swagger UI from GET /openapi.json.
// Local only (not a route of the table, not deployed). Everything comes from this server: the
// renderer's files from node_modules/swagger-ui-dist, nothing from a CDN, and a Content-Security-
// Policy that would block any other origin anyway.
import { readFile } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { dirname, join } from 'node:path';

export const DOCS_PATH = '/docs';

export const isDocsPath = (path: string): boolean => path === DOCS_PATH || path.startsWith(`${DOCS_PATH}/`);

const ASSETS_DIR = dirname(require.resolve('swagger-ui-dist/package.json'));

/** The renderer's files that the page loads, and their media types. Nothing else is served. */
const ASSETS: Readonly<Record<string, string>> = {
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'swagger-ui.css': 'text/css; charset=utf-8',
  'favicon-32x32.png': 'image/png',
  'favicon-16x16.png': 'image/png',
};

const PAGE = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <meta name="viewport" content="width=device-width, initial-scale=1">
  <title>User API reference</title>
  <link rel="icon" type="image/png" sizes="32x32" href="${DOCS_PATH}/assets/favicon-32x32.png">
  <link rel="stylesheet" href="${DOCS_PATH}/assets/swagger-ui.css">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="${DOCS_PATH}/assets/swagger-ui-bundle.js"></script>
  <script src="${DOCS_PATH}/init.js"></script>
</body>
</html>
`;

// validatorUrl null: Swagger UI would otherwise send the document to an online validator.
const INIT = `window.ui = SwaggerUIBundle({
  url: '/openapi.json',
  dom_id: '#swagger-ui',
  deepLinking: true,
  validatorUrl: null,
  displayRequestDuration: true,
  presets: [SwaggerUIBundle.presets.apis],
  layout: 'BaseLayout',
});
`;

/** Swagger UI sets inline styles; scripts and everything else come from this origin only. */
const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const cache = new Map<string, Buffer>();

const asset = async (name: string): Promise<Buffer> => {
  let content = cache.get(name);
  if (!content) {
    content = await readFile(join(ASSETS_DIR, name));
    cache.set(name, content);
  }
  return content;
};

const reply = (res: ServerResponse, status: number, type: string, body: Buffer | string): void => {
  res.statusCode = status;
  res.setHeader('content-type', type);
  res.setHeader('content-security-policy', CONTENT_SECURITY_POLICY);
  res.setHeader('x-content-type-options', 'nosniff');
  res.setHeader('cache-control', 'no-cache');
  res.setHeader('content-length', Buffer.byteLength(body));
  res.end(body);
};

/**
 * Answers GET /docs, /docs/init.js and /docs/assets/<file>; returns false for anything else,
 * which the gateway then answers as API Gateway would (404 for an unknown path).
 */
export const serveDocsPage = (req: IncomingMessage, res: ServerResponse): boolean => {
  if (req.method !== 'GET') return false;
  const path = (req.url ?? '/').split('?')[0] ?? '/';
  if (path === DOCS_PATH || path === `${DOCS_PATH}/`) {
    reply(res, 200, 'text/html; charset=utf-8', PAGE);
    return true;
  }
  if (path === `${DOCS_PATH}/init.js`) {
    reply(res, 200, 'text/javascript; charset=utf-8', INIT);
    return true;
  }
  const name = path.startsWith(`${DOCS_PATH}/assets/`) ? path.slice(`${DOCS_PATH}/assets/`.length) : '';
  const type = Object.hasOwn(ASSETS, name) ? ASSETS[name] : undefined;
  if (!type) return false;
  asset(name).then(
    (content) => reply(res, 200, type, content),
    (error: unknown) => reply(res, 500, 'text/plain; charset=utf-8', `Could not read ${name}: ${error}`),
  );
  return true;
};
