import { expect, test } from '@playwright/test';
import { appUrl, checkAppPage, fillSignUp, newAppUser, recordTiming, signInToApp } from '../support/app.ts';
import { api, loginAccount } from '../support/server-api.ts';
import { grantCredits, rememberKeyMaterial } from '../support/key-material.ts';
import { withConnectService } from '../support/server-code.ts';
import { SCREENS, stack } from '../support/stack.ts';
import { connectionScreenUrl, logIn } from '../support/wp-admin.ts';

/**
 * Connecting a WordPress site in clicks (Connect to IGNY8 in wp-admin, sign up and approve in the web app), then
 * what the server and the app know of it; the manual connection key is 00-journey's.
 * Specs share one site, so this file runs as one serial journey.
 */
test.describe.configure({ mode: 'serial' });

let account: Awaited<ReturnType<typeof loginAccount>>;
const user = newAppUser('Journey Agency');

test('a new user connects the site in clicks: Connect to IGNY8, sign up in the app, approve, back connected', async ({
  page,
}, testInfo) => {
  await logIn(page, 'admin');
  await page.goto(connectionScreenUrl());
  await expect(page.getByRole('heading', { name: 'Connect this site' })).toBeVisible();
  const started = Date.now();
  // The plugin offers the server it last used (00-journey's manual connection); a new install names the default.
  if (!(await page.locator('.igny8-connection__hint').textContent())?.includes(stack().serverUrl)) {
    await page.getByRole('button', { name: 'Use another IGNY8 server' }).click();
    await page.getByLabel('IGNY8 server address').fill(stack().serverUrl);
  }
  await page.screenshot({ path: `${SCREENS}/connection-form.png`, fullPage: true });
  await page.getByRole('button', { name: 'Connect to IGNY8' }).click();

  await expect(page).toHaveURL(/\/app\/connect\?/);
  await expect(page.getByText(/asks to connect to IGNY8/)).toBeVisible();
  await checkAppPage(page, testInfo, 'connect-signed-out');
  await page.getByRole('link', { name: 'Create an account' }).click();
  await fillSignUp(page, user);
  await expect(page).toHaveURL(/\/app\/connect\?/);
  const approve = page.getByRole('button', { name: 'Approve and return to WordPress' });
  await expect(approve).toBeVisible();
  account = await loginAccount(user.email, user.password);
  await grantCredits(account.accountId, 1250);
  await page.getByLabel('First sector (optional)').fill('Trail running');
  await checkAppPage(page, testInfo, 'connect-approve');
  await approve.click();

  await expect(page).toHaveURL(/page=igny8-connection/);
  await expect(page.getByRole('heading', { name: 'Connected', exact: true })).toBeVisible({ timeout: 30_000 });
  const seconds = (Date.now() - started) / 1000;
  recordTiming('connect in one click (wp-admin -> sign up -> approve -> connected)', seconds);
  expect(seconds, 'from Connect to IGNY8 to Connected').toBeLessThan(120);
  // The grant and state left the address bar; the account and balance show.
  expect(page.url()).not.toMatch(/igny8_grant|igny8_state/);
  await expect(page.getByText(user.accountName, { exact: true })).toBeVisible();
  const balance = page.locator('dt', { hasText: 'Credit balance' }).locator('xpath=following-sibling::dd[1]');
  await expect(balance).toHaveText(/1,?250/);
  await page.screenshot({ path: `${SCREENS}/connection-connected.png`, fullPage: true });
  await rememberKeyMaterial();

  // The site came with the sector chosen in the app.
  const sites = await api('GET', '/sites', undefined, account.token);
  const site = sites.data.items[0];
  const sectors = await api('GET', `/sites/${site.id}/sectors`, undefined, account.token);
  expect(sectors.data.map((s: { name: string }) => s.name)).toEqual(['Trail running']);
});

test('the app refuses a connect link that would send the browser to another host, and says what to do', async ({
  page,
}, testInfo) => {
  const site = stack().wp.url;
  const query = new URLSearchParams({
    site_url: site,
    state: 'x'.repeat(43),
    return_url: 'https://attacker.example/wp-admin/admin.php?page=igny8-connection',
  });
  await page.goto(appUrl(`/connect?${query}`));
  await expect(page.getByRole('alert')).toContainText(/wp-admin|site/i);
  await expect(page.getByText(/press “Connect to IGNY8” again/)).toBeVisible();
  await expect(page.getByRole('button', { name: 'Approve and return to WordPress' })).toHaveCount(0);
  await checkAppPage(page, testInfo, 'connect-refused');
});

test('the connected site appears in the app’s Sites table with its health', async ({ page }, testInfo) => {
  await signInToApp(page, user);
  await expect(page).toHaveURL(/\/app\/sites$/);
  const row = page.getByRole('row').filter({ hasText: 'IGNY8 Test Site' });
  await expect(row).toBeVisible();
  await expect(row).toContainText('Healthy');
  await checkAppPage(page, testInfo, 'sites-one-site');
});

test("the plugin's script loads on its own screen only", async ({ page }) => {
  await logIn(page, 'admin');
  const scripts = () =>
    page.locator('script[src*="/plugins/igny8/"]').evaluateAll((els) => els.map((e) => e.getAttribute('src')));
  await page.goto(`${stack().wp.adminUrl}index.php`);
  expect(await scripts()).toEqual([]);
  await page.goto(`${stack().wp.adminUrl}admin.php?page=igny8`);
  expect((await scripts()).map((src) => new URL(src!).pathname.split('/').pop())).toEqual(['dashboard.js']);
  await page.screenshot({ path: `${SCREENS}/dashboard.png`, fullPage: true });
  await page.goto(connectionScreenUrl());
  expect((await scripts()).some((src) => src?.includes('build/connection.js'))).toBe(true);
});

test('the server lists the site with its WordPress version, plugin version, URL and health', async () => {
  const sites = await api('GET', '/sites', undefined, account.token);
  expect(sites.status).toBe(200);
  expect(sites.data.items).toHaveLength(1);
  const site = sites.data.items[0];
  expect(site).toMatchObject({
    url: stack().wp.url,
    connection: { status: 'connected', wpVersion: '6.1.9', pluginVersion: expect.any(String), health: 'ok' },
  });
  const check = await api('POST', `/sites/${site.id}/connection/check`, undefined, account.token);
  expect(check.status).toBe(202);
  await expect
    .poll(async () => (await api('GET', `/jobs/${check.data.jobId}`, undefined, account.token)).data.status, {
      timeout: 30_000,
    })
    .toBe('succeeded');
  const connection = await api('GET', `/sites/${site.id}/connection`, undefined, account.token);
  expect(connection.data).toMatchObject({
    health: 'ok',
    wpVersion: '6.1.9',
    phpVersion: expect.stringMatching(/^8\./),
  });
});

test('the server creates a draft post on the site as the dedicated publishing user', async () => {
  const sites = await api('GET', '/sites', undefined, account.token);
  const siteId = sites.data.items[0].id as string;
  const draft = await withConnectService((connect) =>
    connect.createDraftPost(account.accountId, siteId, {
      title: 'Hello from IGNY8',
      content: '<p>Drafted by the server.</p>',
    }),
  );
  expect(draft.status).toBe('draft');
  const { wp } = stack();
  const basic = Buffer.from(
    `${wp.users.admin.username}:${(wp.users.admin as { applicationPassword?: string }).applicationPassword}`,
  ).toString('base64');
  const res = await fetch(`${wp.url}/?rest_route=/wp/v2/posts/${draft.postId}&context=edit`, {
    headers: { authorization: `Basic ${basic}` },
  });
  const post = (await res.json()) as { status: string; title: { raw: string }; author: number };
  expect(post).toMatchObject({ status: 'draft', title: { raw: 'Hello from IGNY8' } });
  const author = await fetch(`${wp.url}/?rest_route=/wp/v2/users/${post.author}&context=edit`, {
    headers: { authorization: `Basic ${basic}` },
  });
  expect(await author.json()).toMatchObject({ username: 'igny8-publisher', roles: ['author'] });
});

test("the planner syncs the site's posts and pages and flags a cluster an existing post already targets", async () => {
  const { wp } = stack();
  const sites = await api('GET', '/sites', undefined, account.token);
  const siteId = sites.data.items[0].id as string;
  const basic = Buffer.from(
    `${wp.users.admin.username}:${(wp.users.admin as { applicationPassword?: string }).applicationPassword}`,
  ).toString('base64');
  const publish = async (type: 'posts' | 'pages', title: string) => {
    const res = await fetch(`${wp.url}/?rest_route=/wp/v2/${type}`, {
      method: 'POST',
      headers: { authorization: `Basic ${basic}`, 'content-type': 'application/json' },
      body: JSON.stringify({ title, status: 'publish', content: '<p>Already on the site.</p>' }),
    });
    expect(res.status, await res.clone().text()).toBe(201);
    return ((await res.json()) as { id: number }).id;
  };
  const postId = await publish('posts', 'Best Trail Running Shoes');
  const pageId = await publish('pages', 'About Our Running Club');

  const sector = await api('POST', `/sites/${siteId}/sectors`, { name: 'Running' }, account.token);
  const sectorId = sector.data.id as string;
  const added = await api(
    'POST',
    '/planner/keywords',
    {
      siteId,
      sectorId,
      keywords: [
        { keyword: 'best trail running shoes', volume: 900 },
        { keyword: 'trail running shoes best', volume: 100 },
        { keyword: 'sourdough starter recipe', volume: 400 },
      ],
    },
    account.token,
  );
  expect(added.status).toBe(201);
  const waitFor = async (jobId: string) =>
    expect
      .poll(async () => (await api('GET', `/jobs/${jobId}`, undefined, account.token)).data.status, {
        timeout: 60_000,
      })
      .toBe('succeeded');
  const run = await api('POST', '/planner/clusters/run', { siteId, sectorId, method: 'lexical' }, account.token);
  expect(run.status).toBe(202);
  await waitFor(run.data.jobId);

  const sync = await api('POST', `/planner/sites/${siteId}/posts/sync`, undefined, account.token);
  expect(sync.status).toBe(202);
  await waitFor(sync.data.jobId);
  const posts = await api('GET', `/planner/sites/${siteId}/posts?limit=200`, undefined, account.token);
  const byId = new Map((posts.data.items as { wpPostId: number; title: string }[]).map((p) => [p.wpPostId, p]));
  expect(byId.get(postId)).toMatchObject({ title: 'Best Trail Running Shoes', type: 'post', status: 'publish' });
  expect(byId.get(pageId)).toMatchObject({ title: 'About Our Running Club', type: 'page' });
  // Only published content competes in search: the draft made by the test above is not listed.
  expect([...byId.values()].some((p) => p.title === 'Hello from IGNY8')).toBe(false);

  const clusters = await api(
    'GET',
    `/planner/clusters?siteId=${siteId}&sectorId=${sectorId}`,
    undefined,
    account.token,
  );
  // Clusters are named after their head term; the check compares the main (highest-volume) keyword with posts.
  type Listed = { name: string; mainKeyword: { keyword: string } | null; cannibalizes: unknown };
  const byMain = (keyword: string) => (clusters.data.items as Listed[]).find((c) => c.mainKeyword?.keyword === keyword);
  expect(byMain('best trail running shoes')).toMatchObject({
    name: 'trail running shoes',
    cannibalizes: { wpPostId: postId, title: 'Best Trail Running Shoes' },
  });
  expect(byMain('sourdough starter recipe')?.cannibalizes).toBeNull();
});

test('an Editor cannot reach the connection screen or its REST routes', async ({ browser }) => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await logIn(page, 'editor');
  await page.goto(connectionScreenUrl());
  await expect(page.getByText('Sorry, you are not allowed to access this page.')).toBeVisible();
  await page.screenshot({ path: `${SCREENS}/connection-editor-refused.png`, fullPage: true });

  const nonce = await (await page.request.get(`${stack().wp.url}/wp-admin/admin-ajax.php?action=rest-nonce`)).text();
  for (const [method, route] of [
    ['GET', 'igny8/v1/connection'],
    ['POST', 'igny8/v1/connection'],
    ['DELETE', 'igny8/v1/connection'],
    ['POST', 'igny8/v1/connection/rotate'],
  ] as const) {
    const res = await page.request.fetch(`${stack().wp.url}/?rest_route=/${route}`, {
      method,
      headers: { 'X-WP-Nonce': nonce },
      ...(method === 'POST' ? { data: { serverUrl: stack().serverUrl, connectionKey: 'x'.repeat(40) } } : {}),
    });
    expect(res.status(), `${method} ${route}`).toBe(403);
  }
  await context.close();
});

test('disconnect from wp-admin ends the connection on both sides', async ({ page }) => {
  await logIn(page, 'admin');
  await page.goto(connectionScreenUrl());
  await expect(page.getByRole('heading', { name: 'Connected', exact: true })).toBeVisible();
  page.on('dialog', (dialog) => void dialog.accept());
  await page.getByRole('button', { name: 'Disconnect' }).click();
  const confirm = page.getByRole('dialog').getByRole('button', { name: 'Disconnect' });
  if (await confirm.isVisible().catch(() => false)) await confirm.click();
  await expect(page.getByRole('button', { name: 'Connect to IGNY8', exact: true })).toBeVisible({ timeout: 30_000 });
  await page.screenshot({ path: `${SCREENS}/connection-disconnected.png`, fullPage: true });

  const sites = await api('GET', '/sites', undefined, account.token);
  expect(sites.data.items[0].connection.status).toBe('disconnected');
});
