// The admin console in Chromium, against the local stack: a non-admin is refused and sees no data;
// an admin finds a user by the start of their email, disables and enables them, ends their
// sessions, mails a reset, removes their second factor, edits and deletes them, creates a user, and
// reads the trail — each checked through the API afterwards (the actor of every event is the admin).
import { Secret, TOTP } from 'otpauth';
import type { Locator, Page } from 'playwright-core';
import { strings } from '../../pages/src/strings';
import { ADMIN, testStackForThisFile, uniqueEmail } from '../support/stack';
import { axeViolations, browserForThisFile, eventually, expectText, screenshot } from './browser';

const { fields, buttons } = strings;
const t = strings.console;

const stack = testStackForThisFile({ over: 'http', pages: true, admin: ADMIN });
const tab = browserForThisFile();

const field = (scope: Page | Locator, name: string) =>
  scope.getByLabel(name, { exact: true }).and(scope.locator('input, select'));
const button = (scope: Page | Locator, name: string) => scope.getByRole('button', { name, exact: true });
const heading = (page: Page, name: string) => page.getByRole('heading', { level: 1, name });

const expectAccessible = async (page: Page, name: string) => {
  await screenshot(page, `console-${name}`);
  expect(await axeViolations(page)).toEqual([]);
};

const signIn = async (page: Page, email: string, password: string, path = '/console/') => {
  await page.goto(`${stack.url}${path}`);
  await field(page, fields.email).fill(email);
  await field(page, fields.password).fill(password);
  await button(page, buttons.signIn).click();
};

const signInAsAdmin = async (page: Page, path?: string) => {
  await signIn(page, ADMIN.email, ADMIN.password, path);
};

/** Presses an action that asks first, then confirms it inside its question. */
const confirm = async (page: Page, action: string) => {
  await button(page, action).click();
  await button(page.getByRole('group', { name: action }), action).click();
};

const eventsOf = async (userId: string, type: string) => {
  const answer = await stack.call('GET', `/users/${userId}/events?type=${type}`, {
    token: stack.admin.token,
  });
  return answer.body.items as { actor_id: string | null }[];
};

describe('the console', () => {
  it('tells a non-admin so, and asks the API for no data', async () => {
    const { page } = tab;
    const user = await stack.signUp('plain');
    const asked: string[] = [];
    page.on('request', (request) => {
      const path = new URL(request.url()).pathname;
      if (path === '/users' || path === '/events' || path.startsWith('/users/')) asked.push(path);
    });
    await signIn(page, user.email, user.password);
    await heading(page, t.notAdmin.title).waitFor();
    await expectAccessible(page, 'not-admin');
    expect(asked).toEqual([]);
  });

  it('finds a user by the start of their email, keeps the filter in the URL across a reload, disables and enables them', async () => {
    const { page } = tab;
    const user = await stack.signUp({ email: uniqueEmail('findme'), name: 'Find Me' });
    await signInAsAdmin(page);
    await heading(page, t.users.title).waitFor();
    await expectAccessible(page, 'users');
    await field(page, t.users.emailPrefix).fill(user.email.slice(0, 16));
    await button(page, t.users.search).click();
    await eventually(
      async () => new URL(page.url()).searchParams.get('email_prefix') === user.email.slice(0, 16),
      'the filter in the URL',
    );
    await page.reload();
    const link = page.getByRole('link', { name: user.email });
    await link.waitFor();
    expect(await page.locator('tbody tr').count()).toBe(1);
    await link.click();
    await heading(page, user.email).waitFor();
    await expectAccessible(page, 'user');

    await confirm(page, buttons.disableUser);
    await expectText(page.getByRole('status'), t.user.disabled);
    const refused = await stack.call('POST', '/login', {
      json: { email: user.email, password: user.password },
    });
    expect(refused.status).toBe(403);
    await page
      .getByRole('cell', { name: 'user.disabled' })
      .or(page.getByRole('rowheader', { name: 'user.disabled' }))
      .first()
      .waitFor();
    expect((await eventsOf(user.id, 'user.disabled')).map((event) => event.actor_id)).toEqual([
      stack.admin.id,
    ]);

    await page.reload();
    await heading(page, user.email).waitFor();
    await confirm(page, buttons.enableUser);
    await expectText(page.getByRole('status'), t.user.enabled);
    expect(
      (await stack.call('POST', '/login', { json: { email: user.email, password: user.password } })).status,
    ).toBe(200);
  });

  it('ends one session and then all of them, mails a reset, removes the second factor, edits and deletes the user', async () => {
    const { page } = tab;
    const user = await stack.signUp('managed');
    const enrolment = await stack.call('POST', `/users/${user.id}/mfa/totp`, { token: user.token });
    const totp = new TOTP({ secret: Secret.fromBase32(enrolment.body.secret) });
    expect(
      (
        await stack.call('POST', `/users/${user.id}/mfa/totp/verify`, {
          token: user.token,
          json: { code: totp.generate() },
        })
      ).status,
    ).toBe(200);
    const second = await stack.call('POST', '/login', {
      json: { email: user.email, password: user.password },
    });
    expect(second.body.mfa_required).toBe(true);
    const session = await stack.call('POST', '/login/mfa', {
      json: { mfa_token: second.body.mfa_token, code: totp.generate({ timestamp: Date.now() + 30_000 }) },
    });
    expect(session.status).toBe(200);

    await signInAsAdmin(page, `/console/users/${user.id}`);
    await heading(page, user.email).waitFor();
    await button(page, buttons.revoke).first().click();
    await expectText(page.getByRole('status'), t.user.sessionRevoked);
    await confirm(page, buttons.signOutEverywhere);
    await expectText(page.getByRole('status'), t.user.signedOut);
    expect(
      (await stack.call('POST', '/refresh', { json: { refresh_token: session.body.refresh_token } })).status,
    ).toBe(401);

    await confirm(page, t.user.sendReset);
    await expectText(page.getByRole('status'), t.user.resetSent);
    await confirm(page, t.user.removeFactor);
    await expectText(page.getByRole('status'), t.user.factorRemoved);
    const read = await stack.call('GET', `/users/${user.id}`, { token: stack.admin.token });
    expect(read.body.mfa_enabled).toBe(false);
    expect((await eventsOf(user.id, 'mfa.removed')).map((event) => event.actor_id)).toEqual([stack.admin.id]);

    const details = page.getByRole('form', { name: t.user.fieldsTitle });
    await field(details, fields.name).fill('Renamed By Admin');
    await field(details, t.users.role).selectOption('admin');
    await button(details, buttons.save).click();
    await expectText(details.getByRole('status'), strings.saved);
    const edited = await stack.call('GET', `/users/${user.id}`, { token: stack.admin.token });
    expect(edited.body).toMatchObject({ name: 'Renamed By Admin', role: 'admin' });

    await confirm(page, t.user.deleteUser);
    await heading(page, t.users.title).waitFor();
    expect((await stack.call('GET', `/users/${user.id}`, { token: stack.admin.token })).status).toBe(404);
  });

  it('creates a user with a role, and reads the trail filtered by type and user, linking to the user', async () => {
    const { page } = tab;
    await signInAsAdmin(page, '/console/users/new');
    await heading(page, t.newUser.title).waitFor();
    await expectAccessible(page, 'new-user');
    const email = uniqueEmail('created');
    await field(page, fields.name).fill('Made Here');
    await field(page, fields.email).fill(email);
    await field(page, fields.password).fill('a password for the new one');
    await field(page, t.users.role).selectOption('admin');
    await button(page, t.newUser.create).click();
    await heading(page, email).waitFor();
    const id = new URL(page.url()).pathname.split('/').pop() ?? '';
    const created = await stack.call('GET', `/users/${id}`, { token: stack.admin.token });
    expect(created.body).toMatchObject({ email, role: 'admin' });

    await page.getByRole('link', { name: t.events.title, exact: true }).click();
    await heading(page, t.events.title).waitFor();
    await field(page, t.events.type).fill('user.created');
    // By email: the console finds the id; the URL keeps what the admin typed.
    await field(page, t.events.user).fill(email.toUpperCase());
    await button(page, t.users.search).click();
    await eventually(async () => (await page.locator('tbody tr').count()) === 1, 'one user.created event');
    expect(new URL(page.url()).searchParams.get('user')).toBe(email.toUpperCase());
    await expectAccessible(page, 'events');
    const row = page.locator('tbody tr');
    // The user and the actor are named by their email, each a link to their page.
    await row.getByRole('link', { name: ADMIN.email }).waitFor();
    await page.reload();
    await row.getByRole('link', { name: email }).click();
    await heading(page, email).waitFor();
  });

  it('filters the trail by its actor, and says beside the field when an email names nobody', async () => {
    const { page } = tab;
    const target = await stack.signUp('acted-on');
    const updated = await stack.call('PATCH', `/users/${target.id}`, {
      token: stack.admin.token,
      json: { name: 'Changed By The Admin' },
    });
    expect(updated.status).toBe(200);
    await signInAsAdmin(page, `/console/events?type=user.updated&actor=${encodeURIComponent(ADMIN.email)}`);
    await heading(page, t.events.title).waitFor();
    await page.locator('tbody tr').getByRole('link', { name: target.email }).first().waitFor();
    const rows = page.locator('tbody tr');
    for (const actor of await rows.locator('td:nth-child(5)').allTextContents())
      expect(actor).toBe(ADMIN.email);

    await field(page, t.events.actor).fill(uniqueEmail('nobody'));
    await button(page, t.users.search).click();
    const actor = field(page, t.events.actor);
    await eventually(
      async () => (await actor.getAttribute('aria-invalid')) === 'true',
      'the actor field marked',
    );
    const describedBy = (await actor.getAttribute('aria-describedby')) ?? '';
    await expectText(page.locator(`[id="${describedBy.split(' ').pop()}"]`), t.events.unknownUser);
    expect(await page.locator('tbody tr').count()).toBe(0);
    await expectAccessible(page, 'events-unknown-actor');

    await actor.fill('not-an-id');
    await button(page, t.users.search).click();
    await expectText(page.locator(`[id="${describedBy.split(' ').pop()}"]`), t.events.notEmailOrId);
  });

  it("pages through a user's events, newest first, without losing the first page", async () => {
    const { page } = tab;
    const user = await stack.signUp('busy');
    for (let index = 1; index <= 30; index += 1) {
      const renamed = await stack.call('PATCH', `/users/${user.id}`, {
        token: stack.admin.token,
        json: { name: `Name ${index}` },
      });
      expect(renamed.status).toBe(200);
    }
    const all = await stack.call('GET', `/users/${user.id}/events?limit=100`, { token: stack.admin.token });
    const trail = all.body.items as { type: string; at: string }[];
    expect(trail.length).toBeGreaterThan(30);

    await signInAsAdmin(page, `/console/users/${user.id}`);
    await heading(page, user.email).waitFor();
    const events = page.getByRole('region', { name: t.user.eventsTitle }).locator('tbody tr');
    await eventually(async () => (await events.count()) === 25, 'the first 25 events');
    await button(page, t.user.olderEvents).click();
    await eventually(async () => (await events.count()) === trail.length, 'every event');
    expect(await events.locator('th').allTextContents()).toEqual(trail.map((event) => event.type));
    expect(await button(page, t.user.olderEvents).count()).toBe(0);
  });
});

describe('the console at 375 px, in the dark', () => {
  it('the users, a user and the events fit a 375 px screen and pass axe', async () => {
    const page = await tab.reopen({ width: 375, colorScheme: 'dark' });
    const user = await stack.signUp('narrow');
    await signInAsAdmin(page);
    await heading(page, t.users.title).waitFor();
    for (const path of [
      '/console/users',
      `/console/users/${user.id}`,
      '/console/events',
      '/console/users/new',
    ]) {
      await page.goto(`${stack.url}${path}`);
      await page.locator('h1').waitFor();
      await page
        .getByRole('status')
        .filter({ hasText: strings.status.loading })
        .waitFor({ state: 'detached' });
      const overflow = await page.evaluate(
        'document.documentElement.scrollWidth - document.documentElement.clientWidth',
      );
      expect({ path, overflow }).toEqual({ path, overflow: 0 });
      expect(await axeViolations(page)).toEqual([]);
    }
    await page.goto(`${stack.url}/console/users/${user.id}`);
    await heading(page, user.email).waitFor();
    await screenshot(page, 'console-user-375-dark');
  });
});
