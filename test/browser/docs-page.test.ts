// GET /docs in headless Chromium: Swagger UI renders docs/openapi.json with every route of the
// table listed, loads nothing from another origin (there is no network here, and none is needed),
// and reports no error.
import type { Browser, Page } from 'playwright-core';
import { routes } from '../../lambda/routes';
import { ADMIN, startTestStack, type TestStack } from '../support/stack';
import { launchBrowser } from './browser';

let stack: TestStack;
let browser: Browser;
let page: Page;
const requested: string[] = [];
const errors: string[] = [];

beforeAll(async () => {
  stack = await startTestStack({ over: 'http', admin: ADMIN });
  browser = await launchBrowser();
  page = await browser.newPage();
  page.on('request', (request) => requested.push(request.url()));
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(`${stack.url}/docs`);
  await page.waitForSelector('.opblock', { timeout: 30_000 });
});

afterAll(async () => {
  await browser?.close();
  await stack?.close();
});

describe('the API reference page', () => {
  it('lists every route of the table, with its method, path and summary', async () => {
    const listed = await page.$$eval('.opblock', (blocks) =>
      blocks.map((block) => ({
        method: block.querySelector('.opblock-summary-method')?.textContent?.trim(),
        path: block.querySelector('.opblock-summary-path')?.getAttribute('data-path'),
        summary: block.querySelector('.opblock-summary-description')?.textContent?.trim(),
      })),
    );

    const expected = routes.map(({ method, path, summary }) => ({ method, path, summary }));
    const byKey = (a: { method?: string; path?: string | null }, b: typeof a) =>
      `${a.path} ${a.method}`.localeCompare(`${b.path} ${b.method}`);
    expect(listed.sort(byKey)).toEqual(expected.sort(byKey));
  });

  it('shows the title and version of the document', async () => {
    const title = await page.textContent('.info .title');

    expect(title).toContain('User API');
  });

  it('loads everything from the local gateway and nothing from another origin', () => {
    const foreign = requested.filter((url) => !url.startsWith(`${stack.url}/`) && !url.startsWith('data:'));

    expect(requested).toEqual(expect.arrayContaining([`${stack.url}/openapi.json`]));
    expect(foreign).toEqual([]);
  });

  it('renders without an error in the console (a blocked load would show there)', () => {
    expect(errors).toEqual([]);
  });
});
