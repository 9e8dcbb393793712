import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { checkAppPage, signInToApp } from '../support/app.ts';
import { grantCredits } from '../support/key-material.ts';
import { connectFromWpAdmin } from '../support/plugin-api.ts';
import { api, createConnectionKey, registerAccount } from '../support/server-api.ts';
import { stack } from '../support/stack.ts';

/**
 * The agency's jobs and spending in the web app: a site is connected, a site owner imports keywords with the Planner's
 * wizard and writes an article from the Writer screen in wp-admin; the app's Jobs screen lists those jobs, the Usage
 * screen's table shows exactly the credits the ledger holds, its CSV has the ledger's rows, a job that failed (the fake
 * provider refuses one call) is retried from the Jobs screen into exactly one new job, and a running job (the fake
 * provider answers late) is cancelled from the Jobs screen with its held credits given back.
 */
test.describe.configure({ mode: 'serial' });

let account: Awaited<ReturnType<typeof registerAccount>>;
let siteId: string;

const TITLE = 'How to choose trail running shoes';

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

test('a site owner imports keywords and writes an article in wp-admin; the Jobs screen lists both', async ({
  page,
}, testInfo) => {
  await connectFromWpAdmin(page, await createConnectionKey(account.token));
  siteId = (await api('GET', '/sites', undefined, account.token)).data.items[0].id as string;
  const sector = await api('POST', `/sites/${siteId}/sectors`, { name: 'Trail running' }, account.token);
  expect(sector.status).toBe(201);

  const wpAdmin = stack().wp.adminUrl;

  // Keywords imported with the Planner's wizard, as a person does: a two-row Semrush export.
  await page.goto(`${wpAdmin}admin.php?page=igny8-planner`);
  await expect(page.getByLabel('Sector')).toHaveValue(sector.data.id);
  await page.getByRole('button', { name: 'Import keywords' }).click();
  const wizard = page.getByRole('dialog', { name: 'Import keywords' });
  await wizard.getByLabel('Keyword file').setInputFiles({
    name: 'keywords.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from(
      'Keyword,Volume,Keyword Difficulty\ntrail running shoes,1200,35\nwaterproof trail shoes,600,28\n',
    ),
  });
  await expect(wizard.getByText('keywords.csv: 3 lines.')).toBeVisible();
  await wizard.getByRole('button', { name: 'Import', exact: true }).click();
  await expect(wizard.getByRole('progressbar', { name: 'Importing keywords' })).toHaveAttribute(
    'aria-valuenow',
    '100',
    { timeout: 60_000 },
  );
  await expect(
    wizard.getByText('2 rows read: 2 new keywords, 0 updated, 0 refused, 0 repeated in the file.'),
  ).toBeVisible();
  await wizard.getByRole('button', { name: 'Done' }).click();

  // The article written from the Writer screen (the task itself is made through the API, as spec 05 does).
  const task = await api(
    'POST',
    '/writer/tasks',
    {
      siteId,
      sectorId: sector.data.id,
      title: TITLE,
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
  await page.goto(`${wpAdmin}admin.php?page=igny8-writer`);
  await page.getByRole('button', { name: `Open "${TITLE}"` }).click();
  await page.getByRole('button', { name: 'Write', exact: true }).click();
  await expect(page.locator('.igny8-status')).toContainText('The article is written', { timeout: 90_000 });

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

test('a running job is cancelled from the Jobs screen and the credits it held are given back', async ({ page }) => {
  // The fake provider answers after a minute: the run waits on it (running) until it is cancelled.
  const knobs = (body: object) =>
    fetch(`${stack().fakeAiUrl}/__knobs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  expect((await knobs({ latencyMs: 60_000 })).status).toBe(200);
  try {
    const run = await api(
      'POST',
      '/ai/runs',
      { function: 'auto_cluster', siteId, input: { keywords: ['trail running shoes', 'trail running socks'] } },
      account.token,
    );
    expect(run.status, JSON.stringify(run.body)).toBe(202);
    const jobId = run.data.jobId as string;

    await openApp(page, 'Jobs');
    const activeRow = page
      .getByRole('row')
      .filter({ has: page.getByRole('cell', { name: /^(Waiting|Running)$/ }) })
      .filter({ hasText: 'AI clustering' });
    await expect(activeRow).toHaveCount(1);
    await activeRow.getByRole('button', { name: 'Cancel' }).click();
    const dialog = page.getByRole('dialog');
    await expect(dialog).toContainText('Cancel this job?');
    await expect(dialog).toContainText('credits it held for work not done are given back');
    await dialog.getByRole('button', { name: 'Cancel job' }).click();
    await expect(page.locator('.components-notice', { hasText: 'Cancellation requested.' })).toBeVisible();

    const cancelled = await finished(jobId, 'cancelled');
    expect(cancelled.id).toBe(jobId);
    // The screen follows the job to its end (it refreshes while a job is active).
    const cancelledRow = page
      .getByRole('row')
      .filter({ has: page.getByRole('cell', { name: 'Cancelled', exact: true }) });
    await expect(cancelledRow).toHaveCount(1, { timeout: 15_000 });
    await expect(cancelledRow.getByRole('button', { name: 'Cancel' })).toHaveCount(0);

    // The ledger: the job's hold is released in full, nothing is captured, and the balance adds up.
    await expect
      .poll(async () => (await ledger()).filter((e) => e.jobRunId === jobId).map((e) => e.kind), { timeout: 15_000 })
      .toEqual(expect.arrayContaining(['hold', 'release']));
    const ofJob = (await ledger()).filter((e) => e.jobRunId === jobId);
    const hold = ofJob.find((e) => e.kind === 'hold');
    expect(hold.amount).toBeLessThan(0);
    expect(ofJob.filter((e) => e.kind === 'capture')).toHaveLength(0);
    expect(ofJob.filter((e) => e.kind === 'release').map((e) => e.amount)).toEqual([-hold.amount]);
    expect(ofJob.reduce((sum, e) => sum + e.amount, 0)).toBe(0);
    const balance = (await api('GET', '/billing/balance', undefined, account.token)).data.balance as number;
    expect((await ledger()).reduce((sum, e) => sum + e.amount, 0)).toBe(balance);
  } finally {
    // Later specs share the fake provider: answer at once again.
    await knobs({ latencyMs: 0 });
  }
});
