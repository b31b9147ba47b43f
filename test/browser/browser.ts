// What every browser suite shares: Debian's Chromium driven by playwright-core (one browser per
// file, a fresh context per test), and the checks every page must pass — no console error or CSP
// violation, axe-core with no violation, no token where a script or another tab could read it.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Locator, type Page } from 'playwright-core';
import { isPagePath } from '../../gateway/route-matching';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export const SCREENSHOTS = join(__dirname, 'screenshots');

export const launchBrowser = async (): Promise<Browser> => {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`No Chromium at ${CHROMIUM}: run \`apt-get install chromium\`, or set CHROMIUM_PATH.`);
  }
  // playwright gives each launch a new, empty user-data-dir of its own.
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
};

export interface Tab {
  readonly context: BrowserContext;
  readonly page: Page;
  /** Console errors, uncaught exceptions and CSP violations seen so far. */
  readonly errors: string[];
}

/** A fresh context (no storage, no cookies) and its page, with every error it shows collected. */
export const openTab = async (
  browser: Browser,
  options: { width?: number; colorScheme?: 'light' | 'dark' } = {},
): Promise<Tab> => {
  const context = await browser.newContext({
    viewport: { width: options.width ?? 1024, height: 800 },
    colorScheme: options.colorScheme ?? 'light',
  });
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() !== 'error') return;
    // The API's 4xx answers are logged by Chromium too: they are answers the page shows (a wrong
    // password), not failures of the page. A page or asset that fails to load still counts.
    const url = new URL(message.location().url || 'about:blank');
    const apiRefusal = /status of 4\d\d/.test(message.text()) && !isPagePath(url.pathname);
    if (!apiRefusal) errors.push(`${message.text()} ${url.pathname}`);
  });
  page.on('pageerror', (error) => errors.push(error.message));
  // A CSP violation also fires this event in the page; it is collected through the console.
  // (Page-side code is passed as text: this project's TypeScript has no DOM types.)
  await page.addInitScript(`document.addEventListener('securitypolicyviolation', (event) =>
    console.error('CSP violation: ' + event.violatedDirective + ' ' + event.blockedURI));`);
  return { context, page, errors };
};

const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

interface AxeViolation {
  readonly id: string;
  readonly help: string;
  readonly nodes: readonly { readonly target: readonly string[] }[];
}

/**
 * axe-core's violations on the page as it is now. The engine is evaluated through the DevTools
 * protocol: the page's CSP (rightly) refuses an injected <script> tag.
 */
export const axeViolations = async (page: Page): Promise<string[]> => {
  await page.evaluate(AXE_SOURCE);
  const violations = (await page.evaluate('axe.run().then((result) => result.violations)')) as AxeViolation[];
  return violations.map(
    (violation) =>
      `${violation.id}: ${violation.help} (${violation.nodes.map((node) => node.target.join(' ')).join(', ')})`,
  );
};

/**
 * What a script of the page could read: localStorage (device tokens allowed: not credentials),
 * every cookie, and sessionStorage keys other than the refresh token's.
 */
export const readableSecrets = async (tab: Tab): Promise<string[]> => {
  if (tab.page.url() === 'about:blank') return [];
  const { local, session, cookie } = (await tab.page.evaluate(
    '({ local: Object.keys(localStorage), session: Object.keys(sessionStorage), cookie: document.cookie })',
  )) as { local: string[]; session: string[]; cookie: string };
  const found = [
    ...local.filter((key) => !key.startsWith('device_token:')).map((key) => `localStorage ${key}`),
    ...session.filter((key) => key !== 'refresh_token').map((key) => `sessionStorage ${key}`),
    ...(cookie ? [`cookie ${cookie}`] : []),
  ];
  const cookies = (await tab.context.cookies()).map((cookie) => `cookie ${cookie.name}`);
  return [...found, ...cookies];
};

export const screenshot = async (page: Page, name: string): Promise<void> => {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
};

/** Polls `check` until it holds (5 s): the page answers the API asynchronously. */
export const eventually = async (check: () => Promise<boolean>, what: string): Promise<void> => {
  const deadline = Date.now() + 5_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`not seen within 5 s: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
};

/** The element has the focus. */
export const isFocused = (locator: Locator): Promise<boolean> =>
  locator.evaluate((element) => element === element.ownerDocument.activeElement);

/** The element shows exactly this text (polled). */
export const expectText = (locator: Locator, text: string | RegExp): Promise<void> =>
  eventually(async () => {
    const shown = (await locator.count()) > 0 ? ((await locator.first().textContent()) ?? '') : '';
    return typeof text === 'string' ? shown.trim() === text : text.test(shown);
  }, `${locator} showing ${text}`);
