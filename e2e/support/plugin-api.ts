import type { Page } from '@playwright/test';
import { expect } from '@playwright/test';
import { rememberSecret } from './secrets.ts';
import { stack } from './stack.ts';
import { connectionScreenUrl, logIn } from './wp-admin.ts';

/** What the plugin's igny8/v1/app route answered to the browser: the status and the body (the server's envelope). */
export interface BrowserAnswer {
  status: number;
  body: any;
}

/**
 * Calls the plugin's REST API from inside the logged-in page with WordPress's own api-fetch (the REST nonce added by
 * its nonce middleware), as the plugin's screens do. `parse: false` keeps the status of refusals too.
 */
export async function apiFetchInPage(
  page: Page,
  path: string,
  options: { method?: string; data?: unknown } = {},
): Promise<BrowserAnswer> {
  await page.waitForFunction(() => typeof (window as any).wp?.apiFetch === 'function');
  return page.evaluate(
    async ({ path, method, data }) => {
      const res: Response = await (window as any).wp
        .apiFetch({
          path,
          method: method ?? 'GET',
          ...(data === undefined ? {} : { data }),
          parse: false,
        })
        .catch((r: Response) => r);
      return { status: res.status, body: await res.json() };
    },
    { path, method: options.method, data: options.data },
  );
}

/** The REST nonce of the page's session, as WordPress hands it to its own scripts. */
export async function restNonce(page: Page): Promise<string> {
  const res = await page.request.get(`${stack().wp.url}/wp-admin/admin-ajax.php?action=rest-nonce`);
  return (await res.text()).trim();
}

/**
 * Connects the site from the Connection screen as the admin (the steps of 01-connection.spec.ts). A site an earlier
 * spec left connected to its own account is disconnected first.
 */
export async function connectFromWpAdmin(page: Page, connectionKey: string): Promise<void> {
  await logIn(page, 'admin');
  await page.goto(connectionScreenUrl());
  const connection = await apiFetchInPage(page, '/igny8/v1/connection');
  if (connection.body?.connected === true || connection.body?.status === 'connected') {
    await apiFetchInPage(page, '/igny8/v1/connection', { method: 'DELETE' });
    await page.goto(connectionScreenUrl());
  }
  // The manual key is under its disclosure; the one-click Connect to IGNY8 is the primary action.
  await page.getByText('Connect with a key (headless setups)').click();
  await page.getByLabel('Server URL').fill(stack().serverUrl);
  await page.getByLabel('Account connection key').fill(connectionKey);
  await page.getByRole('button', { name: 'Connect', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Connected', exact: true })).toBeVisible({ timeout: 30_000 });
}

/** A WordPress user of `role`, made through the REST API with the admin's application password. */
export async function createWpUser(role: string): Promise<{ username: string; password: string; id: number }> {
  const { wp } = stack();
  const admin = wp.users.admin as { username: string; applicationPassword?: string };
  const username = `e2e-${role}-${Date.now()}`;
  const password = `pw-${crypto.randomUUID()}`;
  rememberSecret(`${role} password`, password);
  const res = await fetch(`${wp.url}/?rest_route=/wp/v2/users`, {
    method: 'POST',
    headers: {
      authorization: `Basic ${Buffer.from(`${admin.username}:${admin.applicationPassword}`).toString('base64')}`,
      'content-type': 'application/json',
    },
    body: JSON.stringify({ username, password, email: `${username}@example.com`, roles: [role] }),
  });
  expect(res.status, await res.clone().text()).toBe(201);
  return { username, password, id: ((await res.json()) as { id: number }).id };
}

/** Logs in through wp-login.php with any user's name and password. */
export async function logInWith(page: Page, username: string, password: string): Promise<void> {
  await page.goto(`${stack().wp.url}/wp-login.php`);
  await page.getByLabel('Username or Email Address').fill(username);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Log In' }).click();
  await expect(page.locator('#wpadminbar')).toBeVisible();
}
