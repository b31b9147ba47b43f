// The pages function as a value: the built files and the brand in, a payload 2.0 handler out.
// It serves the page routes of the route table and nothing else: an app's HTML for its base path
// and every deep link under it (the app routes in the browser), and the hashed assets, which never
// change under their name and may be cached for a year.
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { PageFiles } from './page-files';

export type PagesHandler = (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2>;

export interface Brand {
  /** Shown in every page's title and header. */
  readonly productName: string;
  /** The accent colour of buttons, links and focus rings: `#rgb` or `#rrggbb`. */
  readonly accentColor: string;
}

export const DEFAULT_BRAND: Brand = { productName: 'User API', accentColor: '#2250c8' };

/** The headers every page and asset is sent with (SPEC, "Pages for people"). */
export const PAGE_SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'Content-Security-Policy':
    "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
  'X-Content-Type-Options': 'nosniff',
  // The mailed links carry their token in the query: no request may pass it on.
  'Referrer-Policy': 'no-referrer',
};

const IMMUTABLE = 'public, max-age=31536000, immutable';

export class BrandError extends Error {}

const COLOR = /^#(?:[0-9a-f]{3}|[0-9a-f]{6})$/i;

const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** Checks the brand: a colour is written into a page, so only a plain hex colour is taken. */
export const brandOf = (productName: string | undefined, accentColor: string | undefined): Brand => {
  const name = productName?.trim() || DEFAULT_BRAND.productName;
  const color = accentColor?.trim() || DEFAULT_BRAND.accentColor;
  if (!COLOR.test(color)) throw new BrandError(`ACCENT_COLOR: "${color}" is not a colour like #2250c8.`);
  if (name.length > 60) throw new BrandError('PRODUCT_NAME: at most 60 characters.');
  return { productName: name, accentColor: color };
};

const answer = (
  statusCode: number,
  contentType: string,
  body: string,
  cacheControl: string,
): APIGatewayProxyStructuredResultV2 => ({
  statusCode,
  headers: { ...PAGE_SECURITY_HEADERS, 'Content-Type': contentType, 'Cache-Control': cacheControl },
  body,
});

export const createPagesHandler = (files: PageFiles, brand: Brand = DEFAULT_BRAND): PagesHandler => {
  const html = Object.fromEntries(
    Object.entries(files.html).map(([base, page]) => [
      base,
      page
        .replaceAll('%PRODUCT_NAME%', escapeHtml(brand.productName))
        .replaceAll('%ACCENT_COLOR%', brand.accentColor),
    ]),
  );
  const bases = Object.keys(html).sort((a, b) => b.length - a.length);
  return async (event) => {
    const path = event.rawPath;
    const asset = Object.hasOwn(files.assets, path) ? files.assets[path] : undefined;
    if (asset) return answer(200, asset.contentType, asset.body, IMMUTABLE);
    const base = bases.find((candidate) => path === candidate || path.startsWith(`${candidate}/`));
    const page = base === undefined ? undefined : html[base];
    // no-cache: a browser revalidates the HTML, so a deployment's new asset names are seen at once.
    if (page !== undefined) return answer(200, 'text/html; charset=utf-8', page, 'no-cache');
    return answer(404, 'text/plain; charset=utf-8', 'Not Found', 'no-cache');
  };
};
