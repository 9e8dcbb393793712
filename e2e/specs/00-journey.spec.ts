import { expect, test, type Page } from '@playwright/test';
import { grantCredits } from '../support/key-material.ts';
import { keywordCsv } from '../support/keywords.ts';
import { apiFetchInPage } from '../support/plugin-api.ts';
import { api, createConnectionKey, registerAccount } from '../support/server-api.ts';
import { SCREENS, stack } from '../support/stack.ts';
import { connectionScreenUrl, logIn } from '../support/wp-admin.ts';

/**
 * The whole journey, on the fresh WordPress and server the global setup started (this spec runs first): the admin
 * connects the site, adds a sector, imports 200 keywords and watches the progress bar reach 100%, clusters them,
 * generates ideas for one cluster and turns two into tasks, writes both with images, reviews one, approves and
 * publishes it, sees the post on the site's front end with its featured image; an Editor writes a draft from the
 * block editor's sidebar and saves it; and the credit balance fell by exactly the usage the Settings screen
 * reports. Every step happens in wp-admin; the server API is only read to check. Each screen is kept as a
 * screenshot. The journey ends by disconnecting, so the specs after it start from an unconnected site.
 */
test.describe.configure({ mode: 'serial' });

const GRANTED = 5000;

let account: Awaited<ReturnType<typeof registerAccount>>;
let siteId: string;
let taskTitles: string[] = [];

const adminPage = (path: string) => `${stack().wp.adminUrl}${path}`;
const shot = (page: Page, name: string) => page.screenshot({ path: `${SCREENS}/journey-${name}.png`, fullPage: true });
/** Resolves once a progress bar has been on the page (it may show for a second only). */
const progressBarShown = (page: Page) =>
  page.waitForSelector('[role="progressbar"]', { state: 'attached', timeout: 30_000 }).then(() => true);
/** "1,234" (as WordPress's number_format_i18n or Intl write it) -> 1234. */
const numberIn = (text: string | null) => Number((text ?? '').replace(/[^\d-]/g, ''));

/** The balance and the usage the Settings screen shows (read from the text a person sees). */
async function creditsOnSettings(page: Page): Promise<{ balance: number; used: number }> {
  await page.goto(adminPage('admin.php?page=igny8-settings'));
  await expect(page.getByRole('heading', { name: 'Usage and credits' })).toBeVisible();
  const balance = page.getByTestId('igny8-balance');
  const used = page.getByTestId('igny8-usage-total');
  await expect(balance).toHaveText(/\d/, { timeout: 30_000 });
  await expect(used).toHaveText(/\d/, { timeout: 30_000 });
  return { balance: numberIn(await balance.textContent()), used: numberIn(await used.textContent()) };
}

test.beforeAll(async () => {
  account = await registerAccount('Journey Outdoors');
  await grantCredits(account.accountId, GRANTED);
});

test('a fresh WordPress has the IGNY8 menu, and every screen says how to connect', async ({ page }) => {
  await logIn(page, 'admin');
  await page.goto(adminPage('index.php'));
  await page.locator('#adminmenu').getByRole('link', { name: 'IGNY8', exact: true }).click();
  const menu = page.locator('#toplevel_page_igny8 .wp-submenu');
  for (const item of ['Dashboard', 'Planner', 'Writer', 'Settings', 'Connection']) {
    await expect(menu.getByRole('link', { name: item, exact: true })).toBeVisible();
  }
  await shot(page, '01-dashboard-not-connected');
  await menu.getByRole('link', { name: 'Planner', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'This site is not connected to IGNY8 yet' })).toBeVisible();
});

test('the admin connects the site from the Connection screen and sees the balance', async ({ page }) => {
  const key = await createConnectionKey(account.token);
  await logIn(page, 'admin');
  await page.goto(connectionScreenUrl());
  // The manual key is under its disclosure; the one-click Connect to IGNY8 is the primary action.
  await page.getByText('Connect with a key (headless setups)').click();
  await page.getByLabel('Server URL').fill(stack().serverUrl);
  await page.getByLabel('Account connection key').fill(key);
  await shot(page, '02-connection-form');
  await page.getByRole('button', { name: 'Connect', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'Connected', exact: true })).toBeVisible({ timeout: 30_000 });
  const balance = page.locator('dt', { hasText: 'Credit balance' }).locator('xpath=following-sibling::dd[1]');
  expect(numberIn(await balance.textContent())).toBe(GRANTED);
  await shot(page, '03-connected');
  siteId = (await api('GET', '/sites', undefined, account.token)).data.items[0].id;

  // Settings: nothing used yet, the whole grant left.
  expect(await creditsOnSettings(page)).toEqual({ balance: GRANTED, used: 0 });
  await shot(page, '04-settings');
});

test('the admin adds a sector and imports 200 keywords, watching the progress bar reach 100%', async ({ page }) => {
  await logIn(page, 'admin');
  await page.goto(adminPage('admin.php?page=igny8-planner'));
  await expect(page.getByRole('heading', { name: 'This site has no sectors yet' })).toBeVisible();
  await page.getByLabel('New sector').fill('Trail running');
  await page.getByRole('button', { name: 'Add sector' }).click();
  await expect(page.getByRole('status')).toHaveText('Sector “Trail running” added.');
  await expect(page.getByRole('heading', { name: 'No keywords in this sector yet' })).toBeVisible();
  await shot(page, '05-planner-empty');

  await page.getByRole('button', { name: 'Import keywords' }).click();
  const wizard = page.getByRole('dialog', { name: 'Import keywords' });
  await wizard.getByLabel('Keyword file').setInputFiles({
    name: 'keywords.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from(keywordCsv()),
  });
  await expect(wizard.getByText('keywords.csv: 201 lines.')).toBeVisible();
  await wizard.getByRole('button', { name: 'Import', exact: true }).click();
  const progress = wizard.getByRole('progressbar', { name: 'Importing keywords' });
  await expect(progress).toBeVisible();
  await expect(progress).toHaveAttribute('aria-valuenow', '100', { timeout: 60_000 });
  await expect(
    wizard.getByText('200 rows read: 200 new keywords, 0 updated, 0 refused, 0 repeated in the file.'),
  ).toBeVisible();
  await shot(page, '06-import-done');
  await wizard.getByRole('button', { name: 'Done' }).click();
  await expect(page.getByText('Keywords 1–50 of 200')).toBeVisible();
  await shot(page, '07-keywords');
});

test('the admin clusters the keywords, generates ideas for one cluster and turns two into tasks', async ({ page }) => {
  await logIn(page, 'admin');
  await page.goto(adminPage('admin.php?page=igny8-planner'));
  await page.getByRole('tab', { name: 'Clusters and ideas' }).click();
  await page.getByRole('button', { name: 'Cluster new keywords' }).click();
  await expect(page.getByRole('progressbar', { name: 'Clustering keywords' })).toHaveAttribute('aria-valuenow', '100', {
    timeout: 60_000,
  });
  await expect(page.getByRole('status')).toContainText('Clustering done:');
  await shot(page, '08-clusters');

  const firstIdeas = page.getByRole('button', { name: /^Ideas for / }).first();
  const clusterName = ((await firstIdeas.getAttribute('aria-label')) ?? '').replace(/^Ideas for /, '');
  await firstIdeas.click();
  const panel = page.getByRole('region', { name: `Ideas for “${clusterName}”` });
  await panel.getByLabel('How many ideas').selectOption('3');
  await panel.getByRole('button', { name: 'Generate ideas' }).click();
  await expect(panel.getByRole('progressbar', { name: 'Generating ideas' })).toHaveAttribute('aria-valuenow', '100', {
    timeout: 60_000,
  });
  const ideas = panel.getByRole('article');
  await expect(ideas.nth(1)).toBeVisible();
  for (const n of [0, 1]) {
    await ideas
      .nth(n)
      .getByRole('button', { name: /^Approve/ })
      .click();
    await expect(ideas.nth(n)).toContainText('Status: Approved.');
  }
  await shot(page, '09-ideas');
  await panel.getByRole('button', { name: 'Create 2 Writer tasks' }).click();
  await expect(page.getByRole('status')).toHaveText('2 Writer tasks created.');

  const tasks = await api('GET', `/writer/tasks?siteId=${siteId}`, undefined, account.token);
  taskTitles = (tasks.data.items as { title: string }[]).map((task) => task.title);
  expect(taskTitles).toHaveLength(2);
});

test('the admin writes both tasks with their images on the Writer screen', async ({ page }) => {
  test.setTimeout(300_000);
  await logIn(page, 'admin');
  await page.goto(adminPage('admin.php?page=igny8-writer'));
  for (const title of taskTitles) {
    await expect(page.getByRole('row', { name: new RegExp(escapeRegExp(title)) })).toContainText('To write');
  }
  await shot(page, '10-writer-tasks');

  for (const [n, title] of taskTitles.entries()) {
    await page.getByRole('button', { name: `Open "${title}"` }).click();
    await expect(page.getByRole('heading', { name: title, level: 2 })).toBeFocused();
    const writing = progressBarShown(page);
    await page.getByRole('button', { name: 'Write', exact: true }).click();
    expect(await writing).toBe(true);
    await expect(page.locator('.igny8-status')).toContainText('The article is written', { timeout: 90_000 });
    const illustrating = progressBarShown(page);
    await page.getByRole('button', { name: 'Make images' }).click();
    expect(await illustrating).toBe(true);
    await expect(page.locator('.igny8-status')).toContainText(/\d+ images? (is|are) ready\./, { timeout: 90_000 });
    if (n === 0) await shot(page, '11-writer-written');
    await page.getByRole('button', { name: '← All tasks' }).click();
  }
});

test('the admin reviews one article, approves and publishes it, and the post is on the front end', async ({ page }) => {
  test.setTimeout(180_000);
  const title = taskTitles[0]!;
  await logIn(page, 'admin');
  await page.goto(adminPage('admin.php?page=igny8-writer'));
  await page.getByRole('button', { name: `Open "${title}"` }).click();
  await expect(page.getByRole('heading', { name: 'Review' })).toBeVisible();
  const frame = page.frameLocator('iframe[title^="Preview of"]');
  await expect(frame.getByRole('heading', { name: title, level: 1 })).toBeVisible();
  await page.locator('.igny8-writer__review').screenshot({ path: `${SCREENS}/journey-12-review.png` });

  await page.getByRole('tab', { name: 'Images' }).click();
  const featured = page.locator('.igny8-writer__image').first();
  await expect(featured.getByRole('heading', { name: 'Featured image' })).toBeVisible();
  await expect
    .poll(() => featured.locator('img').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0))
    .toBe(true);

  await page.getByRole('button', { name: /^Approve/ }).click();
  await expect(page.locator('#igny8-root').getByText('This version is approved.')).toBeVisible();
  await page.getByRole('tab', { name: 'Publish' }).click();
  const publishing = progressBarShown(page);
  await page.getByRole('button', { name: 'Publish', exact: true }).click();
  expect(await publishing).toBe(true);
  await expect(page.locator('#igny8-root .components-notice').getByText('Published on this site.')).toBeVisible({
    timeout: 90_000,
  });
  await shot(page, '13-published');
  const url = await page.getByRole('link', { name: /View the post/ }).getAttribute('href');
  expect(url).toBeTruthy();

  // A visitor (no wp-admin cookies) sees the post with its featured image.
  const visitor = await page.context().browser()!.newContext();
  const front = await visitor.newPage();
  await front.goto(url as string);
  await expect(front.getByRole('heading', { name: title }).first()).toBeVisible();
  const image = front.locator('img.wp-post-image').first();
  await expect(image).toBeVisible();
  expect(await image.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);
  await front.screenshot({ path: `${SCREENS}/journey-14-front-end.png`, fullPage: true });
  await visitor.close();
});

test('an Editor writes a draft from the block editor sidebar on a new post and saves it', async ({ page }) => {
  test.setTimeout(180_000);
  await logIn(page, 'editor');
  await page.goto(adminPage('post-new.php'));
  await expect(page.locator('.edit-post-layout')).toBeVisible();
  await page.locator('.interface-pinned-items').getByRole('button', { name: 'IGNY8' }).click();
  const sidebar = page.locator('.igny8-sidebar');
  const write = sidebar.getByRole('button', { name: 'Write draft' });
  await sidebar.getByLabel('Keyword or idea').fill('trail running vest fit');
  await sidebar.getByLabel('Length in words').fill('600');
  await expect(sidebar.getByText(/Estimated cost: up to \d+ credits? \(.+\)\./)).toBeVisible();
  await shot(page, '15-sidebar-estimate');
  await write.click();
  await expect(sidebar.getByText(/The draft was inserted \(\d+ blocks\)\. Save the post to keep it\./)).toBeVisible({
    timeout: 90_000,
  });
  await page.getByRole('button', { name: 'Save draft' }).click();
  await expect(page.locator('.editor-post-saved-state.is-saved')).toBeVisible({ timeout: 30_000 });
  const postId = await page.evaluate(() => (window as any).wp.data.select('core/editor').getCurrentPostId() as number);
  const saved = await apiFetchInPage(page, `/wp/v2/posts/${postId}?context=edit`);
  expect(saved.body.status).toBe('draft');
  expect(saved.body.content.raw).toContain('<!-- wp:heading');
  await shot(page, '16-sidebar-saved');
});

test('the credit balance fell by exactly the usage the Settings screen reports', async ({ page }) => {
  await logIn(page, 'admin');
  const { balance, used } = await creditsOnSettings(page);
  await shot(page, '17-settings-usage');
  expect(used).toBeGreaterThan(0);
  expect(GRANTED - balance).toBe(used);
  // The server's own ledger agrees with the screen.
  const server = await api('GET', '/billing/balance', undefined, account.token);
  expect(server.data.balance).toBe(balance);

  // The Dashboard lists the journey's jobs, newest first: the Editor's draft, then the publishing.
  await page.goto(adminPage('admin.php?page=igny8'));
  // An administrator's Dashboard shows the current balance, not the site's last heartbeat.
  const balanceCard = page.locator('.igny8-dashboard__card', { hasText: 'Credit balance' });
  await expect.poll(async () => numberIn(await balanceCard.textContent())).toBe(balance);
  const jobs = page.getByRole('table', { name: 'The latest jobs of this site, newest first' });
  await expect(jobs.getByRole('row', { name: /Publish/ }).first()).toBeVisible({ timeout: 30_000 });
  await expect(jobs.getByRole('row', { name: /Write article/ }).first()).toBeVisible();
  await expect(jobs.getByRole('row', { name: /Make images/ }).first()).toBeVisible();
  await shot(page, '18-dashboard');
});

test('the journey ends with the admin disconnecting the site', async ({ page }) => {
  await logIn(page, 'admin');
  await page.goto(connectionScreenUrl());
  await page.getByRole('button', { name: 'Disconnect' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Disconnect' }).click();
  await expect(page.getByRole('button', { name: 'Connect to IGNY8', exact: true })).toBeVisible({ timeout: 30_000 });
  const sites = await api('GET', '/sites', undefined, account.token);
  expect(sites.data.items[0].connection.status).toBe('disconnected');
});

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
