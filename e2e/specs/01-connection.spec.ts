import { expect, test } from '@playwright/test';
import { api, createConnectionKey, registerAccount } from '../support/server-api.ts';
import { grantCredits, rememberKeyMaterial } from '../support/key-material.ts';
import { withConnectService } from '../support/server-code.ts';
import { SCREENS, stack } from '../support/stack.ts';
import { connectionScreenUrl, logIn } from '../support/wp-admin.ts';

/**
 * Connecting a WordPress site to a freshly registered account, from wp-admin, and disconnecting it again.
 * Specs share one site, so this file runs as one serial journey.
 */
test.describe.configure({ mode: 'serial' });

let account: Awaited<ReturnType<typeof registerAccount>>;

test.beforeAll(async () => {
  account = await registerAccount('Journey Agency');
});

test('an admin connects the site and sees "Connected" with the balance', async ({ page }) => {
  const key = await createConnectionKey(account.token);
  await grantCredits(account.accountId, 1250);
  await logIn(page, 'admin');
  await page.goto(connectionScreenUrl());
  await expect(page.getByRole('heading', { name: 'Connection', exact: false }).first()).toBeVisible();

  // The manual key is under its disclosure; the one-click Connect to IGNY8 is the primary action.
  await page.getByText('Connect with a key (headless setups)').click();
  await page.getByLabel('Server URL').fill(stack().serverUrl);
  await page.getByLabel('Account connection key').fill(key);
  await page.screenshot({ path: `${SCREENS}/connection-form.png`, fullPage: true });
  await page.getByRole('button', { name: 'Connect', exact: true }).click();

  await expect(page.getByRole('heading', { name: 'Connected', exact: true })).toBeVisible({ timeout: 30_000 });
  await expect(page.getByText(account.accountName, { exact: true })).toBeVisible();
  const balance = page.locator('dt', { hasText: 'Credit balance' }).locator('xpath=following-sibling::dd[1]');
  await expect(balance).toHaveText(/1,?250/);
  await page.screenshot({ path: `${SCREENS}/connection-connected.png`, fullPage: true });

  await rememberKeyMaterial();

  // The key was single use.
  const reuse = await api('POST', '/connect/register', { connectionKey: key }, undefined);
  expect(reuse.status).toBe(422);
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
  await expect(page.getByRole('button', { name: 'Connect', exact: true })).toBeVisible({ timeout: 30_000 });
  await page.screenshot({ path: `${SCREENS}/connection-disconnected.png`, fullPage: true });

  const sites = await api('GET', '/sites', undefined, account.token);
  expect(sites.data.items[0].connection.status).toBe('disconnected');
});
