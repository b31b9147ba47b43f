// The pages function as a value: what it answers for each page route, with which headers, and
// the brand it writes into the HTML (checked, since it lands inside a page).
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { BrandError, brandOf, createPagesHandler } from '../../lambda/pages/create-pages-handler';
import type { PageFiles } from '../../lambda/pages/page-files';
import { parseBrand, SettingsError } from '../../lib/stack-settings';

const FILES: PageFiles = {
  html: { '/account': '<title>%PRODUCT_NAME%</title><meta name="theme-color" content="%ACCENT_COLOR%">' },
  assets: { '/assets/account-ABC.js': { contentType: 'text/javascript; charset=utf-8', body: 'run()' } },
};

const get = (rawPath: string) =>
  createPagesHandler(FILES, { productName: 'Acme <Accounts>', accentColor: '#0a7' })({
    rawPath,
  } as APIGatewayProxyEventV2);

describe('the pages handler', () => {
  it.each(['/account', '/account/', '/account/two-step', '/account/verify-email'])(
    'answers the app for %s, never cached without a check, the brand escaped',
    async (path) => {
      const answer = await get(path);
      expect(answer.statusCode).toBe(200);
      expect(answer.headers?.['Cache-Control']).toBe('no-cache');
      expect(answer.body).toBe(
        '<title>Acme &#60;Accounts&#62;</title><meta name="theme-color" content="#0a7">',
      );
    },
  );

  it('answers a hashed asset as immutable, and an unknown one or another path as 404', async () => {
    const asset = await get('/assets/account-ABC.js');
    expect(asset.headers).toMatchObject({
      'Cache-Control': 'public, max-age=31536000, immutable',
      'Content-Type': 'text/javascript; charset=utf-8',
    });
    expect((await get('/assets/account-XYZ.js')).statusCode).toBe(404);
    expect((await get('/accounts')).statusCode).toBe(404);
  });

  it('sends the CSP and nosniff with every answer, the 404 too', async () => {
    for (const path of ['/account', '/assets/account-ABC.js', '/nothing']) {
      expect((await get(path)).headers).toMatchObject({
        'Content-Security-Policy':
          "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
        'X-Content-Type-Options': 'nosniff',
      });
    }
  });
});

describe('the brand', () => {
  it('defaults to the product name and colour, and refuses a colour that is not plain hex', () => {
    expect(brandOf(undefined, '')).toEqual({ productName: 'User API', accentColor: '#2250c8' });
    expect(() => brandOf('Acme', 'red; } body { display: none')).toThrow(BrandError);
    expect(() => parseBrand('Acme', 'url(x)')).toThrow(SettingsError);
    expect(() => parseBrand('Acme', 'url(x)')).toThrow(/accentColor/);
  });
});
