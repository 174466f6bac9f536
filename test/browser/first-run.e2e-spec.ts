import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { ManualClock } from '@pat/shared';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startPrintingOneTimePassword } from '../support/printed-password';
import { ADMIN, API, signIn, type TestApp } from '../support/test-app';

/**
 * Issue 15 in the browser: the first sign-in with the printed one-time password asks for a new
 * password before anything else, then the tokens page shows.
 */

const CHROMIUM = '/usr/bin/chromium';
const WEB_BUILD = join(__dirname, '..', '..', 'dist', 'web', 'index.html');
const NEW_PASSWORD = 'my-own-admin-password';

describe('web UI: first sign-in with the one-time password (headless Chromium)', () => {
  let t: TestApp;
  let browser: Browser;
  let origin: string;
  let oneTime: string;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(`Chromium is missing at ${CHROMIUM} (apt-get install -y chromium).`);
    }
    if (!existsSync(WEB_BUILD)) {
      throw new Error(`The web UI is not built (${WEB_BUILD} is missing): run npm run build:web.`);
    }
    // The browser runs on the real clock, so the app does too (session cookie expiry).
    const started = await startPrintingOneTimePassword({ clock: new ManualClock(new Date()) });
    t = started.t;
    if (!started.oneTimePassword) throw new Error(`nothing printed: ${started.printed}`);
    oneTime = started.oneTimePassword;
    await t.app.listen(0, '127.0.0.1');
    origin = `http://127.0.0.1:${(t.app.getHttpServer().address() as AddressInfo).port}`;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless=new', '--no-sandbox', '--disable-gpu', '--no-first-run'],
    });
  });

  afterAll(async () => {
    await browser?.close();
    await t?.dispose();
  });

  async function signInPage(password: string): Promise<Page> {
    const context = await browser.newContext({ locale: 'en-US', timezoneId: 'UTC' });
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    await page.goto(`${origin}/`);
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await page.getByLabel('Username').fill(ADMIN.username);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    return page;
  }

  it('asks for a new password first, then shows the tokens page', async () => {
    const page = await signInPage(oneTime);
    await page.getByRole('heading', { name: 'Set a new password' }).waitFor();
    // Nothing of the normal UI yet.
    expect(await page.getByRole('heading', { name: 'Personal access tokens' }).count()).toBe(0);

    await page.getByLabel('One-time password').fill(oneTime);
    await page.getByLabel('New password', { exact: true }).fill(NEW_PASSWORD);
    await page.getByLabel('Repeat the new password').fill('something-else-1');
    await page.getByRole('button', { name: 'Set new password' }).click();
    await page.getByText('The new passwords do not match').waitFor();

    await page.getByLabel('Repeat the new password').fill(NEW_PASSWORD);
    await page.getByRole('button', { name: 'Set new password' }).click();
    await page.getByRole('heading', { name: 'Personal access tokens' }).waitFor();

    // For good: a reload, and a fresh sign-in with the new password, go straight to the tokens.
    await page.reload();
    await page.getByRole('heading', { name: 'Personal access tokens' }).waitFor();
    await page.context().close();
    const again = await signInPage(NEW_PASSWORD);
    await again.getByRole('heading', { name: 'Personal access tokens' }).waitFor();
    await again.context().close();
    const me = await t
      .http()
      .get(`${API}/me`)
      .set('Cookie', await signIn(t, ADMIN.username, NEW_PASSWORD));
    expect(me.body.passwordChangeRequired).toBe(false);
  }, 60_000);
});
