import { expect, test, type Page } from '@playwright/test';
import { checkAppPage, signInToApp } from '../support/app.ts';
import { grantCredits } from '../support/key-material.ts';
import { connectFromWpAdmin } from '../support/plugin-api.ts';
import { rememberSecret } from '../support/secrets.ts';
import { api, createConnectionKey, loginAccount, registerAccount } from '../support/server-api.ts';
import { stack } from '../support/stack.ts';

/**
 * Automation in the web app: the site page's Automation section (schedule with the next run in the site's time
 * zone, credits, the review queue linking into the site's wp-admin); Run now starts a run whose stages fill in and
 * which ends with its reason in words and a row in the run history; then from the Sites table, Start automation and
 * Pause automation on the chosen sites (the fake provider answers late, so the run is still going when paused),
 * with the Automation column following, Resume and Cancel on the site page; a viewer sees it all and no buttons;
 * another account's site id is a not-found result of its own.
 */
test.describe.configure({ mode: 'serial' });

let account: Awaited<ReturnType<typeof registerAccount>>;
let site: { id: string; name: string; url: string };

const knobs = (body: object) =>
  fetch(`${stack().fakeAiUrl}/__knobs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

async function openSitePage(page: Page) {
  await signInToApp(page, account);
  await expect(page).toHaveURL(/\/app\/sites$/);
  await page.getByRole('link', { name: site.name }).click();
  await expect(page.getByRole('heading', { name: site.name, level: 1 })).toBeVisible();
  return page.getByRole('region', { name: 'Automation' });
}

/** The site's runs through the API, newest first. */
async function runs(): Promise<any[]> {
  return (await api('GET', `/sites/${site.id}/automation/runs`, undefined, account.token)).data.items;
}

test.beforeAll(async () => {
  account = await registerAccount('Automation Agency');
  await grantCredits(account.accountId, 50_000);
});

test('the site page shows automation: schedule, next run in the site’s time, credits and the review queue', async ({
  page,
}, testInfo) => {
  await connectFromWpAdmin(page, await createConnectionKey(account.token));
  site = (await api('GET', '/sites', undefined, account.token)).data.items[0];
  const sector = await api('POST', `/sites/${site.id}/sectors`, { name: 'Coffee' }, account.token);
  expect(sector.status).toBe(201);
  const keywords = await api(
    'POST',
    '/planner/keywords',
    {
      siteId: site.id,
      sectorId: sector.data.id,
      keywords: ['cold brew', 'cold brew ratio', 'cold brew concentrate', 'pour over', 'pour over ratio'].map(
        (keyword) => ({ keyword }),
      ),
    },
    account.token,
  );
  expect(keywords.status, JSON.stringify(keywords.body)).toBeLessThan(300);

  const automation = await openSitePage(page);
  await expect(automation.getByText('Off', { exact: true })).toBeVisible();
  await expect(automation.getByText('No run yet.', { exact: false })).toBeVisible();
  await expect(automation.getByText('No runs yet')).toBeVisible();
  await expect(automation.getByRole('link', { name: /IGNY8 > Automation/ })).toHaveAttribute(
    'href',
    /wp-admin\/admin\.php\?page=igny8-automation/,
  );

  // The schedule on (as the plugin's screen would set it): the next run shows in the site's own time zone.
  const settings = await api(
    'PUT',
    `/sites/${site.id}/automation`,
    { schedule: { enabled: true, frequency: 'daily', time: '06:00' } },
    account.token,
  );
  expect(settings.status, JSON.stringify(settings.body)).toBe(200);
  const state = (await api('GET', `/sites/${site.id}/automation`, undefined, account.token)).data;
  expect(state.nextRunAt).toEqual(expect.any(String));
  await page.reload();
  await expect(automation.getByText('On', { exact: true })).toBeVisible();
  await expect(automation.getByText('Every day at 06:00')).toBeVisible();
  await expect(
    automation.getByText('No run yet. The first starts at the next run above', { exact: false }),
  ).toBeVisible();
  await expect(automation.getByText(`(site time, ${state.timezone})`, { exact: false })).toBeVisible();
  await checkAppPage(page, testInfo, 'site-automation');
});

test('Run now starts a run whose stages fill in, and which ends with its reason in words', async ({
  page,
}, testInfo) => {
  test.setTimeout(180_000);
  // Stop after ideas: clustering and ideas fill in, and the run ends by itself for review.
  const settings = await api(
    'PUT',
    `/sites/${site.id}/automation`,
    { stopAfter: 'ideas', schedule: { enabled: false } },
    account.token,
  );
  expect(settings.status, JSON.stringify(settings.body)).toBe(200);
  // Slow enough answers that the run is seen in progress, at its ideas stage.
  expect((await knobs({ latencyMs: 6_000 })).status).toBe(200);
  try {
    const automation = await openSitePage(page);
    await automation.getByRole('button', { name: 'Run now' }).click();
    await expect(automation.getByText('Run started.', { exact: false })).toBeVisible();
    const active = page.getByRole('region', { name: 'Run in progress' });
    await expect(active).toBeVisible();
    await expect(active.getByRole('progressbar')).toHaveCount(7);
    // The stages fill in while it runs: clustering finishes (its bar full, its counts in) while ideas are written.
    await expect(active.getByRole('progressbar', { name: 'Clustering keywords: 100% done' })).toBeVisible({
      timeout: 60_000,
    });
    const clustering = active.getByRole('listitem').filter({ hasText: 'Clustering keywords' });
    await expect(clustering).toContainText('Done');
    await expect(clustering).toContainText(/[1-9]\d* in · [1-9]\d* made/);
    await expect(active.getByRole('progressbar', { name: /^Tasks: / })).toBeVisible();
    await checkAppPage(page, testInfo, 'site-automation-running');

    // It ends by itself after ideas; the reason shows in words, and the run is in the history.
    await expect(automation.getByRole('heading', { name: 'Last run' })).toBeVisible({ timeout: 150_000 });
    await expect(active).toHaveCount(0);
    await expect(automation.getByText('Run started.', { exact: false })).toHaveCount(0);
    // The pipeline above follows: the run's clusters and ideas are counted.
    await expect(page.getByRole('link', { name: /^[1-9]\d*\s+Clusters$/ })).toBeVisible();
    await expect(
      automation.getByText('It stopped after the stage chosen for review, as set.', { exact: false }),
    ).toBeVisible();
    const history = page.getByRole('region', { name: 'Run history' });
    const row = history.getByRole('row').filter({ hasText: 'Stopped for review' });
    await expect(row).toHaveCount(1);
    await expect(row).toContainText('Run now');
    const [run] = await runs();
    expect(run).toMatchObject({ status: 'ended', stopReason: 'stopped_after_stage', trigger: 'manual' });
    const cluster = run.stages.find((s: { stage: string }) => s.stage === 'cluster');
    expect(cluster.out).toBeGreaterThan(0);
    await checkAppPage(page, testInfo, 'site-automation-ended');
  } finally {
    await knobs({ latencyMs: 0 });
  }
});

test('Start and Pause automation on the chosen sites from the Sites table', async ({ page }, testInfo) => {
  test.setTimeout(180_000);
  // More keywords, every stage, and slow answers: the run is still going when it is paused.
  const more = await api(
    'POST',
    '/planner/keywords',
    {
      siteId: site.id,
      sectorId: (await api('GET', `/sites/${site.id}/sectors`, undefined, account.token)).data[0].id,
      keywords: ['espresso grind', 'espresso ratio', 'espresso machine'].map((keyword) => ({ keyword })),
    },
    account.token,
  );
  expect(more.status, JSON.stringify(more.body)).toBeLessThan(300);
  expect((await api('PUT', `/sites/${site.id}/automation`, { stopAfter: null }, account.token)).status).toBe(200);
  expect((await knobs({ latencyMs: 8_000 })).status).toBe(200);
  try {
    await signInToApp(page, account);
    const row = page.getByRole('row').filter({ has: page.getByRole('link', { name: site.name }) });
    await expect(row.getByText('Schedule off')).toBeVisible();
    await expect(row.getByText('Last run: Stopped for review')).toBeVisible();

    await row.getByRole('checkbox').check();
    await page.getByRole('button', { name: 'Start automation' }).click();
    const notice = page.locator('.igny8-bulk-results');
    await expect(notice.getByText('Start automation: 1 of 1 site done.')).toBeVisible({ timeout: 30_000 });
    await expect(notice.getByText(`Automation started on "${site.name}".`)).toBeVisible();
    await expect(row.getByText(/Run: (Queued|Running)/)).toBeVisible();
    const [started] = await runs();
    expect(started.status).not.toBe('ended');
    await checkAppPage(page, testInfo, 'sites-automation');

    await row.getByRole('checkbox').check();
    await page.getByRole('button', { name: 'Pause automation' }).click();
    await expect(notice.getByText('Pause automation: 1 of 1 site done.')).toBeVisible({ timeout: 30_000 });
    await expect(notice.getByText(`Automation on "${site.name}" is pausing`, { exact: false })).toBeVisible();
    await expect(row.getByText(/Run: (Pausing|Paused)/)).toBeVisible();
    // What was under way finishes, then the run waits, paused.
    await expect
      .poll(async () => (await runs())[0].status, { timeout: 60_000, intervals: [500, 1_000] })
      .toBe('paused');
    await expect(row.getByText('Run: Paused')).toBeVisible();

    // The site page resumes the paused run; with nothing left waiting (ideas wait for approval) it then finishes.
    await page.getByRole('link', { name: site.name }).click();
    const automation = page.getByRole('region', { name: 'Automation' });
    await expect(page.getByRole('region', { name: 'Run in progress' })).toContainText('Paused:');
    await expect(automation.getByRole('button', { name: 'Pause' })).toHaveCount(0);
    await automation.getByRole('button', { name: 'Resume' }).click();
    await expect(automation.getByText('Run resumed.')).toBeVisible();
    await knobs({ latencyMs: 0 });
    await expect(
      automation.getByText('It finished: everything that was waiting went through every stage.'),
    ).toBeVisible({ timeout: 90_000 });
    expect((await runs())[0]).toMatchObject({ status: 'ended', stopReason: 'done' });
  } finally {
    await knobs({ latencyMs: 0 });
  }
});

test('Cancel on the site page ends the run in progress, with its reason in words', async ({ page }) => {
  test.setTimeout(180_000);
  // New keywords to cluster and slow answers: the run is at its ideas when it is cancelled.
  const more = await api(
    'POST',
    '/planner/keywords',
    {
      siteId: site.id,
      sectorId: (await api('GET', `/sites/${site.id}/sectors`, undefined, account.token)).data[0].id,
      keywords: ['french press', 'french press ratio', 'french press grind'].map((keyword) => ({ keyword })),
    },
    account.token,
  );
  expect(more.status, JSON.stringify(more.body)).toBeLessThan(300);
  expect((await knobs({ latencyMs: 20_000 })).status).toBe(200);
  try {
    const automation = await openSitePage(page);
    await automation.getByRole('button', { name: 'Run now' }).click();
    const active = page.getByRole('region', { name: 'Run in progress' });
    await expect(active).toBeVisible();
    await automation.getByRole('button', { name: 'Cancel', exact: true }).click();
    const dialog = page.getByRole('dialog', { name: 'Cancel this run?' });
    await expect(dialog).toContainText('Credits held for work not done are given back.');
    await dialog.getByRole('button', { name: 'Cancel run' }).click();
    await expect(dialog).toHaveCount(0);
    await expect(automation.getByText('Cancelling: items already started finish', { exact: false })).toBeVisible();
    await expect(automation.getByText('Someone cancelled it.', { exact: false })).toBeVisible({ timeout: 90_000 });
    await expect(active).toHaveCount(0);
    expect((await runs())[0]).toMatchObject({ status: 'ended', stopReason: 'cancelled' });
    const history = page.getByRole('region', { name: 'Run history' });
    await expect(history.getByRole('row').filter({ hasText: 'Cancelled' })).toHaveCount(1);
  } finally {
    await knobs({ latencyMs: 0 });
  }
});

test('starting automation on another account’s site gives that site a not-found result', async () => {
  const other = await registerAccount('Automation Other');
  const res = await api('POST', '/sites/bulk', { action: 'automation_start', siteIds: [site.id] }, other.token);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  expect(res.data).toMatchObject({ action: 'automation_start', succeeded: 0, failed: 1 });
  expect(res.data.results[0]).toMatchObject({ siteId: site.id, ok: false });
  expect(res.data.results[0].message).toContain('was not found in this account');
});

test('a viewer sees automation on the site page and in the Sites table, with no buttons', async ({ page }) => {
  const email = `automation.viewer.${Date.now()}@example.com`;
  const password = `pw-${crypto.randomUUID()}`;
  rememberSecret('viewer password', password);
  const invite = await api('POST', '/invitations', { email, role: 'viewer' }, account.token);
  expect(invite.status).toBe(201);
  rememberSecret('invitation token', invite.data.token);
  const accepted = await api('POST', '/invitations/accept', { token: invite.data.token, password, name: 'Viewer' });
  expect(accepted.status, JSON.stringify(accepted.body)).toBe(200);
  const viewer = await loginAccount(email, password);
  const refused = await api('POST', '/sites/bulk', { action: 'automation_start', siteIds: [site.id] }, viewer.token);
  expect(refused.status).toBe(403);

  await signInToApp(page, { email, password });
  const row = page.getByRole('row').filter({ has: page.getByRole('link', { name: site.name }) });
  await expect(row.getByText('Last run: Cancelled')).toBeVisible();
  await expect(page.getByRole('checkbox')).toHaveCount(0);
  await page.getByRole('link', { name: site.name }).click();
  const automation = page.getByRole('region', { name: 'Automation' });
  await expect(automation.getByText('Account owners and admins can start, pause and cancel runs.')).toBeVisible();
  await expect(automation.getByRole('button', { name: 'Run now' })).toHaveCount(0);
  await expect(automation.getByText('Someone cancelled it.', { exact: false })).toBeVisible();
});
