import { existsSync, mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { ManualClock } from '@pat/shared';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import {
  ADMIN,
  API,
  bearer,
  createToken,
  createUser,
  signIn,
  startTestApp,
  type TestApp,
} from '../support/test-app';

/**
 * The web UI in headless Chromium (Debian's package, driven by playwright-core) against the real
 * app on a loopback port. Controls are found by role and label only, as a person finds them.
 */

const CHROMIUM = '/usr/bin/chromium';
const ROOT = join(__dirname, '..', '..');
const WEB_BUILD = join(ROOT, 'dist', 'web', 'index.html');
const SCREENSHOTS = join(ROOT, 'test-output', 'screenshots');

const BOB = { username: 'bob', password: 'bob-password-1' };

describe('web UI (headless Chromium)', () => {
  let t: TestApp;
  let browser: Browser;
  let origin: string;
  let adminCookie: string;
  let bob: { id: string; cookie: string };
  /** Every URL any page asked for, per context, to prove nothing leaves the app's origin. */
  const requested = new Map<BrowserContext, string[]>();

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(
        `Chromium is missing at ${CHROMIUM}: the browser tests need Debian's chromium package ` +
          '(apt-get install -y chromium).',
      );
    }
    if (!existsSync(WEB_BUILD)) {
      throw new Error(`The web UI is not built (${WEB_BUILD} is missing): run npm run build:web.`);
    }
    mkdirSync(SCREENSHOTS, { recursive: true });
    // The browser runs on the real clock: so does the app, or a session cookie stamped with a
    // fixed past date would expire on arrival and the date picker's bounds would not match.
    t = await startTestApp({ clock: new ManualClock(new Date()) });
    await t.app.listen(0, '127.0.0.1');
    const { port } = t.app.getHttpServer().address() as AddressInfo;
    origin = `http://127.0.0.1:${port}`;
    adminCookie = await signIn(t);
    bob = await createUser(t, adminCookie, BOB);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless=new',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  });

  afterAll(async () => {
    await browser?.close();
    await t?.dispose();
  });

  async function newPage(): Promise<Page> {
    const context = await browser.newContext({
      viewport: { width: 1280, height: 800 },
      locale: 'en-US',
      timezoneId: 'UTC',
    });
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin });
    const urls: string[] = [];
    requested.set(context, urls);
    context.on('request', (request) => urls.push(request.url()));
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    return page;
  }

  async function signInAs(page: Page, user: { username: string; password: string }) {
    await page.goto(`${origin}/`);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await page.getByLabel('Username').fill(user.username);
    await page.getByLabel('Password').fill(user.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Personal access tokens' }).waitFor();
  }

  /** Everything the page loaded came from the app itself: no CDN, no fonts, no beacons. */
  async function expectOnlySameOrigin(page: Page) {
    const urls = requested.get(page.context()) ?? [];
    await page.context().close();
    expect(urls.length).toBeGreaterThan(3);
    expect(urls.filter((url) => !url.startsWith(`${origin}/`))).toEqual([]);
  }

  const shot = (page: Page, name: string) =>
    page.screenshot({ path: join(SCREENSHOTS, `${name}.png`) });

  const callMe = (token: string) => fetch(`${origin}${API}/me`, { headers: bearer(token) });

  it('creates a token with a preset, shows it once with a working copy button, and revokes it', async () => {
    // Some history for the list: a token capped by a later policy, one used, one revoked.
    await createToken(t, adminCookie, { name: 'nightly-backup', expiresInDays: 365 });
    const used = await createToken(t, adminCookie, { name: 'local-dev', expiresInDays: 5 });
    expect((await callMe(used.token)).status).toBe(200);
    const old = await createToken(t, adminCookie, { name: 'analytics-export', expiresInDays: 90 });
    await t.http().post(`${API}/me/tokens/${old.id}/revoke`).set('Cookie', adminCookie).expect(200);
    await t
      .http()
      .put(`${API}/admin/token-policy`)
      .set('Cookie', adminCookie)
      .send({ maxLifetimeDays: 180 })
      .expect(200);

    const page = await newPage();
    await signInAs(page, ADMIN);
    const capped = page.getByRole('row', { name: /nightly-backup/ });
    await capped.getByText(/Capped by policy/).waitFor();
    await page
      .getByRole('row', { name: /local-dev/ })
      .getByText('Expires soon')
      .waitFor();

    await page.getByRole('button', { name: 'Create token' }).click();
    const dialog = page.getByRole('dialog', { name: 'Create a personal access token' });
    await dialog.getByLabel('Name', { exact: true }).fill('ci-deploy');
    const presets = await dialog.getByLabel('Expires in').locator('option').allTextContents();
    expect(presets).toEqual([
      '7 days',
      '30 days',
      '60 days',
      '90 days',
      '180 days',
      'Custom date…',
    ]);
    await dialog.getByLabel('Expires in').selectOption({ label: '30 days' });
    await shot(page, 'create-token-dialog');
    await dialog.getByRole('button', { name: 'Create token' }).click();
    await dialog.waitFor({ state: 'hidden' });

    // Shown once, with a copy button that really puts it on the clipboard.
    const panel = page.getByRole('region', { name: 'Copy your new token' });
    await panel.getByText("you won't be able to see it again").waitFor();
    const token = await panel.getByLabel('New token ci-deploy').inputValue();
    expect(token).toMatch(/^tgp_[0-9A-Za-z]{36}$/);
    await panel.getByRole('button', { name: 'Copy token' }).click();
    await panel.getByText('Token copied to the clipboard.').waitFor();
    expect(await page.evaluate('navigator.clipboard.readText()')).toBe(token);
    await shot(page, 'token-created-once');

    const response = await callMe(token);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ username: ADMIN.username, authMethod: 'token' });

    await panel.getByRole('button', { name: 'Done' }).click();
    await panel.waitFor({ state: 'detached' });
    expect(await page.content()).not.toContain(token);

    // Revoke through the confirmation dialog: the row changes in place, no reload.
    await page.evaluate('window.__stillTheSamePage = true');
    await page.getByRole('button', { name: 'Revoke token ci-deploy' }).click();
    const confirm = page.getByRole('dialog', { name: 'Revoke token “ci-deploy”?' });
    await confirm.waitFor();
    // The safe choice has focus: Enter right away would cancel, not revoke.
    expect(await page.evaluate('document.activeElement?.textContent')).toBe('Cancel');
    await confirm.getByRole('button', { name: 'Revoke token', exact: true }).click();
    await confirm.waitFor({ state: 'detached' });
    const row = page.getByRole('row', { name: /ci-deploy/ });
    await row.getByText('Revoked', { exact: true }).first().waitFor();
    expect(await row.getByText('Active', { exact: true }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Revoke token ci-deploy' }).count()).toBe(0);
    expect(await page.evaluate('window.__stillTheSamePage')).toBe(true);
    await page.mouse.move(0, 0);
    await shot(page, 'token-list');

    const refused = await callMe(token);
    expect(refused.status).toBe(401);
    expect(refused.headers.get('www-authenticate')).toContain('revoked');

    await expectOnlySameOrigin(page);
  });

  it('refuses a custom date beyond the maximum with the API message next to the field', async () => {
    await t
      .http()
      .put(`${API}/admin/token-policy`)
      .set('Cookie', adminCookie)
      .send({ maxLifetimeDays: 180 })
      .expect(200);
    const page = await newPage();
    await signInAs(page, ADMIN);

    const create = page.getByRole('button', { name: 'Create token' });
    await create.click();
    const dialog = page.getByRole('dialog', { name: 'Create a personal access token' });
    await dialog.getByLabel('Name', { exact: true }).fill('too-long');
    await dialog.getByLabel('Expires in').selectOption({ label: 'Custom date…' });
    const date = dialog.getByLabel('Expiry date');

    // The picker is bounded by the policy (tomorrow … today + 180 days)…
    const max = await date.getAttribute('max');
    const min = await date.getAttribute('min');
    const daysAhead = (day: string | null) =>
      Math.round((Date.parse(`${day}T12:00:00Z`) - Date.now()) / 86_400_000);
    expect(Math.abs(daysAhead(max) - 180)).toBeLessThanOrEqual(1);
    expect(Math.abs(daysAhead(min) - 1)).toBeLessThanOrEqual(1);

    // …but a typed date still reaches the API, whose refusal is shown at the field.
    const tooFar = new Date(Date.now() + 200 * 86_400_000).toISOString().slice(0, 10);
    await date.fill(tooFar);
    await dialog.getByRole('button', { name: 'Create token' }).click();
    await dialog
      .getByText('Expiry date must not exceed the maximum lifetime of 180 days', { exact: true })
      .waitFor();
    expect(await date.getAttribute('aria-invalid')).toBe('true');
    await shot(page, 'create-token-refused');

    // Escape closes the dialog and gives focus back to the button that opened it.
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    // Focus comes back in the dialog's cleanup, which may run just after it is detached.
    await page.waitForFunction("document.activeElement?.textContent === 'Create token'", null, {
      timeout: 5_000,
    });
    expect(await page.evaluate('document.activeElement?.textContent')).toBe('Create token');

    const mine = await t.http().get(`${API}/me/tokens`).set('Cookie', adminCookie).expect(200);
    expect(mine.body.map((token: { name: string }) => token.name)).not.toContain('too-long');
    await t
      .http()
      .put(`${API}/admin/token-policy`)
      .set('Cookie', adminCookie)
      .send({ maxLifetimeDays: 365 })
      .expect(200);
    await expectOnlySameOrigin(page);
  });

  it('shows a non-admin no admin navigation, and "no access" at an admin URL', async () => {
    const page = await newPage();
    await signInAs(page, BOB);
    await page.getByText('No tokens yet').waitFor();
    await page.getByRole('link', { name: 'Projects' }).waitFor();
    expect(await page.getByRole('link', { name: 'Users' }).count()).toBe(0);
    expect(await page.getByRole('link', { name: 'Token policy' }).count()).toBe(0);
    expect(await page.getByText('Administration').count()).toBe(0);
    await shot(page, 'token-list-empty');

    const answer = page.waitForResponse((r) => r.url().endsWith(`${API}/admin/users`));
    await page.goto(`${origin}/#/admin/users`);
    expect((await answer).status()).toBe(403);
    await page.getByRole('heading', { name: "You don't have access" }).waitFor();
    await shot(page, 'no-access');

    await page.getByRole('link', { name: /Account settings/ }).click();
    await page.getByRole('heading', { name: 'Your details' }).waitFor();
    await shot(page, 'profile');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await shot(page, 'sign-in');
    await expectOnlySameOrigin(page);
  });

  it('lets an administrator manage users, their tokens, projects and the policy', async () => {
    const bobs = await createToken(t, bob.cookie, { name: 'bob-laptop', expiresInDays: 30 });
    const page = await newPage();
    await signInAs(page, ADMIN);

    // Users: create one through the dialog.
    await page.getByRole('link', { name: 'Users' }).click();
    await page.getByRole('heading', { name: 'Users', level: 1 }).waitFor();
    await page.getByRole('button', { name: 'New user' }).click();
    const newUser = page.getByRole('dialog', { name: 'New user' });
    await newUser.getByLabel('Username').fill('carol');
    await newUser.getByLabel('Password').fill('short');
    await newUser.getByRole('button', { name: 'Create user' }).click();
    await newUser.getByText('Password must be 8 to 256 characters without spaces').waitFor();
    await newUser.getByLabel('Password').fill('carol-password-1');
    await newUser.getByLabel('Name (optional)').fill('Carol Danvers');
    await newUser.getByLabel('Auditor').check();
    await newUser.getByRole('button', { name: 'Create user' }).click();
    await newUser.waitFor({ state: 'detached' });
    await page.getByRole('row', { name: /carol/ }).getByText('Auditor').waitFor();
    await page.mouse.move(0, 0);
    await shot(page, 'admin-users');

    // Another user's tokens, revoked by the administrator.
    await page.getByRole('link', { name: 'bob' }).click();
    await page.getByRole('heading', { name: 'bob', level: 1 }).waitFor();
    await page.getByRole('button', { name: 'Revoke token bob-laptop' }).click();
    await page
      .getByRole('dialog', { name: 'Revoke token “bob-laptop”?' })
      .getByRole('button', { name: 'Revoke token', exact: true })
      .click();
    await page
      .getByRole('row', { name: /bob-laptop/ })
      .getByText('Revoked', { exact: true })
      .first()
      .waitFor();
    expect((await callMe(bobs.token)).status).toBe(401);
    await page.mouse.move(0, 0);
    await shot(page, 'admin-user');

    // Projects and members with roles.
    await page.getByRole('link', { name: 'All projects' }).click();
    await page.getByRole('button', { name: 'New project' }).click();
    const newProject = page.getByRole('dialog', { name: 'New project' });
    await newProject.getByLabel('Project name').fill('Forecasting');
    await newProject.getByRole('button', { name: 'Create project' }).click();
    await page.getByRole('link', { name: 'Forecasting' }).click();
    await page.getByRole('heading', { name: 'Forecasting', level: 1 }).waitFor();
    await page.getByLabel('User', { exact: true }).selectOption({ label: 'bob' });
    await page.getByLabel('Role', { exact: true }).selectOption({ label: 'Data quality' });
    await page.getByRole('button', { name: 'Add member' }).click();
    const role = page.getByLabel('Role of bob');
    await role.waitFor();
    expect(await role.inputValue()).toBe('data_quality');
    await role.selectOption({ label: 'Analyst' });
    await page.getByText('bob is now Analyst').waitFor();
    const project = await t.http().get(`${API}/projects`).set('Cookie', bob.cookie).expect(200);
    expect(project.body).toEqual([
      expect.objectContaining({ name: 'Forecasting', role: 'analyst' }),
    ]);
    await page.mouse.move(0, 0);
    await shot(page, 'admin-project');

    // The token policy.
    await page.getByRole('link', { name: 'Token policy' }).click();
    const maximum = page.getByLabel('Maximum lifetime (days)');
    await maximum.fill('5000');
    await page.getByRole('button', { name: 'Save policy' }).click();
    await page.getByText('Maximum lifetime must be a whole number from 1 to 3650').waitFor();
    await maximum.fill('90');
    await page.getByRole('button', { name: 'Save policy' }).click();
    await page.getByText('Maximum lifetime set to 90 days').waitFor();
    const policy = await t.http().get(`${API}/token-policy`).set('Cookie', adminCookie);
    expect(policy.body).toEqual({ maxLifetimeDays: 90, presets: [7, 30, 60, 90] });

    // Deleting a user, confirmed.
    await page.getByRole('link', { name: 'Users' }).click();
    await page.getByRole('button', { name: 'Delete user carol' }).click();
    await page
      .getByRole('dialog', { name: 'Delete user carol?' })
      .getByRole('button', { name: 'Delete user' })
      .click();
    await page.getByRole('row', { name: /carol/ }).waitFor({ state: 'detached' });

    await t
      .http()
      .put(`${API}/admin/token-policy`)
      .set('Cookie', adminCookie)
      .send({ maxLifetimeDays: 365 })
      .expect(200);
    await expectOnlySameOrigin(page);
  });
});
