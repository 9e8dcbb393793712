import { expect, test, type Page } from '@playwright/test';
import { grantCredits } from '../support/key-material.ts';
import { apiFetchInPage, connectFromWpAdmin } from '../support/plugin-api.ts';
import { api, createConnectionKey, registerAccount } from '../support/server-api.ts';
import { SCREENS, stack } from '../support/stack.ts';
import { logIn } from '../support/wp-admin.ts';

/**
 * IGNY8 > Settings and the Dashboard's recent jobs: an administrator saves the publishing defaults (this site's
 * options) and the writing defaults (the server's site: language and voice) and finds them after a reload, and the
 * Writer's publish form starts from them; an Editor cannot open Settings; jobs run through the plugin show on the
 * Dashboard, and the credits they used on Settings, as the server counts them. The site is connected to a new
 * account first.
 */
test.describe.configure({ mode: 'serial' });

const GRANTED = 3000;
const KEYWORDS =
  'keyword,volume\nwaterproof trail shoes,880\ntrail shoes for wide feet,320\nhow to lace trail shoes,140\n' +
  'best trail shoes for mud,90\nmud trail shoes review,70\n';

let account: Awaited<ReturnType<typeof registerAccount>>;
let siteId: string;

const settingsUrl = () => `${stack().wp.adminUrl}admin.php?page=igny8-settings`;
const dashboardUrl = () => `${stack().wp.adminUrl}admin.php?page=igny8`;
/** "1,234" -> 1234. */
const numberIn = (text: string | null) => Number((text ?? '').replace(/[^\d-]/g, ''));

/** Polls a job through the plugin until it succeeded. */
async function finished(page: Page, jobId: string): Promise<void> {
  await expect
    .poll(async () => (await apiFetchInPage(page, `/igny8/v1/app/jobs/${jobId}`)).body.data?.status, {
      timeout: 60_000,
    })
    .toBe('succeeded');
}

test.beforeAll(async () => {
  account = await registerAccount('Settings Screen Agency');
  await grantCredits(account.accountId, GRANTED);
});

test('an admin saves the publishing and writing defaults on Settings and finds them after a reload', async ({
  page,
}) => {
  test.setTimeout(120_000);
  await connectFromWpAdmin(page, await createConnectionKey(account.token));
  siteId = (await api('GET', '/sites', undefined, account.token)).data.items[0].id as string;
  const editorLogin = stack().wp.users.editor.username;
  const users = await apiFetchInPage(page, `/wp/v2/users?context=edit&search=${encodeURIComponent(editorLogin)}`);
  const editor = (users.body as { id: number; username: string }[]).find((user) => user.username === editorLogin);
  expect(editor).toBeDefined();
  const categoryName = `Trail guides ${Date.now()}`;
  const category = await apiFetchInPage(page, '/wp/v2/categories', { method: 'POST', data: { name: categoryName } });
  expect(category.status).toBe(201);
  const categoryId = (category.body as { id: number }).id;

  await page.goto(settingsUrl());
  await expect(page.getByRole('heading', { name: 'IGNY8 Settings', level: 1 })).toBeVisible();
  const connection = page.getByRole('region', { name: 'Connection' });
  await expect(connection).toContainText('Connected');
  await expect(connection).toContainText('Settings Screen Agency');
  await expect(connection.getByRole('link', { name: 'Manage the connection' })).toHaveAttribute(
    'href',
    /page=igny8-connection/,
  );
  const usage = page.getByRole('region', { name: 'Usage and credits' });
  await expect(usage.getByTestId('igny8-balance')).toHaveText(GRANTED.toLocaleString('en-US'));
  await expect(usage.getByTestId('igny8-usage-total')).toHaveText('0');
  await expect(usage.getByRole('heading', { name: 'No credits used in the last 30 days' })).toBeVisible();

  const publishing = page.getByRole('region', { name: 'Publishing defaults' });
  const status = publishing.getByLabel('Default post status');
  // Only what the server's publish request accepts without a date.
  await expect(status.locator('option')).toHaveText(['Published', 'Draft']);
  await expect(status).toHaveValue('publish');
  const writing = page.getByRole('region', { name: 'Writing defaults' });
  const before = await api('GET', `/sites/${siteId}`, undefined, account.token);
  await expect(writing.getByLabel('Language')).toHaveValue(before.data.language);
  await page.screenshot({ path: `${SCREENS}/settings.png`, fullPage: true });

  await status.selectOption('draft');
  await publishing.getByLabel('Default author').selectOption(String(editor!.id));
  await publishing.getByLabel('Default category').selectOption({ label: categoryName });
  await publishing.getByRole('button', { name: 'Save publishing defaults' }).click();
  await expect(publishing.getByText('Publishing defaults saved.')).toBeVisible();

  // A language that is no language tag is refused by name, before anything is sent.
  await writing.getByLabel('Language').fill('Portuguese (Brazil)');
  await writing.getByRole('button', { name: 'Save writing defaults' }).click();
  await expect(writing.getByText('Language must be a language tag such as en, de or pt-BR.')).toBeVisible();
  await expect(writing.getByLabel('Language')).toBeFocused();
  await writing.getByLabel('Language').fill('pt-BR');
  await writing.getByLabel('Voice').fill('Friendly and practical, no jargon; short sentences.');
  await writing.getByRole('button', { name: 'Save writing defaults' }).click();
  await expect(writing.getByText('Writing defaults saved.')).toBeVisible();

  await page.reload();
  await expect(publishing.getByLabel('Default post status')).toHaveValue('draft');
  await expect(publishing.getByLabel('Default author')).toHaveValue(String(editor!.id));
  await expect(publishing.getByLabel('Default category')).toHaveValue(String(categoryId));
  await expect(writing.getByLabel('Language')).toHaveValue('pt-BR');
  await expect(writing.getByLabel('Voice')).toHaveValue('Friendly and practical, no jargon; short sentences.');
  await page.screenshot({ path: `${SCREENS}/settings-saved.png`, fullPage: true });

  // The server keeps the writing defaults as the site's own settings.
  const site = await api('GET', `/sites/${siteId}`, undefined, account.token);
  expect([site.data.language, site.data.voice]).toEqual([
    'pt-BR',
    'Friendly and practical, no jargon; short sentences.',
  ]);

  // The Writer's publish form starts from the publishing defaults.
  await page.goto(`${stack().wp.adminUrl}admin.php?page=igny8-writer`);
  expect(await page.evaluate(() => (window as any).igny8Writer.publish)).toEqual({
    status: 'draft',
    category: categoryName,
  });

  // Back to the defaults, so that the specs after this one publish as before.
  const reset = await apiFetchInPage(page, '/igny8/v1/settings', {
    method: 'POST',
    data: { defaultPostStatus: 'publish', defaultAuthor: 0, defaultCategory: 0 },
  });
  expect(reset.status).toBe(200);
});

test('an Editor cannot open Settings nor change its defaults', async ({ browser }) => {
  const context = await browser.newContext();
  const page = await context.newPage();
  await logIn(page, 'editor');
  await page.goto(dashboardUrl());
  await expect(page.locator('#adminmenu a[href*="page=igny8-settings"]')).toHaveCount(0);
  await expect(page.locator('#adminmenu a[href*="page=igny8-writer"]')).toHaveCount(1);
  const refused = await apiFetchInPage(page, '/igny8/v1/settings', {
    method: 'POST',
    data: { defaultPostStatus: 'draft' },
  });
  expect([refused.status, refused.body.code]).toEqual([403, 'rest_forbidden']);
  const response = await page.goto(settingsUrl());
  expect(response?.status()).toBe(403);
  await expect(page.getByText('Sorry, you are not allowed to access this page.')).toBeVisible();
  await context.close();
});

test('the Dashboard lists the recent jobs, and Settings the credits they used', async ({ page }) => {
  test.setTimeout(180_000);
  await logIn(page, 'admin');
  await page.goto(dashboardUrl());
  const jobs = page.getByRole('region', { name: 'Recent jobs' });
  await expect(jobs.getByRole('heading', { name: 'Recent jobs' })).toBeVisible();

  const sector = await apiFetchInPage(page, '/igny8/v1/app/sites/current/sectors', {
    method: 'POST',
    data: { name: 'Trail shoes' },
  });
  expect(sector.status, JSON.stringify(sector.body)).toBe(201);
  const sectorId = sector.body.data.id as string;
  const imported = await apiFetchInPage(page, '/igny8/v1/app/planner/keywords/import', {
    method: 'POST',
    data: { siteId: 'current', sectorId, text: KEYWORDS },
  });
  expect(imported.status, JSON.stringify(imported.body)).toBe(202);
  await finished(page, imported.body.data.jobId);
  const clustered = await apiFetchInPage(page, '/igny8/v1/app/planner/clusters/run', {
    method: 'POST',
    data: { siteId: 'current', sectorId, method: 'lexical' },
  });
  expect(clustered.status, JSON.stringify(clustered.body)).toBe(202);
  await finished(page, clustered.body.data.jobId);
  const clusters = await apiFetchInPage(page, `/igny8/v1/app/planner/clusters?siteId=current&sectorId=${sectorId}`);
  const clusterId = clusters.body.data.items[0].id as string;
  // A paid job (ideas by the fake AI): the Dashboard follows it while it runs.
  const ideas = await apiFetchInPage(page, `/igny8/v1/app/planner/clusters/${clusterId}/ideas/generate`, {
    method: 'POST',
    data: { count: 2 },
  });
  expect(ideas.status, JSON.stringify(ideas.body)).toBe(202);

  await page.goto(dashboardUrl());
  const ideasRow = jobs.getByRole('row', { name: /Suggest article ideas/ });
  // Polled while it is queued or running, until it is done.
  await expect(ideasRow).toContainText('Done', { timeout: 60_000 });
  await expect(jobs.getByRole('row', { name: /Import keywords/ })).toContainText('Done');
  await expect(jobs.getByRole('row', { name: /Cluster keywords/ })).toContainText('Done');
  await expect(jobs.getByRole('progressbar')).toHaveCount(0);
  await page.screenshot({ path: `${SCREENS}/dashboard-jobs.png`, fullPage: true });

  // The jobs the Dashboard lists are the server's, newest first.
  const listed = await api('GET', '/jobs?limit=10', undefined, account.token);
  const rows = jobs.locator('tbody tr');
  await expect(rows).toHaveCount(
    (listed.data.items as { siteId: string | null }[]).filter((job) => job.siteId === siteId).length,
  );

  // Settings: the ideas' credits, as the server counts them.
  const usage = await api('GET', '/billing/usage?groupBy=operation', undefined, account.token);
  const balance = await api('GET', '/billing/balance', undefined, account.token);
  expect(usage.data.total.credits).toBeGreaterThan(0);
  await page.goto(settingsUrl());
  const credits = page.getByRole('region', { name: 'Usage and credits' });
  await expect(credits.getByTestId('igny8-usage-total')).toHaveText(/\d/);
  expect(numberIn(await credits.getByTestId('igny8-usage-total').textContent())).toBe(usage.data.total.credits);
  // The balance arrives in its own request: wait for it as for the usage.
  await expect(credits.getByTestId('igny8-balance')).toHaveText(/\d/);
  expect(numberIn(await credits.getByTestId('igny8-balance').textContent())).toBe(balance.data.balance);
  expect(balance.data.balance).toBe(GRANTED - usage.data.total.credits);
  await expect(credits.getByRole('table', { name: 'By operation' })).toContainText('Suggesting article ideas');
  await expect(credits.getByRole('table', { name: 'By day' })).toBeVisible();
  await expect(credits).toContainText(
    new RegExp(`${usage.data.total.credits.toLocaleString('en-US')} credits? used in the last 30 days\\.`),
  );
  await page.screenshot({ path: `${SCREENS}/settings-usage.png`, fullPage: true });
});
