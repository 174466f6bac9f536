import { existsSync, mkdirSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { ManualClock } from '@pat/shared';
import { chromium, type Browser, type Page } from 'playwright-core';
import { ADMIN, API, createUser, signIn, startTestApp, type TestApp } from '../support/test-app';

/**
 * docs/design/contract.md §10 in the web UI: an administrator whose session has not proven its
 * password within the re-authentication window is asked for it before an account change, and the
 * change then goes through. Headless Chromium as in web-ui.e2e-spec.ts, on a file of its own.
 */

const CHROMIUM = '/usr/bin/chromium';
const ROOT = join(__dirname, '..', '..');
const WEB_BUILD = join(ROOT, 'dist', 'web', 'index.html');
const SCREENSHOTS = join(ROOT, 'test-output', 'screenshots');
const MINUTE = 60_000;

describe('web UI: confirming the password before an account change (headless Chromium)', () => {
  let t: TestApp;
  let browser: Browser;
  let origin: string;
  let erin: { id: string };

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(`Chromium is missing at ${CHROMIUM} (apt-get install -y chromium).`);
    }
    if (!existsSync(WEB_BUILD)) {
      throw new Error(`The web UI is not built (${WEB_BUILD} is missing): run npm run build:web.`);
    }
    mkdirSync(SCREENSHOTS, { recursive: true });
    // The real time as the start, as in web-ui.e2e-spec.ts (the browser judges cookie expiry).
    t = await startTestApp({ clock: new ManualClock(new Date()) });
    await t.app.listen(0, '127.0.0.1');
    const { port } = t.app.getHttpServer().address() as AddressInfo;
    origin = `http://127.0.0.1:${port}`;
    erin = await createUser(t, await signIn(t), { username: 'erin', password: 'erin-password-1' });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--no-first-run'],
    });
  });

  afterAll(async () => {
    await browser?.close();
    await t?.dispose();
  });

  async function signedInPage(): Promise<Page> {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    await page.goto(`${origin}/`);
    await page.getByLabel('Username').fill(ADMIN.username);
    await page.getByLabel('Password').fill(ADMIN.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Personal access tokens' }).waitFor();
    return page;
  }

  /** What the API says now, through a session of its own. */
  const usersNow = async () => {
    const cookie = await signIn(t);
    const response = await t.http().get(`${API}/admin/users`).set('Cookie', cookie).expect(200);
    return response.body as { id: string; username: string; isAuditor: boolean }[];
  };

  it('asks a stale session for the password, refuses a wrong one, then creates the user', async () => {
    const page = await signedInPage();
    t.clock.advance(t.config.reauthWindowMs + MINUTE);

    await page.getByRole('link', { name: 'Users' }).click();
    await page.getByRole('button', { name: 'New user' }).click();
    const newUser = page.getByRole('dialog', { name: 'New user' });
    await newUser.getByLabel('Username').fill('frank');
    await newUser.getByLabel('Password').fill('frank-password-1');
    await newUser.getByRole('button', { name: 'Create user' }).click();

    const prompt = page.getByRole('dialog', { name: 'Confirm your password to continue' });
    await prompt.waitFor();
    await prompt.getByLabel('Your password').fill('not-my-password');
    await prompt.getByRole('button', { name: 'Confirm' }).click();
    await prompt.getByText('The password is not correct').waitFor();
    expect((await usersNow()).map((u) => u.username)).not.toContain('frank');
    await page.screenshot({ path: join(SCREENSHOTS, 'reauthenticate-wrong-password.png') });

    await prompt.getByLabel('Your password').fill(ADMIN.password);
    await prompt.getByRole('button', { name: 'Confirm' }).click();
    await prompt.waitFor({ state: 'detached' });
    await newUser.waitFor({ state: 'detached' });
    await page.getByRole('row', { name: /frank/ }).waitFor();
    expect((await usersNow()).map((u) => u.username)).toContain('frank');
    await page.context().close();
  });

  it('asks again once the window passed, and a cancelled prompt changes nothing', async () => {
    const page = await signedInPage();
    t.clock.advance(t.config.reauthWindowMs + MINUTE);
    await page.goto(`${origin}/#/admin/users/${erin.id}`);
    await page.getByRole('heading', { name: 'erin', level: 1 }).waitFor();
    await page.getByLabel('Auditor').check();
    await page.getByRole('button', { name: 'Save changes' }).click();

    const prompt = page.getByRole('dialog', { name: 'Confirm your password to continue' });
    await prompt.waitFor();
    await prompt.getByRole('button', { name: 'Cancel' }).click();
    await prompt.waitFor({ state: 'detached' });
    await page
      .getByText('Confirm your password (POST /api/v1/session/confirm) to do this')
      .waitFor();
    expect((await usersNow()).find((u) => u.id === erin.id)?.isAuditor).toBe(false);

    await page.getByRole('button', { name: 'Save changes' }).click();
    await prompt.waitFor();
    await prompt.getByLabel('Your password').fill(ADMIN.password);
    await prompt.getByRole('button', { name: 'Confirm' }).click();
    await prompt.waitFor({ state: 'detached' });
    await page.getByText('Saved erin').waitFor();
    expect((await usersNow()).find((u) => u.id === erin.id)?.isAuditor).toBe(true);
    await page.context().close();
  });

  it('changes your own password under Account settings, ending your other sessions', async () => {
    const other = await signIn(t);
    const page = await signedInPage();
    await page.goto(`${origin}/#/account`);
    const card = page.getByRole('region', { name: 'Change password' });
    await card.getByLabel('Current password').fill('wrong-password-1');
    await card.getByLabel('New password', { exact: true }).fill('admin-password-2');
    await card.getByLabel('Repeat the new password').fill('admin-password-2');
    await card.getByRole('button', { name: 'Change password' }).click();
    await card.getByText('The password is not correct').waitFor();

    await card.getByLabel('Current password').fill(ADMIN.password);
    await card.getByRole('button', { name: 'Change password' }).click();
    await page.getByText('Password changed. Your other sessions were signed out.').waitFor();
    await t.http().get(`${API}/me`).set('Cookie', other).expect(401);
    await signIn(t, ADMIN.username, 'admin-password-2');
    // This browser's session goes on.
    await page.getByRole('link', { name: 'Users' }).click();
    await page.getByRole('row', { name: /erin/ }).waitFor();
    await page.context().close();
  });
});
