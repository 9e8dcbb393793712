import { readFileSync } from 'node:fs';
import { expect, request as playwrightRequest, test } from '@playwright/test';
import { api, createConnectionKey, registerAccount } from '../support/server-api.ts';
import { rememberKeyMaterial } from '../support/key-material.ts';
import { apiFetchInPage, connectFromWpAdmin, createWpUser, logInWith, restNonce } from '../support/plugin-api.ts';
import { stack } from '../support/stack.ts';
import { connectionScreenUrl, logIn } from '../support/wp-admin.ts';

/**
 * The browser -> plugin -> server path every IGNY8 screen uses: wp-admin calls the plugin's igny8/v1/app/<path> route
 * (cookie + REST nonce, a capability per path), the plugin signs the request for that WordPress user and forwards
 * it to the server, which answers as the site's account, kept to this site. Runs after 01 (which ends disconnected):
 * the site is connected again to a new account.
 */
test.describe.configure({ mode: 'serial' });

let account: Awaited<ReturnType<typeof registerAccount>>;
let siteId: string;
let sectorId: string;

const KEYWORDS =
  'keyword,volume\nwaterproof trail shoes,880\ntrail shoes for wide feet,320\nhow to lace trail shoes,140\n';

test.beforeAll(async () => {
  account = await registerAccount('Plugin API Agency');
});

test('the site connects to a new account, which gets a sector to plan in', async ({ page }) => {
  await connectFromWpAdmin(page, await createConnectionKey(account.token));
  await rememberKeyMaterial();
  const sites = await api('GET', '/sites', undefined, account.token);
  expect(sites.data.items).toHaveLength(1);
  siteId = sites.data.items[0].id;
  const sector = await api('POST', `/sites/${siteId}/sectors`, { name: 'Trail running' }, account.token);
  expect(sector.status).toBe(201);
  sectorId = sector.data.id;
});

test("an admin's browser imports pasted keywords through the plugin, polls the job to done and lists them", async ({
  page,
}) => {
  await logIn(page, 'admin');
  await page.goto(connectionScreenUrl());

  const empty = await apiFetchInPage(page, `/igny8/v1/app/planner/keywords?siteId=current&sectorId=${sectorId}`);
  expect(empty).toMatchObject({ status: 200, body: { success: true, data: { items: [] } } });

  const started = await apiFetchInPage(page, '/igny8/v1/app/planner/keywords/import', {
    method: 'POST',
    data: { siteId: 'current', sectorId, text: KEYWORDS },
  });
  expect(started.status, JSON.stringify(started.body)).toBe(202);
  const { jobId } = started.body.data as { jobId: string };
  await expect
    .poll(async () => (await apiFetchInPage(page, `/igny8/v1/app/jobs/${jobId}`)).body.data?.status, {
      timeout: 60_000,
    })
    .toBe('succeeded');

  const listed = await apiFetchInPage(page, `/igny8/v1/app/planner/keywords?siteId=${siteId}&sectorId=${sectorId}`);
  expect(listed.status).toBe(200);
  expect((listed.body.data.items as { keyword: string; volume: number }[]).map((k) => [k.keyword, k.volume])).toEqual([
    ['waterproof trail shoes', 880],
    ['trail shoes for wide feet', 320],
    ['how to lace trail shoes', 140],
  ]);

  // The server's refusals come back as its envelope; another site id is refused; unknown paths answer 404.
  const invalid = await apiFetchInPage(page, '/igny8/v1/app/planner/keywords/import', {
    method: 'POST',
    data: { siteId: 'current', sectorId, text: '' },
  });
  expect(invalid.status).toBe(422);
  expect(invalid.body).toMatchObject({ success: false, code: 'VALIDATION_FAILED', requestId: expect.any(String) });
  const other = await apiFetchInPage(page, `/igny8/v1/app/planner/keywords?siteId=${crypto.randomUUID()}`);
  expect([other.status, other.body.code]).toEqual([404, 'igny8_not_found']);
  const members = await apiFetchInPage(page, '/igny8/v1/app/members');
  expect([members.status, members.body.code]).toEqual([404, 'igny8_unknown_route']);
  const site = await apiFetchInPage(page, '/igny8/v1/app/sites/current');
  expect([site.status, site.body.data?.id]).toEqual([200, siteId]);

  // Nothing the browser received names the server or carries key material.
  for (const answer of [empty, started, listed, invalid, site]) {
    expect(JSON.stringify(answer.body)).not.toContain(stack().serverUrl);
  }

  // The server knows which WordPress user acted (its log records the user id and level, never a key).
  const admin = await page.evaluate(async () => (await (window as any).wp.apiFetch({ path: '/wp/v2/users/me' })).id);
  const log = readFileSync(stack().serverLog, 'utf8');
  expect(log).toMatch(new RegExp(`"wpUserId":${admin},"wpRole":"admin"`));
});

test('an Editor reads planner data but not the site settings', async ({ browser }) => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await logIn(page, 'editor');
  // The block editor loads WordPress's api-fetch with the REST nonce (the IGNY8 screens for editors come later).
  await page.goto(`${stack().wp.adminUrl}post-new.php`);
  const listed = await apiFetchInPage(page, `/igny8/v1/app/planner/keywords?siteId=current&sectorId=${sectorId}`);
  expect(listed.status).toBe(200);
  expect(listed.body.data.items).toHaveLength(3);
  const settings = await apiFetchInPage(page, '/igny8/v1/app/sites/current');
  expect([settings.status, settings.body.code]).toEqual([403, 'rest_forbidden']);
  await context.close();
});

test('a Subscriber, a session without the REST nonce and a logged-out visitor are refused', async ({ browser }) => {
  const path = `/?rest_route=/igny8/v1/app/planner/keywords&siteId=current&sectorId=${sectorId}`;
  const subscriber = await createWpUser('subscriber');
  const context = await browser.newContext();
  const page = await context.newPage();
  await logInWith(page, subscriber.username, subscriber.password);
  const nonce = await restNonce(page);
  const refused = await page.request.get(`${stack().wp.url}${path}`, { headers: { 'X-WP-Nonce': nonce } });
  expect(refused.status()).toBe(403);
  expect((await refused.json()).code).toBe('rest_forbidden');
  await context.close();

  // An admin's cookie without the nonce is an anonymous request to WordPress.
  const adminContext = await browser.newContext();
  const adminPage = await adminContext.newPage();
  await logIn(adminPage, 'admin');
  const withoutNonce = await adminPage.request.get(`${stack().wp.url}${path}`);
  expect(withoutNonce.status()).toBe(401);
  const withNonce = await adminPage.request.get(`${stack().wp.url}${path}`, {
    headers: { 'X-WP-Nonce': await restNonce(adminPage) },
  });
  expect(withNonce.status()).toBe(200);
  await adminContext.close();

  const visitor = await playwrightRequest.newContext();
  const anonymous = await visitor.get(`${stack().wp.url}${path}`);
  expect(anonymous.status()).toBe(401);
  expect((await anonymous.json()).code).toBe('rest_forbidden');
  await visitor.dispose();
});

test('the server refuses the same call made without the site signature', async () => {
  const unsigned = await fetch(`${stack().serverUrl}/api/v1/planner/keywords?siteId=${siteId}&sectorId=${sectorId}`, {
    headers: { 'x-igny8-wp-role': 'admin', 'x-igny8-wp-user': '1', 'x-igny8-site': siteId },
  });
  expect(unsigned.status).toBe(401);
});
