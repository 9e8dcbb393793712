import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect, test } from '@playwright/test';
import { appUrl, checkAppPage, fillSignUp, newAppUser, signInToApp } from '../support/app.ts';
import { stack } from '../support/stack.ts';

/** The web app's own account journeys: sign up, sign out, sign in, in Chromium against the real server. */
test.describe.configure({ mode: 'serial' });

const user = newAppUser('Web Owner');

test('a visitor signs up and lands on an empty Sites screen that says what to do next', async ({ page }, testInfo) => {
  await page.goto(appUrl('/'));
  await expect(page).toHaveURL(/\/app\/sign-in$/);
  await checkAppPage(page, testInfo, 'sign-in');
  await page.getByRole('link', { name: 'Create an account' }).click();
  await expect(page.getByRole('heading', { name: 'Create your IGNY8 account' })).toBeVisible();
  await checkAppPage(page, testInfo, 'sign-up');
  await fillSignUp(page, user);
  await expect(page).toHaveURL(/\/app\/sites$/);
  await expect(page.getByRole('heading', { name: 'No sites yet' })).toBeVisible();
  await expect(page.getByText(user.accountName)).toBeVisible();
  await checkAppPage(page, testInfo, 'sites-empty');
});

test('the sign-up form explains a bad field in the product’s words', async ({ page }) => {
  await page.goto(appUrl('/sign-up'));
  await fillSignUp(page, { ...user, email: 'not-an-email', password: 'short' });
  await expect(page.getByRole('alert').or(page.locator('.components-notice.is-error'))).toContainText(
    /email|password/i,
  );
  await expect(page).toHaveURL(/\/app\/sign-up/);
});

test('signing out ends the session; signing in again returns to the page asked for', async ({ page }) => {
  await signInToApp(page, user);
  await expect(page).toHaveURL(/\/app\/sites$/);
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/app\/sign-in/);
  await page.goto(appUrl('/sites'));
  await expect(page).toHaveURL(/\/app\/sign-in\?next=%2Fsites$/);
  await page.getByLabel('Email').fill(user.email);
  await page.getByLabel('Password').fill('wrong password for sure');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.locator('.components-notice.is-error')).toBeVisible();
  await page.getByLabel('Password').fill(user.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/app\/sites$/);
});

test('an address the app does not know says so and leads back to the sites', async ({ page }, testInfo) => {
  await signInToApp(page, user);
  await expect(page).toHaveURL(/\/app\/sites$/);
  await page.goto(appUrl('/no-such-screen'));
  await expect(page.getByRole('heading', { name: 'Page not found' })).toBeVisible();
  await checkAppPage(page, testInfo, 'not-found');
  await page.getByRole('link', { name: 'Go to your sites' }).click();
  await expect(page).toHaveURL(/\/app\/sites$/);
});

/** The status the server answered the first `method url` it received since `since` (from its JSON log). */
function serverAnswer(method: string, url: string, since: number): number | undefined {
  const lines = readFileSync(stack().serverLog, 'utf8').split('\n').filter(Boolean);
  const entries = lines.flatMap((line) => {
    try {
      return [
        JSON.parse(line) as {
          time: number;
          reqId?: string;
          req?: { method: string; url: string };
          res?: { statusCode: number };
        },
      ];
    } catch {
      return [];
    }
  });
  const incoming = entries.find((e) => e.time >= since && e.req?.method === method && e.req.url === url);
  return incoming ? entries.find((e) => e.reqId === incoming.reqId && e.res)?.res?.statusCode : undefined;
}

/**
 * CSRF: a page on another origin fires the simple POSTs a forged form could (no custom header, the browser's
 * cookies included). From another site (SameSite=Strict) the cookie is not even sent; from another origin on the
 * same site (WordPress on this host, another port) it is sent and the server's Origin check refuses it. Either way
 * the session stays as it was.
 */
test('pages on other origins cannot use or end the session', async ({ page }) => {
  await signInToApp(page, user);
  await expect(page).toHaveURL(/\/app\/sites$/);
  const server = stack().serverUrl;
  // The forged page is served from this machine (a page Playwright made up would count as a public site, which
  // Chromium may not let call a local server at all). Another site: the other loopback name; same site, other
  // origin: the same host name on another port.
  const forger = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end('<!doctype html><html lang="en"><title>forged</title></html>');
  });
  await new Promise<void>((resolve) => forger.listen(0, resolve));
  const forgerPort = (forger.address() as AddressInfo).port;
  const serverHost = new URL(server).hostname;
  const attackers = [
    `http://${serverHost === 'localhost' ? '127.0.0.1' : 'localhost'}:${forgerPort}`,
    `http://${serverHost}:${forgerPort}`,
  ];
  for (const origin of attackers) {
    const sameSite = origin !== attackers[0];
    await page.goto(`${origin}/forged.html`);
    for (const route of ['refresh', 'logout']) {
      const since = Date.now();
      const seen = await page.evaluate(async (url) => {
        try {
          return (await fetch(url, { method: 'POST', mode: 'no-cors', credentials: 'include' })).type;
        } catch {
          return 'blocked';
        }
      }, `${server}/api/v1/auth/${route}`);
      expect(['opaque', 'blocked'], 'the forging page never reads the answer').toContain(seen);
      // The server's log says what it answered (the browser keeps the answer from the page, and from Playwright).
      const status = expect.poll(() => serverAnswer('POST', `/api/v1/auth/${route}`, since), {
        message: `${route} from ${origin}`,
      });
      // Same site, other origin: the cookie was sent and the Origin check refused it (403 CSRF_ORIGIN_REFUSED).
      // Another site: SameSite=Strict kept the cookie back, so there was nothing to use (401).
      await (sameSite ? status.toBe(403) : status.toBe(401));
    }
  }
  forger.close();
  // Back in the app, the refresh cookie still works: a reload signs straight in.
  await page.goto(appUrl('/sites'));
  await expect(page.getByRole('heading', { name: 'Sites', exact: true })).toBeVisible();
  await expect(page).toHaveURL(/\/app\/sites$/);
});
