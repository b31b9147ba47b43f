// The account pages where the API asks for recent authentication and keeps a known device, in
// Chromium against a local stack whose step-up window is zero seconds: every sensitive action
// meets a 403 `reauthentication-required`, and the pages must ask for the password (and a code
// once the account has one) and send the same call again with them.

import { Secret, TOTP } from 'otpauth';
import type { Locator, Page, Request } from 'playwright-core';
import { strings } from '../../pages/src/strings';
import { ADMIN, testStackForThisFile, uniqueEmail } from '../support/stack';
import { axeViolations, browserForThisFile, eventually, expectText } from './browser';

const { fields, buttons } = strings;
const PASSWORD = 'a long enough password';

const stack = testStackForThisFile({ over: 'http', pages: true, reauthMaxAgeSeconds: 0, admin: ADMIN });
const tab = browserForThisFile();

const field = (page: Page, name: string) => page.getByLabel(name, { exact: true }).and(page.locator('input'));
const button = (scope: Page | Locator, name: string) => scope.getByRole('button', { name, exact: true });
const heading = (page: Page, name: string) => page.getByRole('heading', { level: 1, name });
const stepUpPrompt = (page: Page) => page.getByRole('heading', { level: 2, name: strings.stepUp.title });

const signIn = async (page: Page, email: string) => {
  await page.goto(`${stack.url}/account/`);
  await field(page, fields.email).fill(email);
  await field(page, fields.password).fill(PASSWORD);
  await button(page, buttons.signIn).click();
};

const signedUpAndIn = async (page: Page): Promise<string> => {
  const email = uniqueEmail('step-up');
  const created = await stack.call('POST', '/users', { json: { email, name: 'Grace', password: PASSWORD } });
  expect(created.status).toBe(201);
  await signIn(page, email);
  await heading(page, strings.profile.title).waitFor();
  return email;
};

/** The step-up prompt is shown, accessible, and a wrong password is refused beside its field. */
const promptRefusesAWrongPassword = async (page: Page) => {
  await stepUpPrompt(page).waitFor();
  expect(await axeViolations(page)).toEqual([]);
  await field(page, fields.currentPassword).fill('not the password');
  await button(page, buttons.continue).click();
  await eventually(
    async () => (await field(page, fields.currentPassword).getAttribute('aria-invalid')) === 'true',
    'a wrong current password refused beside its field',
  );
};

const loginBodies = (page: Page): Record<string, unknown>[] => {
  const bodies: Record<string, unknown>[] = [];
  page.on('request', (request: Request) => {
    if (request.method() === 'POST' && new URL(request.url()).pathname === '/login')
      bodies.push(JSON.parse(request.postData() ?? '{}') as Record<string, unknown>);
  });
  return bodies;
};

describe('step-up in the account pages', () => {
  it('turning on two-step asks for the password again: a wrong one is shown beside its field, the right one carries on', async () => {
    const { page } = tab;
    await signedUpAndIn(page);
    await page.getByRole('link', { name: strings.nav.twoStep }).click();
    await heading(page, strings.twoStep.title).waitFor();
    await button(page, buttons.turnOnTwoStep).click();

    await promptRefusesAWrongPassword(page);
    await field(page, fields.currentPassword).fill(PASSWORD);
    await button(page, buttons.continue).click();
    await page.getByRole('img', { name: strings.twoStep.qrLabel }).waitFor();
    const secret = (await page.locator('code.secret').textContent()) ?? '';

    // Confirming the factor is sensitive too: the prompt comes back, and the code then binds it.
    await field(page, fields.code).fill(new TOTP({ secret: Secret.fromBase32(secret) }).generate());
    await button(page, buttons.verify).click();
    await stepUpPrompt(page).waitFor();
    await field(page, fields.currentPassword).fill(PASSWORD);
    await button(page, buttons.continue).click();
    await heading(page, strings.twoStep.codesTitle).waitFor();
    expect(await page.locator('.codes code').allTextContents()).toHaveLength(10);
  });

  it('delete my account without the right password does nothing; with it the account is gone', async () => {
    const { page } = tab;
    const email = await signedUpAndIn(page);
    await page.getByRole('link', { name: strings.nav.deleteAccount }).click();
    await heading(page, strings.deleteAccount.title).waitFor();
    await field(page, fields.currentPassword).fill('not the password');
    await button(page, buttons.deleteAccount).click();
    await eventually(
      async () => (await field(page, fields.currentPassword).getAttribute('aria-invalid')) === 'true',
      'a wrong current password refused beside its field',
    );
    expect((await stack.call('POST', '/login', { json: { email, password: PASSWORD } })).status).toBe(200);

    await field(page, fields.currentPassword).fill(PASSWORD);
    await button(page, buttons.deleteAccount).click();
    await expectText(page.getByRole('status'), strings.deleteAccount.done);
    expect((await stack.call('POST', '/login', { json: { email, password: PASSWORD } })).status).toBe(401);
  });
});

describe('step-up in the console', () => {
  it('an admin deleting their own user is asked for the password; a wrong one is refused beside its field, the right one deletes', async () => {
    const { page } = tab;
    const email = uniqueEmail('self-deleting-admin');
    const created = await stack.call('POST', '/users', {
      token: stack.admin.token,
      json: { email, name: 'Ada Admin', password: PASSWORD, role: 'admin' },
    });
    expect(created.status).toBe(201);
    const id = created.body.id as string;
    await page.goto(`${stack.url}/console/users/${id}`);
    await field(page, fields.email).fill(email);
    await field(page, fields.password).fill(PASSWORD);
    await button(page, buttons.signIn).click();
    await heading(page, email).waitFor();

    await button(page, strings.console.user.deleteUser).click();
    await button(
      page.getByRole('group', { name: strings.console.user.deleteUser }),
      strings.console.user.deleteUser,
    ).click();
    await promptRefusesAWrongPassword(page);
    expect((await stack.call('GET', `/users/${id}`, { token: stack.admin.token })).status).toBe(200);

    await field(page, fields.currentPassword).fill(PASSWORD);
    await button(page, buttons.continue).click();
    await expectText(page.getByRole('status'), strings.deleteAccount.done);
    expect((await stack.call('GET', `/users/${id}`, { token: stack.admin.token })).status).toBe(404);
    const trail = await stack.call('GET', `/users/${id}/events?type=user.deleted`, {
      token: stack.admin.token,
    });
    expect((trail.body.items as { actor_id: string }[]).map((event) => event.actor_id)).toEqual([id]);
  });
});

describe('known devices in the account pages', () => {
  it('keeps the device token the API gave and sends it back at the next sign-in for that email only', async () => {
    const { page } = tab;
    const bodies = loginBodies(page);
    const email = await signedUpAndIn(page);
    expect(bodies[0]).not.toHaveProperty('device_token');
    const kept = await page.evaluate(`localStorage.getItem(${JSON.stringify(`device_token:${email}`)})`);
    expect(kept).toMatch(/^[\w-]{40,}$/);

    await button(page, buttons.signOut).click();
    await heading(page, strings.signIn.title).waitFor();
    await signIn(page, email);
    await heading(page, strings.profile.title).waitFor();
    expect(bodies[1]).toMatchObject({ email, device_token: kept });

    // Another account signing in on this browser does not present this account's device.
    await button(page, buttons.signOut).click();
    await heading(page, strings.signIn.title).waitFor();
    const other = uniqueEmail('step-up-other');
    await stack.call('POST', '/users', { json: { email: other, name: 'Other', password: PASSWORD } });
    await signIn(page, other);
    await heading(page, strings.profile.title).waitFor();
    expect(bodies[2]).not.toHaveProperty('device_token');
  });
});
