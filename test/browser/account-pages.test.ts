// The account pages in Chromium, end to end against the local stack: every flow of SPEC's
// /account/, by the accessible names SPEC lists, with the mail read from the local catcher. After
// every test: no console error or CSP violation, and no token where a script could read it.

import { Secret, TOTP } from 'otpauth';
import type { Locator, Page } from 'playwright-core';
import { strings } from '../../pages/src/strings';
import { testStackForThisFile, uniqueEmail } from '../support/stack';
import { axeViolations, browserForThisFile, eventually, expectText, isFocused, screenshot } from './browser';

const { fields, buttons } = strings;
const PASSWORD = 'a long enough password';

const stack = testStackForThisFile({ over: 'http', pages: true });
const tab = browserForThisFile();

interface Mail {
  readonly subject: string;
  readonly text: string;
}

/** The newest mail to `to` whose link opens `page`, within the contract's 5 s. */
const mailedLink = async (
  to: string,
  page: 'verify-email' | 'reset-password',
  count = 1,
): Promise<string> => {
  const deadline = Date.now() + 5_000;
  for (;;) {
    const response = await fetch(`${stack.url}/_local/inbox?to=${encodeURIComponent(to)}`);
    const { items } = (await response.json()) as { items: Mail[] };
    const links = items.flatMap(
      (mail) => mail.text.match(new RegExp(`${stack.url}/account/${page}\\?token=[\\w-]+`)) ?? [],
    );
    if (links.length >= count && links[0]) return links[0];
    if (Date.now() > deadline) throw new Error(`no ${page} mail to ${to}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
};

/** The input labelled `name` (a section or form named by a heading of the same words is not one). */
const field = (scope: Page | Locator, name: string) =>
  scope.getByLabel(name, { exact: true }).and(scope.locator('input'));
const button = (scope: Page | Locator, name: string) => scope.getByRole('button', { name, exact: true });
const heading = (page: Page, name: string) => page.getByRole('heading', { level: 1, name });

/** Checked on every page the flows reach: axe finds nothing, and a screenshot is kept for review. */
const expectAccessible = async (page: Page, name: string) => {
  await screenshot(page, name);
  expect(await axeViolations(page)).toEqual([]);
};

const signUp = async (page: Page, email: string, name = 'Ada Lovelace') => {
  await page.goto(`${stack.url}/account/sign-up`);
  await field(page, fields.name).fill(name);
  await field(page, fields.email).fill(email);
  await field(page, fields.password).fill(PASSWORD);
  await button(page, buttons.signUp).click();
  await heading(page, strings.signUp.doneTitle).waitFor();
};

const signIn = async (page: Page, email: string, password = PASSWORD) => {
  await page.goto(`${stack.url}/account/`);
  await field(page, fields.email).fill(email);
  await field(page, fields.password).fill(password);
  await button(page, buttons.signIn).click();
};

const signedUpAndIn = async (page: Page) => {
  const email = uniqueEmail('pages');
  await signUp(page, email);
  await signIn(page, email);
  await heading(page, strings.profile.title).waitFor();
  return email;
};

const totp = (secret: string) => new TOTP({ secret: Secret.fromBase32(secret) });

describe('the account pages', () => {
  it('sign up, confirm the address from the mailed link, sign in, reload and stay signed in', async () => {
    const { page } = tab;
    const email = uniqueEmail('newcomer');
    await page.goto(`${stack.url}/account/`);
    await heading(page, strings.signIn.title).waitFor();
    await expectAccessible(page, 'sign-in');
    await page.getByRole('link', { name: strings.signIn.createAccount }).click();
    await expectAccessible(page, 'sign-up');
    await signUp(page, email);

    await page.goto(await mailedLink(email, 'verify-email'));
    await heading(page, strings.verify.title).waitFor();
    await expectAccessible(page, 'verify-email');
    await button(page, buttons.confirmAddress).click();
    await expectText(page.getByRole('status'), strings.verify.done);

    await signIn(page, email);
    await heading(page, strings.profile.title).waitFor();
    await page.getByText(strings.profile.verified, { exact: true }).waitFor();
    await expectAccessible(page, 'profile');

    await page.reload();
    await heading(page, strings.profile.title).waitFor();
    await page.getByText(email).first().waitFor();
  });

  it('opening the mailed link changes nothing until the button is pressed', async () => {
    const { page } = tab;
    const email = uniqueEmail('scanner');
    await signUp(page, email);
    await page.goto(await mailedLink(email, 'verify-email'));
    await button(page, buttons.confirmAddress).waitFor();
    const login = await stack.call('POST', '/login', { json: { email, password: PASSWORD } });
    expect(login.body.user.email_verified).toBe(false);
  });

  it('a wrong password is said beside the form, with the focus on it; a bad field beside that field', async () => {
    const { page } = tab;
    await signIn(page, uniqueEmail('nobody'), 'not the password');
    const alert = page.getByRole('alert');
    await alert.waitFor();
    await eventually(() => isFocused(alert), 'the focus on alert');

    await page.goto(`${stack.url}/account/sign-up`);
    await field(page, fields.name).fill('Ada');
    await field(page, fields.email).fill('not an address');
    await field(page, fields.password).fill(PASSWORD);
    await button(page, buttons.signUp).click();
    const email = field(page, fields.email);
    await eventually(
      async () => (await email.getAttribute('aria-invalid')) === 'true',
      'email marked invalid',
    );
    await eventually(() => isFocused(email), 'the focus on email');
    const describedBy = (await email.getAttribute('aria-describedby')) ?? '';
    await expectText(page.locator(`[id="${describedBy.split(' ').pop()}"]`), /email/i);
    await expectAccessible(page, 'sign-up-errors');
  });

  it('the keyboard alone signs in', async () => {
    const { page } = tab;
    const email = uniqueEmail('keys');
    await signUp(page, email);
    await page.goto(`${stack.url}/account/`);
    await eventually(
      () => isFocused(heading(page, strings.signIn.title)),
      'the focus on heading(page, strings.signIn.title)',
    );
    await page.keyboard.press('Tab');
    await page.keyboard.type(email);
    await page.keyboard.press('Tab');
    await page.keyboard.type(PASSWORD);
    await page.keyboard.press('Enter');
    await heading(page, strings.profile.title).waitFor();
  });

  it('profile: the name, the email with the current password, the password (then sign in with it)', async () => {
    const { page } = tab;
    await signedUpAndIn(page);
    const nameForm = page.getByRole('form', { name: strings.profile.nameTitle });
    await field(nameForm, fields.name).fill('Grace Hopper');
    await button(nameForm, buttons.save).click();
    await expectText(nameForm.getByRole('status'), strings.saved);

    const moved = uniqueEmail('moved');
    const emailForm = page.getByRole('form', { name: strings.profile.emailTitle });
    await field(emailForm, fields.email).fill(moved);
    await field(emailForm, fields.currentPassword).fill('wrong password');
    await button(emailForm, buttons.save).click();
    const current = field(emailForm, fields.currentPassword);
    await eventually(
      async () => (await current.getAttribute('aria-invalid')) === 'true',
      'current marked invalid',
    );
    await eventually(() => isFocused(current), 'the focus on current');
    await current.fill(PASSWORD);
    await button(emailForm, buttons.save).click();
    await expectText(emailForm.getByRole('status'), strings.saved);
    await page.getByText(moved).first().waitFor();

    const passwordForm = page.getByRole('form', { name: strings.profile.passwordTitle });
    await field(passwordForm, fields.currentPassword).fill(PASSWORD);
    await field(passwordForm, fields.newPassword).fill('another long password');
    await button(passwordForm, buttons.save).click();
    await expectText(page.getByRole('status'), strings.signIn.passwordChanged);
    await signIn(page, moved, 'another long password');
    await heading(page, strings.profile.title).waitFor();
    expect(await field(page, fields.name).inputValue()).toBe('Grace Hopper');
  });

  it('sessions: this one marked, another revoked (its refresh token refused), then sign out everywhere', async () => {
    const { page } = tab;
    const email = await signedUpAndIn(page);
    const other = await stack.call('POST', '/login', { json: { email, password: PASSWORD } });
    expect(other.status).toBe(200);
    await page.getByRole('link', { name: strings.nav.sessions }).click();
    await heading(page, strings.sessions.title).waitFor();
    await expectText(page.locator('.sessions li.current .badge'), strings.sessions.current);
    expect(await page.locator('.sessions li').count()).toBe(2);
    await expectAccessible(page, 'sessions');

    await button(page, buttons.revoke).click();
    await eventually(async () => (await page.locator('.sessions li').count()) === 1, 'one session left');
    const refused = await stack.call('POST', '/refresh', {
      json: { refresh_token: other.body.refresh_token },
    });
    expect(refused.status).toBe(401);

    await button(page, buttons.signOutEverywhere).click();
    await expectText(page.getByRole('status'), strings.signIn.sessionEnded);
    await heading(page, strings.signIn.title).waitFor();
  });

  it('two-step: on with a QR code and a code, ten recovery codes, then sign in with a code and with a recovery code, new codes, off', async () => {
    const { page } = tab;
    const email = await signedUpAndIn(page);
    await page.getByRole('link', { name: strings.nav.twoStep }).click();
    await heading(page, strings.twoStep.title).waitFor();
    await button(page, buttons.turnOnTwoStep).click();
    await page.getByRole('img', { name: strings.twoStep.qrLabel }).waitFor();
    const secret = (await page.locator('code.secret').textContent()) ?? '';
    await expectAccessible(page, 'two-step');
    await field(page, fields.code).fill('000000');
    await button(page, buttons.verify).click();
    await eventually(
      async () => (await field(page, fields.code).getAttribute('aria-invalid')) === 'true',
      'a wrong code refused',
    );
    await field(page, fields.code).fill(totp(secret).generate());
    await button(page, buttons.verify).click();
    await heading(page, strings.twoStep.codesTitle).waitFor();
    const codes = await page.locator('.codes code').allTextContents();
    expect(codes).toHaveLength(10);
    await expectAccessible(page, 'recovery-codes');
    await button(page, buttons.done).click();
    await expectText(page.locator('main > p').first(), strings.twoStep.on);

    await button(page, buttons.signOut).click();
    await heading(page, strings.signIn.title).waitFor();
    await signIn(page, email);
    await heading(page, strings.signIn.codeTitle).waitFor();
    await expectAccessible(page, 'sign-in-code');
    // The next step's code: the one just used to enrol is not accepted twice.
    await field(page, fields.code).fill(totp(secret).generate({ timestamp: Date.now() + 30_000 }));
    await button(page, buttons.continue).click();
    await heading(page, strings.profile.title).waitFor();

    await button(page, buttons.signOut).click();
    await signIn(page, email);
    await button(page, buttons.useRecoveryCode).click();
    await field(page, fields.recoveryCode).fill(codes[0] ?? '');
    await button(page, buttons.continue).click();
    await heading(page, strings.profile.title).waitFor();

    await page.getByRole('link', { name: strings.nav.twoStep }).click();
    await button(page, buttons.newRecoveryCodes).click();
    await heading(page, strings.twoStep.codesTitle).waitFor();
    const renewed = await page.locator('.codes code').allTextContents();
    expect(renewed).toHaveLength(10);
    expect(renewed).not.toContain(codes[1]);
    await button(page, buttons.done).click();
    await button(page, buttons.turnOffTwoStep).click();
    await expectText(page.getByRole('status'), strings.twoStep.removed);
    await expectText(page.locator('main > p').nth(1), strings.twoStep.off);
  });

  it('forgot password: the mailed link sets a new password, and it signs in', async () => {
    const { page } = tab;
    const email = uniqueEmail('forgetful');
    await signUp(page, email);
    await signIn(page, email);
    await heading(page, strings.profile.title).waitFor();
    await button(page, buttons.signOut).click();
    await page.getByRole('link', { name: strings.signIn.forgot }).click();
    await heading(page, strings.forgot.title).waitFor();
    await expectAccessible(page, 'forgot-password');
    await field(page, fields.email).fill(email);
    await button(page, buttons.sendResetLink).click();
    await expectText(page.getByRole('status'), strings.forgot.done(email));

    await page.goto(await mailedLink(email, 'reset-password'));
    await heading(page, strings.reset.title).waitFor();
    await expectAccessible(page, 'reset-password');
    await field(page, fields.newPassword).fill('short');
    await button(page, buttons.setPassword).click();
    await eventually(
      async () => (await field(page, fields.newPassword).getAttribute('aria-invalid')) === 'true',
      'a short password refused',
    );
    await field(page, fields.newPassword).fill('a brand new password');
    await button(page, buttons.setPassword).click();
    await expectText(page.getByRole('status'), strings.reset.done);
    await signIn(page, email, 'a brand new password');
    await heading(page, strings.profile.title).waitFor();
  });

  it('delete my account, confirmed with the password: the account is gone', async () => {
    const { page } = tab;
    const email = await signedUpAndIn(page);
    await page.getByRole('link', { name: strings.nav.deleteAccount }).click();
    await heading(page, strings.deleteAccount.title).waitFor();
    await expectAccessible(page, 'delete-account');
    await field(page, fields.currentPassword).fill(PASSWORD);
    await button(page, buttons.deleteAccount).click();
    await expectText(page.getByRole('status'), strings.deleteAccount.done);
    expect((await stack.call('POST', '/login', { json: { email, password: PASSWORD } })).status).toBe(401);
  });
});

describe('the pages as served', () => {
  it('every page and asset carries the CSP and nosniff; assets are immutable, the HTML no-cache; deep links get the app', async () => {
    const html = await fetch(`${stack.url}/account/two-step`);
    const text = await html.text();
    expect(html.status).toBe(200);
    expect(text).toContain('<div id="app"></div>');
    expect(text).not.toMatch(/<script>|<style|style=/);
    const assets = [...text.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((match) => match[1] ?? '');
    expect(assets.length).toBeGreaterThanOrEqual(3);
    const answers = [
      { response: html, cache: 'no-cache' },
      { response: await fetch(`${stack.url}/account/`), cache: 'no-cache' },
      ...(await Promise.all(assets.map((path) => fetch(`${stack.url}${path}`)))).map((response) => ({
        response,
        cache: 'public, max-age=31536000, immutable',
      })),
    ];
    for (const { response, cache } of answers) {
      expect({
        status: response.status,
        csp: response.headers.get('content-security-policy'),
        nosniff: response.headers.get('x-content-type-options'),
        cache: response.headers.get('cache-control'),
      }).toEqual({
        status: 200,
        csp: "default-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
        nosniff: 'nosniff',
        cache,
      });
    }
    expect((await fetch(`${stack.url}/assets/none-ABCDEFGH.js`)).status).toBe(404);
  });
});

describe('the pages at 375 px, in the dark', () => {
  const fits = async (page: Page) => {
    const overflow = await page.evaluate(
      'document.documentElement.scrollWidth - document.documentElement.clientWidth',
    );
    expect(overflow).toBe(0);
  };

  it('every main page fits a 375 px screen and passes axe in dark mode', async () => {
    const page = await tab.reopen({ width: 375, colorScheme: 'dark' });
    for (const path of [
      '/account/',
      '/account/sign-up',
      '/account/forgot-password',
      '/account/reset-password?token=x',
    ]) {
      await page.goto(`${stack.url}${path}`);
      await page.locator('h1').waitFor();
      await fits(page);
      expect(await axeViolations(page)).toEqual([]);
    }
    await signedUpAndIn(page);
    await screenshot(page, 'profile-375-dark');
    for (const link of [
      strings.nav.profile,
      strings.nav.sessions,
      strings.nav.twoStep,
      strings.nav.deleteAccount,
    ]) {
      await page.getByRole('link', { name: link }).click();
      await page.locator('h1').waitFor();
      await fits(page);
      expect(await axeViolations(page)).toEqual([]);
    }
    await page.getByRole('link', { name: strings.nav.twoStep }).click();
    await button(page, buttons.turnOnTwoStep).click();
    await page.getByRole('img', { name: strings.twoStep.qrLabel }).waitFor();
    await fits(page);
    expect(await axeViolations(page)).toEqual([]);
    await screenshot(page, 'two-step-375-dark');
  });
});
