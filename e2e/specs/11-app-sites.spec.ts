import { expect, test } from '@playwright/test';
import { appUrl, checkAppPage, signInToApp } from '../support/app.ts';
import { grantCredits } from '../support/key-material.ts';
import { connectFromWpAdmin } from '../support/plugin-api.ts';
import { rememberSecret } from '../support/secrets.ts';
import { api, createConnectionKey, loginAccount, registerAccount } from '../support/server-api.ts';
import { SCREENS, stack } from '../support/stack.ts';
import { logIn } from '../support/wp-admin.ts';

/**
 * The agency view in the web app: the connected site in the Sites table with its health and counts, its page
 * (add a sector, set a monthly budget), then the budget stopping a run (402 SITE_BUDGET_EXCEEDED naming the site)
 * through the API and in the block editor's estimate; and a viewer refused the bulk disconnect.
 */
test.describe.configure({ mode: 'serial' });

let account: Awaited<ReturnType<typeof registerAccount>>;
let site: { id: string; name: string; url: string };
let sectorId: string;

test.beforeAll(async () => {
  account = await registerAccount('Sites Agency');
  await grantCredits(account.accountId, 20_000);
});

test('the connected site shows in the Sites table as Healthy with its counts', async ({ page }, testInfo) => {
  await connectFromWpAdmin(page, await createConnectionKey(account.token));
  site = (await api('GET', '/sites', undefined, account.token)).data.items[0];
  const sector = await api('POST', `/sites/${site.id}/sectors`, { name: 'Coffee' }, account.token);
  expect(sector.status).toBe(201);
  sectorId = sector.data.id;
  const keywords = await api(
    'POST',
    '/planner/keywords',
    {
      siteId: site.id,
      sectorId,
      keywords: [{ keyword: 'cold brew' }, { keyword: 'pour over' }, { keyword: 'espresso' }],
    },
    account.token,
  );
  expect(keywords.status, JSON.stringify(keywords.body)).toBeLessThan(300);

  await signInToApp(page, account);
  await expect(page).toHaveURL(/\/app\/sites$/);
  const row = page.getByRole('row').filter({ has: page.getByRole('link', { name: site.name }) });
  await expect(row).toBeVisible();
  await expect(row.getByText('Healthy')).toBeVisible();
  // Keywords 3; the WordPress / plugin / PHP versions the handshake and checks reported.
  await expect(row.getByRole('cell', { name: '3', exact: true })).toBeVisible();
  await expect(row.getByText(/\d+\.\d+.* \/ \d+\.\d+/)).toBeVisible();
  await checkAppPage(page, testInfo, 'sites');

  // The search is the server's: a name that matches nothing empties the table, the site's name finds it again.
  const search = page.getByRole('searchbox').or(page.getByLabel('Search sites by name or address')).first();
  await search.fill('no-such-site-anywhere');
  await expect(page.getByRole('link', { name: site.name })).toHaveCount(0);
  await search.fill(site.name);
  await expect(page.getByRole('link', { name: site.name })).toBeVisible();

  // Bulk action: check the connection of the selected sites; the result shows as a notice, site by site.
  await row.getByRole('checkbox').check();
  await page.getByRole('button', { name: 'Check connection' }).click();
  const notice = page.locator('.igny8-bulk-results');
  await expect(notice.getByText('Connection check: 1 of 1 site done.')).toBeVisible({ timeout: 30_000 });
  await expect(notice.getByText(`"${site.name}" is healthy: it answered the check.`)).toBeVisible();
});

test('the site page adds a sector and sets a monthly budget', async ({ page }, testInfo) => {
  await signInToApp(page, account);
  await page.getByRole('link', { name: site.name }).click();
  await expect(page).toHaveURL(new RegExp(`/app/sites/${site.id}$`));
  await expect(page.getByRole('heading', { name: site.name, level: 1 })).toBeVisible();
  await expect(page.getByText('Healthy')).toBeVisible();
  // Pipeline counts link into the site's own wp-admin.
  const keywords = page.getByRole('link', { name: /3\s+Keywords/ });
  await expect(keywords).toHaveAttribute('href', /wp-admin\/admin\.php\?page=igny8-planner/);

  await page.getByRole('button', { name: 'Add sector' }).click();
  const dialog = page.getByRole('dialog', { name: 'Add a sector' });
  await dialog.getByLabel('Sector name').fill('Tea');
  await dialog.getByLabel('Voice').fill('calm and precise');
  await dialog.getByLabel('Language').selectOption('de');
  await dialog.getByRole('button', { name: 'Add sector' }).click();
  await expect(dialog).toHaveCount(0);
  const sectors = page.getByRole('region', { name: 'Sectors' });
  await expect(sectors.getByText('Tea', { exact: true })).toBeVisible();
  await expect(sectors.getByText('calm and precise')).toBeVisible();
  // Rename it from its row's actions.
  await sectors.getByRole('row', { name: /Tea/ }).getByRole('button', { name: 'Actions' }).click();
  await page.getByRole('menuitem', { name: 'Edit' }).click();
  const edit = page.getByRole('dialog', { name: 'Edit sector' });
  await edit.getByLabel('Sector name').fill('Green tea');
  await edit.getByRole('button', { name: 'Save sector' }).click();
  await expect(edit).toHaveCount(0);
  await expect(sectors.getByText('Green tea', { exact: true })).toBeVisible();
  const listed = (await api('GET', `/sites/${site.id}/sectors`, undefined, account.token)).data;
  expect(listed.find((s: { name: string }) => s.name === 'Green tea')).toMatchObject({
    voice: 'calm and precise',
    language: 'de',
  });

  await page.getByLabel('Credits per month').fill('1');
  await page.getByRole('button', { name: 'Save budget' }).click();
  const budget = page.getByRole('region', { name: 'Monthly credit budget' });
  await expect(budget.getByText('Budget saved.')).toBeVisible();
  await expect(budget.getByText(/1 of 1 credits left this month/)).toBeVisible();
  expect((await api('GET', `/sites/${site.id}`, undefined, account.token)).data.monthlyCreditBudget).toBe(1);
  await checkAppPage(page, testInfo, 'site');
});

test('the budget stops a run with 402 naming the site, and the plugin’s estimate shows it', async ({ page }) => {
  test.setTimeout(120_000);
  const task = await api(
    'POST',
    '/writer/tasks',
    { siteId: site.id, sectorId, title: 'Cold brew at home', primaryKeyword: 'cold brew' },
    account.token,
  );
  expect(task.status, JSON.stringify(task.body)).toBe(201);
  const refused = await api('POST', `/writer/tasks/${task.data.id}/generate`, {}, account.token);
  expect(refused.status).toBe(402);
  expect(refused.body.code).toBe('SITE_BUDGET_EXCEEDED');
  expect(refused.body.error).toContain(`the site "${site.name}" has a monthly budget of 1 credits and 1 are left`);
  expect(refused.body.details).toMatchObject({ siteId: site.id, budget: 1, remaining: 1 });

  // The plugin: the block editor's estimate shows the budget, and writing is refused in the site's words.
  await logIn(page, 'editor');
  await page.goto(`${stack().wp.adminUrl}post-new.php`);
  await expect(page.locator('.edit-post-layout')).toBeVisible();
  await page.locator('.interface-pinned-items').getByRole('button', { name: 'IGNY8' }).click();
  const sidebar = page.locator('.igny8-sidebar');
  await expect(sidebar.getByRole('button', { name: 'Write a draft' })).toBeVisible();
  await sidebar.getByLabel('Keyword or idea').fill('cold brew coffee at home');
  await expect(sidebar.getByText(/Estimated cost: up to \d+ credits?/)).toBeVisible();
  await expect(sidebar.getByText('Site budget: 1 of 1 credit left this month')).toBeVisible();
  await expect(sidebar.getByText(/more than this site's monthly budget has left/)).toBeVisible();
  await page.screenshot({ path: `${SCREENS}/editor-sidebar-site-budget.png`, fullPage: true });
  await sidebar.getByRole('button', { name: 'Write draft' }).click();
  await expect(sidebar.getByText(new RegExp(`site "${site.name}" has a monthly budget of 1 credits`))).toBeVisible();
});

test('a viewer cannot disconnect sites in bulk (403), and sees no bulk actions in the app', async ({ page }) => {
  const email = `viewer.${Date.now()}@example.com`;
  const password = `pw-${crypto.randomUUID()}`;
  rememberSecret('viewer password', password);
  const invite = await api('POST', '/invitations', { email, role: 'viewer' }, account.token);
  expect(invite.status).toBe(201);
  rememberSecret('invitation token', invite.data.token);
  const accepted = await api('POST', '/invitations/accept', { token: invite.data.token, password, name: 'Viewer' });
  expect(accepted.status, JSON.stringify(accepted.body)).toBe(200);
  const viewer = await loginAccount(email, password);

  const refused = await api('POST', '/sites/bulk', { action: 'disconnect', siteIds: [site.id] }, viewer.token);
  expect(refused.status).toBe(403);
  expect(refused.body.code).toBe('ROLE_REQUIRED');
  const connection = await api('GET', `/sites/${site.id}/connection`, undefined, account.token);
  expect(connection.data.status).toBe('connected');

  await page.goto(appUrl('/sign-in'));
  await signInToApp(page, { email, password });
  await expect(page).toHaveURL(/\/app\/sites$/);
  await expect(page.getByRole('link', { name: site.name })).toBeVisible();
  await expect(page.getByRole('checkbox')).toHaveCount(0);
  // Its page shows everything, and offers none of the writes.
  await page.getByRole('link', { name: site.name }).click();
  await expect(page.getByRole('heading', { name: site.name, level: 1 })).toBeVisible();
  await expect(page.getByText('Account owners and admins can change the budget.')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Add sector' })).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Save budget' })).toHaveCount(0);
});

test('an admin disconnects sites in bulk after confirming, and the table says so', async ({ page }) => {
  await signInToApp(page, account);
  const row = page.getByRole('row').filter({ has: page.getByRole('link', { name: site.name }) });
  await row.getByRole('checkbox').check();
  await page.getByRole('button', { name: 'Disconnect' }).click();
  const dialog = page.getByRole('dialog', { name: 'Disconnect sites' });
  await expect(dialog.getByText(/Disconnect 1 site\?/)).toBeVisible();
  await dialog.getByRole('button', { name: 'Disconnect' }).click();
  await expect(dialog).toHaveCount(0);
  await expect(page.locator('.igny8-bulk-results').getByText('Disconnect: 1 of 1 site done.')).toBeVisible({
    timeout: 30_000,
  });
  await expect(row.getByText('Disconnected')).toBeVisible();
  const connection = await api('GET', `/sites/${site.id}/connection`, undefined, account.token);
  expect(connection.data.status).toBe('disconnected');
});
