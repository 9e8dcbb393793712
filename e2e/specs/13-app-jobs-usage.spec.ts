import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { checkAppPage, signInToApp } from '../support/app.ts';
import { grantCredits } from '../support/key-material.ts';
import { apiFetchInPage, connectFromWpAdmin } from '../support/plugin-api.ts';
import { api, createConnectionKey, registerAccount } from '../support/server-api.ts';
import { stack } from '../support/stack.ts';

/**
 * The agency's jobs and spending in the web app: a site is connected, keywords are imported through the plugin and
 * an article is written; the app's Jobs screen lists those jobs, the Usage screen's table shows exactly the credits
 * the ledger holds, its CSV has the ledger's rows, and a job that failed (the fake provider refuses one call) is
 * retried from the Jobs screen into exactly one new job.
 */
test.describe.configure({ mode: 'serial' });

let account: Awaited<ReturnType<typeof registerAccount>>;
let siteId: string;

async function finished(jobId: string, expected = 'succeeded'): Promise<any> {
  await expect
    .poll(async () => (await api('GET', `/jobs/${jobId}`, undefined, account.token)).data.status, {
      timeout: 90_000,
      intervals: [300, 500, 1_000],
    })
    .toBe(expected);
  return (await api('GET', `/jobs/${jobId}`, undefined, account.token)).data;
}

/** Every entry of the account's ledger through the API, following nextCursor. */
async function ledger(query = ''): Promise<any[]> {
  const items: any[] = [];
  let cursor: string | null = null;
  do {
    const page: { status: number; data: any } = await api(
      'GET',
      `/billing/transactions?limit=200${query}${cursor ? `&cursor=${cursor}` : ''}`,
      undefined,
      account.token,
    );
    expect(page.status).toBe(200);
    items.push(...page.data.items);
    cursor = page.data.nextCursor;
  } while (cursor);
  return items;
}

const digits = (text: string | null) => Number((text ?? '').replace(/[^\d]/g, ''));

/** Signs in (landing on Sites), then opens a screen from the navigation as a person would. */
async function openApp(page: Page, screen: 'Jobs' | 'Usage and credits') {
  await signInToApp(page, account);
  await expect(page).toHaveURL(/\/app\/sites$/);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: screen }).click();
}

test.beforeAll(async () => {
  account = await registerAccount('Jobs Usage Agency');
  await grantCredits(account.accountId, 20_000);
});

test('a connected site imports keywords and writes an article; the Jobs screen lists both', async ({
  page,
}, testInfo) => {
  await connectFromWpAdmin(page, await createConnectionKey(account.token));
  siteId = (await api('GET', '/sites', undefined, account.token)).data.items[0].id as string;
  const sector = await api('POST', `/sites/${siteId}/sectors`, { name: 'Trail running' }, account.token);
  expect(sector.status).toBe(201);

  // Keywords through the plugin, as its Keywords screen sends them.
  const imported = await apiFetchInPage(page, '/igny8/v1/app/planner/keywords/import', {
    method: 'POST',
    data: { siteId: 'current', sectorId: sector.data.id, text: 'trail running shoes\nwaterproof trail shoes' },
  });
  expect(imported.status, JSON.stringify(imported.body)).toBe(202);
  await finished(imported.body.data.jobId);

  const task = await api(
    'POST',
    '/writer/tasks',
    {
      siteId,
      sectorId: sector.data.id,
      title: 'How to choose trail running shoes',
      primaryKeyword: 'trail running shoes',
      outline: [
        { level: 'h2', heading: 'Fit and comfort' },
        { level: 'h2', heading: 'Grip on wet rock' },
      ],
      targetWordCount: 500,
    },
    account.token,
  );
  expect(task.status, JSON.stringify(task.body)).toBe(201);
  const writing = await api('POST', `/writer/tasks/${task.data.id}/generate`, {}, account.token);
  expect(writing.status, JSON.stringify(writing.body)).toBe(202);
  await finished(writing.data.jobId);

  await openApp(page, 'Jobs');
  await expect(page.getByRole('heading', { name: 'Jobs', exact: true })).toBeVisible();
  const importRow = page.getByRole('row').filter({ hasText: 'Keyword import' });
  const writeRow = page.getByRole('row').filter({ hasText: 'Article writing' });
  await expect(importRow).toHaveCount(1);
  await expect(importRow).toContainText('Done');
  await expect(writeRow).toHaveCount(1);
  await expect(writeRow).toContainText('Done');
  await expect(writeRow.getByRole('progressbar')).toHaveAttribute('value', '100');
  await checkAppPage(page, testInfo, 'jobs');
});

test('the Usage table shows exactly the credits the ledger holds, and the CSV has its rows', async ({
  page,
}, testInfo) => {
  const entries = await ledger();
  const used = entries.filter((e) => e.kind === 'capture').reduce((sum, e) => sum + (e.credits ?? 0), 0);
  const usedOnSite = entries
    .filter((e) => e.kind === 'capture' && e.siteId === siteId)
    .reduce((sum, e) => sum + (e.credits ?? 0), 0);
  expect(used).toBeGreaterThan(0);
  const balance = (await api('GET', '/billing/balance', undefined, account.token)).data.balance as number;
  // The ledger is whole: the balance is what it adds up to.
  expect(entries.reduce((sum, e) => sum + e.amount, 0)).toBe(balance);

  await openApp(page, 'Usage and credits');
  await expect(page.getByRole('heading', { name: 'Usage and credits' })).toBeVisible();
  expect(digits(await page.getByTestId('balance').textContent())).toBe(balance);
  const table = page.getByTestId('usage-table');
  await expect(table).toBeVisible();
  expect(digits(await page.getByTestId('usage-total').textContent())).toBe(used);
  // By site: the connected site's column adds up to its captures.
  const siteName = (await api('GET', `/sites/${siteId}`, undefined, account.token)).data.name as string;
  const columns = await table.locator('thead th').allTextContents();
  const column = columns.indexOf(siteName);
  expect(column).toBeGreaterThan(0);
  const cells = await table.locator(`tfoot tr td:nth-child(${column + 1})`).allTextContents();
  expect(digits(cells[0]!)).toBe(usedOnSite);
  await checkAppPage(page, testInfo, 'usage');

  // The owner sets a low-balance threshold above the balance: the page warns, and the API says so too.
  await page.getByLabel('Warn me when the balance is under (credits)').fill(String(balance + 1_000));
  await page.getByRole('button', { name: 'Save threshold' }).click();
  await expect(page.locator('.components-notice.is-warning')).toContainText('under your low-balance threshold');
  expect((await api('GET', '/billing/balance', undefined, account.token)).data).toMatchObject({
    lowBalanceThreshold: balance + 1_000,
    low: true,
  });
  await checkAppPage(page, testInfo, 'usage-low-balance');

  // By operation over 90 days: the same total.
  await page.getByRole('button', { name: '90 days' }).click();
  await page.getByRole('button', { name: 'By operation' }).click();
  await expect(table.locator('tbody tr')).toHaveCount(90);
  await expect(table.getByRole('columnheader', { name: 'Article writing' })).toBeVisible();
  expect(digits(await page.getByTestId('usage-total').textContent())).toBe(used);

  // The CSV download: one row per ledger entry, in the same order.
  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Download CSV' }).click(),
  ]);
  expect(download.suggestedFilename()).toMatch(/^credit-transactions-\d{4}-\d{2}-\d{2}\.csv$/);
  const csv = readFileSync((await download.path())!, 'utf8')
    .trim()
    .split('\n');
  expect(csv[0]).toBe('date,kind,amount,credits,operation,site_id,job_id,model,note');
  expect(csv.slice(1).map((line) => line.split(',').slice(0, 3).join(','))).toEqual(
    entries.map((e) => `${e.createdAt},${e.kind},${e.amount}`),
  );
});

test('a failed job is retried from the Jobs screen into exactly one new job', async ({ page }) => {
  // The fake provider refuses the next call as out of quota: the run fails at once and gives its hold back.
  const knobs = await fetch(`${stack().fakeAiUrl}/__knobs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ failNext: [{ kind: 'quota' }] }),
  });
  expect(knobs.status).toBe(200);
  const run = await api(
    'POST',
    '/ai/runs',
    { function: 'auto_cluster', siteId, input: { keywords: ['trail running shoes', 'waterproof trail shoes'] } },
    account.token,
  );
  expect(run.status, JSON.stringify(run.body)).toBe(202);
  const failed = await finished(run.data.jobId, 'failed');
  expect(failed.error.message).not.toMatch(/\n\s+at /);

  await openApp(page, 'Jobs');
  const failedRow = page.getByRole('row').filter({ has: page.getByRole('cell', { name: 'Failed', exact: true }) });
  await expect(failedRow).toHaveCount(1);
  await expect(failedRow).toContainText(failed.error.message);
  await failedRow.getByRole('button', { name: 'Retry' }).click();
  const dialog = page.getByRole('dialog');
  await expect(dialog).toContainText('Retry this job?');
  await dialog.getByRole('button', { name: 'Retry job' }).click();
  await expect(page.locator('.components-notice', { hasText: 'Retry started' })).toBeVisible();

  const runs = async () =>
    (await api('GET', '/jobs?type=ai.auto_cluster', undefined, account.token)).data.items as any[];
  await expect.poll(async () => (await runs()).length).toBe(2);
  const retried = (await runs()).find((j) => j.retryOf === failed.id);
  expect(retried).toBeTruthy();
  await finished(retried.id);
  // Asking again through the API answers the same job: still two runs.
  const again = await api('POST', `/jobs/${failed.id}/retry`, {}, account.token);
  expect([again.status, again.data.jobId]).toEqual([202, retried.id]);
  expect(await runs()).toHaveLength(2);
  // The new job shows as done in the app, with its retry mark.
  await page.reload();
  const retryRow = page.getByRole('row').filter({ has: page.getByRole('cell', { name: 'AI clustering · retry' }) });
  await expect(retryRow).toContainText('Done');
  await expect(failedRow).toHaveCount(1);
});
