import { readFileSync } from 'node:fs';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { DEMO_RESULTS, demoStack } from './stack.ts';

/**
 * The README's first command, followed as a newcomer would: after `npm run demo` (and nothing else) wp-admin is
 * connected to a demo account with trial credits; the admin imports the example keyword file in the Planner,
 * clusters it, turns ideas into tasks, writes one with images in the Writer and publishes it; a visitor reads it,
 * marked as a demo article. Everything runs on the embedded database the demo uses.
 */
test.describe.configure({ mode: 'serial' });

const shot = (page: Page, name: string) =>
  page.screenshot({ path: path.join(DEMO_RESULTS, 'screens', `demo-${name}.png`), fullPage: true });
const adminPage = (p: string) => `${demoStack().wordpress.adminUrl}${p}`;
const progressBarShown = (page: Page) =>
  page.waitForSelector('[role="progressbar"]', { state: 'attached', timeout: 30_000 }).then(() => true);

async function logIn(page: Page) {
  const { wordpress } = demoStack();
  await page.goto(`${wordpress.url}/wp-login.php`);
  await page.getByLabel('Username or Email Address').fill(wordpress.users.admin.username);
  await page.getByLabel('Password', { exact: true }).fill(wordpress.users.admin.password);
  await page.getByRole('button', { name: 'Log In' }).click();
  await expect(page.locator('#wpadminbar')).toBeVisible();
}

let taskTitle: string;

test('the demo is ready, on the embedded database, with a connected site and trial credits', async ({ page }) => {
  const stack = demoStack();
  console.log(`npm run demo was ready in ${(stack.readyMs / 1000).toFixed(1)} s`);
  const status = await (await fetch(`${stack.serverUrl}/api/v1/system/status`)).json();
  expect(status.data.database.mode).toBe('embedded');
  await logIn(page);
  await page.goto(adminPage('admin.php?page=igny8-connection'));
  await expect(page.getByRole('heading', { name: 'Connected', exact: true })).toBeVisible({ timeout: 30_000 });
  await expect(page.locator('dt', { hasText: 'Credit balance' }).locator('xpath=following-sibling::dd[1]')).toHaveText(
    /5,000/,
  );
  await shot(page, '01-connected');
});

test('the admin imports the example keywords and clusters them', async ({ page }) => {
  const stack = demoStack();
  await logIn(page);
  await page.goto(adminPage('admin.php?page=igny8-planner'));
  await expect(page.getByRole('heading', { name: 'No keywords in this sector yet' })).toBeVisible();
  await page.getByRole('button', { name: 'Import keywords' }).click();
  const wizard = page.getByRole('dialog', { name: 'Import keywords' });
  await wizard.getByLabel('Keyword file').setInputFiles({
    name: 'demo-keywords.csv',
    mimeType: 'text/csv',
    buffer: readFileSync(stack.keywordsFile),
  });
  await expect(wizard.getByText('demo-keywords.csv: 79 lines.')).toBeVisible();
  await wizard.getByRole('button', { name: 'Import', exact: true }).click();
  await expect(wizard.getByRole('progressbar', { name: 'Importing keywords' })).toHaveAttribute(
    'aria-valuenow',
    '100',
    {
      timeout: 60_000,
    },
  );
  await expect(
    wizard.getByText('78 rows read: 78 new keywords, 0 updated, 0 refused, 0 repeated in the file.'),
  ).toBeVisible();
  await wizard.getByRole('button', { name: 'Done' }).click();
  await shot(page, '02-keywords');

  await page.getByRole('tab', { name: 'Clusters and ideas' }).click();
  await page.getByRole('button', { name: 'Cluster new keywords' }).click();
  await expect(page.getByRole('progressbar', { name: 'Clustering keywords' })).toHaveAttribute('aria-valuenow', '100', {
    timeout: 60_000,
  });
  await expect(page.getByRole('status')).toContainText('Clustering done:');
  await shot(page, '03-clusters');
});

test('the admin turns two ideas of a cluster into Writer tasks', async ({ page }) => {
  await logIn(page);
  await page.goto(adminPage('admin.php?page=igny8-planner'));
  await page.getByRole('tab', { name: 'Clusters and ideas' }).click();
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
  await expect(ideas.first()).toContainText('Demo idea');
  for (const n of [0, 1]) {
    await ideas
      .nth(n)
      .getByRole('button', { name: /^Approve/ })
      .click();
    await expect(ideas.nth(n)).toContainText('Status: Approved.');
  }
  await panel.getByRole('button', { name: 'Create 2 Writer tasks' }).click();
  await expect(page.getByRole('status')).toHaveText('2 Writer tasks created.');
  await shot(page, '04-ideas');
});

test('the admin writes one task with images, approves and publishes it, and a visitor reads it', async ({ page }) => {
  test.setTimeout(300_000);
  await logIn(page);
  await page.goto(adminPage('admin.php?page=igny8-writer'));
  const open = page.getByRole('button', { name: /^Open "/ }).first();
  taskTitle = ((await open.getAttribute('aria-label')) ?? (await open.textContent()) ?? '').replace(/^Open "|"$/g, '');
  await open.click();
  await expect(page.getByRole('heading', { name: taskTitle, level: 2 })).toBeFocused();
  const writing = progressBarShown(page);
  await page.getByRole('button', { name: 'Write', exact: true }).click();
  expect(await writing).toBe(true);
  await expect(page.locator('.igny8-status')).toContainText('The article is written', { timeout: 90_000 });
  const illustrating = progressBarShown(page);
  await page.getByRole('button', { name: 'Make images' }).click();
  expect(await illustrating).toBe(true);
  await expect(page.locator('.igny8-status')).toContainText(/\d+ images? (is|are) ready\./, { timeout: 90_000 });
  await expect(page.getByRole('region', { name: 'Review' })).toContainText('Demo article: written by the demo AI');
  await shot(page, '05-written');

  await page.getByRole('button', { name: /^Approve/ }).click();
  await expect(page.locator('#igny8-root').getByText('This version is approved.')).toBeVisible();
  await page.getByRole('tab', { name: 'Publish' }).click();
  const publishing = progressBarShown(page);
  await page.getByRole('button', { name: 'Publish', exact: true }).click();
  expect(await publishing).toBe(true);
  await expect(page.locator('#igny8-root .components-notice').getByText('Published on this site.')).toBeVisible({
    timeout: 90_000,
  });
  const url = await page.getByRole('link', { name: /View the post/ }).getAttribute('href');
  expect(url).toBeTruthy();
  await shot(page, '06-published');

  const visitor = await page.context().browser()!.newContext();
  const front = await visitor.newPage();
  await front.goto(url as string);
  await expect(front.getByRole('heading', { name: taskTitle }).first()).toBeVisible();
  await expect(
    front.getByText('Demo article: written by the IGNY8 demo AI. This is filler text, not advice.'),
  ).toBeVisible();
  const image = front.locator('img.wp-post-image').first();
  await expect(image).toBeVisible();
  expect(await image.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);
  await front.screenshot({ path: path.join(DEMO_RESULTS, 'screens', 'demo-07-front-end.png'), fullPage: true });
  await visitor.close();
});

test('the demo account signs in to the web app and sees its site with this month’s work', async ({ page }) => {
  const stack = demoStack();
  await page.goto(`${stack.serverUrl}/app/sign-in`);
  await page.getByLabel('Email').fill(stack.account.email);
  await page.getByLabel('Password').fill(stack.account.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/app\/sites$/);
  const row = page.getByRole('row').filter({ hasText: new URL(stack.wordpress.url).host });
  await expect(row).toHaveCount(1);
  await expect(row.getByText('Healthy')).toBeVisible();
  await shot(page, '08-web-app-sites');
});
