import { expect, test, type Page } from '@playwright/test';
import { grantCredits } from '../support/key-material.ts';
import { apiFetchInPage, connectFromWpAdmin } from '../support/plugin-api.ts';
import { api, createConnectionKey, registerAccount } from '../support/server-api.ts';
import { keywordCsv } from '../support/keywords.ts';
import { SCREENS, stack } from '../support/stack.ts';
import { connectionScreenUrl, logIn } from '../support/wp-admin.ts';

/**
 * IGNY8 > Planner as a site owner uses it: an empty sector, a 200-keyword CSV imported through the wizard with its
 * progress bar, the table paged and filtered, lexical clustering, ideas generated for one cluster (by the fake AI the
 * global setup runs as the server's demo endpoint) and two of them turned into Writer tasks; then the Dashboard's
 * numbers. The site is connected to a new account first, so the planner starts empty.
 */
test.describe.configure({ mode: 'serial' });

let account: Awaited<ReturnType<typeof registerAccount>>;
let siteId: string;

const plannerUrl = () => `${stack().wp.adminUrl}admin.php?page=igny8-planner`;

/** The Planner page through the IGNY8 menu, as a person finds it. */
const openPlanner = async (page: Page) => {
  await page.goto(`${stack().wp.adminUrl}admin.php?page=igny8`);
  await page.locator('#adminmenu').getByRole('link', { name: 'Planner', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'IGNY8 Planner', level: 1 })).toBeVisible();
};

test.beforeAll(async () => {
  account = await registerAccount('Planner Screen Agency');
});

test('before the site is connected the Planner says how to connect it', async ({ page }) => {
  await logIn(page, 'admin');
  await page.goto(connectionScreenUrl());
  // Earlier specs leave the site connected to their own account: start from a disconnected site.
  await apiFetchInPage(page, '/igny8/v1/connection', { method: 'DELETE' });
  await page.goto(plannerUrl());
  await expect(page.getByRole('heading', { name: 'This site is not connected to IGNY8 yet' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Go to Connection' })).toBeVisible();
  await page.screenshot({ path: `${SCREENS}/planner-not-connected.png`, fullPage: true });
});

test('connected to a new account with a sector, the Planner shows its empty state', async ({ page }) => {
  await grantCredits(account.accountId, 2000);
  await connectFromWpAdmin(page, await createConnectionKey(account.token));
  const sites = await api('GET', '/sites', undefined, account.token);
  siteId = sites.data.items[0].id;
  const sector = await api('POST', `/sites/${siteId}/sectors`, { name: 'Trail running' }, account.token);
  expect(sector.status).toBe(201);

  await openPlanner(page);
  await expect(page.getByLabel('Sector')).toHaveValue(sector.data.id);
  await expect(page.getByRole('heading', { name: 'No keywords in this sector yet' })).toBeVisible();
  await page.screenshot({ path: `${SCREENS}/planner-empty.png`, fullPage: true });
});

test('an admin imports a CSV of 200 keywords and watches the progress bar reach 100%', async ({ page }) => {
  await logIn(page, 'admin');
  await openPlanner(page);
  await page.getByRole('button', { name: 'Import keywords' }).click();
  const wizard = page.getByRole('dialog', { name: 'Import keywords' });
  await expect(wizard).toBeVisible();

  await wizard.getByLabel('Keyword file').setInputFiles({
    name: 'semrush-keywords.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from(keywordCsv()),
  });
  await expect(wizard.getByText('semrush-keywords.csv: 201 lines.')).toBeVisible();
  await page.screenshot({ path: `${SCREENS}/planner-import-chosen.png`, fullPage: true });
  await wizard.getByRole('button', { name: 'Import', exact: true }).click();

  const progress = wizard.getByRole('progressbar', { name: 'Importing keywords' });
  await expect(progress).toBeVisible();
  await expect(progress).toHaveAttribute('aria-valuenow', '100', { timeout: 60_000 });
  await expect(
    wizard.getByText('200 rows read: 200 new keywords, 0 updated, 0 refused, 0 repeated in the file.'),
  ).toBeVisible();
  await page.screenshot({ path: `${SCREENS}/planner-import-done.png`, fullPage: true });
  await wizard.getByRole('button', { name: 'Done' }).click();
  await expect(wizard).toBeHidden();

  // The table: 50 keywords a page, highest volume first, 200 in all.
  const table = page.getByRole('table', { name: 'Keywords' });
  await expect(table.getByRole('row')).toHaveCount(51);
  await expect(page.getByText('Keywords 1–50 of 200')).toBeVisible();
  await expect(table.getByRole('row').nth(1)).toContainText('best trail running shoes');
  await page.screenshot({ path: `${SCREENS}/planner-keywords.png`, fullPage: true });
  await page.getByRole('button', { name: 'Next page' }).click();
  await expect(page.getByText('Keywords 51–100 of 200')).toBeVisible();
  await page.getByRole('button', { name: 'Previous page' }).click();
  await expect(page.getByText('Keywords 1–50 of 200')).toBeVisible();

  // Filters: a text search, then a status with no match.
  await page.getByLabel('Search keywords').fill('headlamp');
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  await expect(page.getByText('Keywords 1–10 of 10')).toBeVisible();
  await expect(table.getByRole('row')).toHaveCount(11);
  await page.screenshot({ path: `${SCREENS}/planner-keywords-filtered.png`, fullPage: true });
  await page.getByLabel('Status').selectOption('ignored');
  await expect(page.getByRole('heading', { name: 'No keywords match these filters' })).toBeVisible();
  await page.getByLabel('Status').selectOption('');

  // A bulk action on two keywords.
  await page.getByRole('checkbox', { name: 'Select headlamp review' }).check();
  await page.getByRole('checkbox', { name: 'Select headlamp vs' }).check();
  await page.getByLabel('Bulk action').selectOption('ignored');
  await page.getByRole('button', { name: 'Apply to 2 keywords' }).click();
  await expect(page.getByRole('status')).toHaveText('2 keywords changed.');
  await expect(table.getByRole('row', { name: /headlamp review/ })).toContainText('Ignored');
  await page.getByLabel('Bulk action').selectOption('new');
  await page.getByRole('checkbox', { name: 'Select headlamp review' }).check();
  await page.getByRole('checkbox', { name: 'Select headlamp vs' }).check();
  await page.getByRole('button', { name: 'Apply to 2 keywords' }).click();
  await expect(table.getByRole('row', { name: /headlamp review/ })).toContainText('New');
});

test('lexical clustering runs with its progress and lists the clusters', async ({ page }) => {
  await logIn(page, 'admin');
  await openPlanner(page);
  await page.getByRole('tab', { name: 'Clusters and ideas' }).click();
  await expect(page.getByRole('heading', { name: 'No clusters in this sector yet' })).toBeVisible();
  await expect(page.getByLabel('Clustering method')).toHaveValue('lexical');
  await page.getByRole('button', { name: 'Cluster new keywords' }).click();

  const progress = page.getByRole('progressbar', { name: 'Clustering keywords' });
  await expect(progress).toHaveAttribute('aria-valuenow', '100', { timeout: 60_000 });
  await expect(page.getByRole('status')).toContainText('Clustering done:');
  const clusters = page.getByRole('table', { name: 'Clusters' });
  await expect(clusters.getByRole('row').nth(1)).toBeVisible();
  expect(await clusters.getByRole('row').count()).toBeGreaterThan(5);
  await page.screenshot({ path: `${SCREENS}/planner-clusters.png`, fullPage: true });

  const listed = await api('GET', `/planner/clusters?siteId=${siteId}&limit=200`, undefined, account.token);
  expect(await clusters.getByRole('row').count()).toBe(listed.data.items.length + 1);
});

test('ideas are generated for one cluster with the credits held shown, and two become Writer tasks', async ({
  page,
}) => {
  await logIn(page, 'admin');
  await openPlanner(page);
  await page.getByRole('tab', { name: 'Clusters and ideas' }).click();
  const firstIdeas = page.getByRole('button', { name: /^Ideas for / }).first();
  const clusterName = ((await firstIdeas.getAttribute('aria-label')) ?? '').replace(/^Ideas for /, '');
  await firstIdeas.click();
  const panel = page.getByRole('region', { name: `Ideas for “${clusterName}”` });
  await expect(panel).toBeVisible();
  await expect(panel.getByRole('heading', { name: 'No ideas for this cluster yet' })).toBeVisible();

  await panel.getByLabel('How many ideas').selectOption('3');
  await panel.getByRole('button', { name: 'Generate ideas' }).click();
  await expect(panel.getByText(/credits? (is|are) set aside for this run/)).toBeVisible();
  await expect(panel.getByRole('progressbar', { name: 'Generating ideas' })).toHaveAttribute('aria-valuenow', '100', {
    timeout: 60_000,
  });
  const ideas = panel.getByRole('article');
  // The count asks the model for up to three; the fake model's answer decides how many it writes (two or three).
  await expect(ideas.nth(1)).toBeVisible();
  const written = await ideas.count();
  expect(written).toBeGreaterThanOrEqual(2);
  expect(written).toBeLessThanOrEqual(3);
  if (written === 2) {
    // Two approved and one rejected need three: generate again (new ideas are listed first, nothing is decided yet).
    await panel.getByRole('button', { name: 'Generate ideas' }).click();
    await expect(ideas.nth(2)).toBeVisible({ timeout: 60_000 });
  }
  await page.screenshot({ path: `${SCREENS}/planner-ideas.png`, fullPage: true });

  await ideas
    .nth(0)
    .getByRole('button', { name: /^Approve/ })
    .click();
  await expect(ideas.nth(0)).toContainText('Status: Approved.');
  await ideas
    .nth(1)
    .getByRole('button', { name: /^Approve/ })
    .click();
  await expect(ideas.nth(1)).toContainText('Status: Approved.');
  await ideas
    .nth(2)
    .getByRole('button', { name: /^Reject/ })
    .click();
  await expect(ideas.nth(2)).toContainText('Status: Rejected.');
  await panel.getByRole('button', { name: 'Create 2 Writer tasks' }).click();
  await expect(page.getByRole('status')).toHaveText('2 Writer tasks created.');
  await expect(panel.getByText('Status: Task created.')).toHaveCount(2);
  await page.screenshot({ path: `${SCREENS}/planner-ideas-converted.png`, fullPage: true });

  const tasks = await api('GET', `/planner/tasks?siteId=${siteId}`, undefined, account.token);
  expect(tasks.data.items).toHaveLength(2);
  const balance = await api('GET', '/billing/balance', undefined, account.token);
  expect(balance.data.balance).toBeLessThan(2000);
});

test('the Dashboard shows the credit balance, the pipeline counts and the import', async ({ page }) => {
  await logIn(page, 'admin');
  await page.goto(`${stack().wp.adminUrl}admin.php?page=igny8`);
  const card = (label: string) => page.locator('.igny8-dashboard__card', { hasText: label });
  await expect(card('Credit balance')).toContainText(/\d/);
  await expect(card('Credit balance')).not.toContainText('Unknown');
  await expect(card('Keywords not yet clustered')).toBeVisible();
  await expect(page.locator('.igny8-dashboard__card').filter({ hasText: /^200Keywords$/ })).toBeVisible();
  await expect(card('Writer tasks')).toContainText('2');
  await expect(card('Approved ideas')).toContainText('0');
  await expect(page.getByRole('cell', { name: 'Done: 200 new, 0 updated' })).toBeVisible();
  await page.screenshot({ path: `${SCREENS}/dashboard-pipeline.png`, fullPage: true });
});

test('an Editor plans on the same screen', async ({ browser }) => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await logIn(page, 'editor');
  await page.goto(plannerUrl());
  await expect(page.getByText('Keywords 1–50 of 200')).toBeVisible();
  await page.screenshot({ path: `${SCREENS}/planner-editor.png`, fullPage: true });
  await context.close();
});
