import { mkdirSync } from 'node:fs';
import AxeBuilder from '@axe-core/playwright';
import { expect, test, type Locator, type Page } from '@playwright/test';
import { grantCredits } from '../support/key-material.ts';
import { apiFetchInPage, connectFromWpAdmin } from '../support/plugin-api.ts';
import { api, createConnectionKey, registerAccount } from '../support/server-api.ts';
import { SCREENS, stack } from '../support/stack.ts';
import { logIn } from '../support/wp-admin.ts';

/**
 * IGNY8 > Automation as a site owner uses it: the settings saved in one form (a bad value refused beside its field,
 * the schedule's next run in the site's time zone), Run now with the seven stages filling as the run goes until it
 * ends with every stage done, the run in the history, and the finished article approved and published from the
 * review queue: a post on WordPress with its featured image. An Editor sees it all but changes nothing. The site is
 * connected to a new account with a sector and eight keywords first.
 */
test.describe.configure({ mode: 'serial' });

const KEYWORDS = [
  ['trail running vest', 900],
  ['best trail running vest', 700],
  ['trail running vest for women', 500],
  ['trail running vest review', 300],
  ['hiking poles', 800],
  ['best hiking poles', 600],
  ['hiking poles for beginners', 400],
  ['hiking poles review', 200],
] as const;

let account: Awaited<ReturnType<typeof registerAccount>>;
let siteId: string;
let sectorName: string;

const automationUrl = () => `${stack().wp.adminUrl}admin.php?page=igny8-automation`;

/** axe (WCAG 2.1 A and AA) on the screen, no serious or critical violation; and a full-page screenshot. */
async function checkScreen(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENS, { recursive: true });
  await page.screenshot({ path: `${SCREENS}/automation-${name}.png`, fullPage: true });
  const results = await new AxeBuilder({ page })
    .include('#igny8-root')
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'])
    .analyze();
  const blocking = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  expect(
    blocking.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`),
    `axe on automation-${name}`,
  ).toEqual([]);
}

/** A stage's counts as the live view shows them. */
async function stageCounts(stage: Locator) {
  const read = async (name: string) => Number(await stage.getAttribute(`data-${name}`));
  return {
    in: await read('in'),
    out: await read('out'),
    failed: await read('failed'),
    status: await stage.getAttribute('data-status'),
  };
}

/** The sum of what the stages made (their `out` counts). */
async function madeBy(stages: Locator): Promise<number> {
  const counts = await Promise.all((await stages.all()).map(stageCounts));
  return counts.reduce((sum, stage) => sum + stage.out, 0);
}

test.beforeAll(async () => {
  account = await registerAccount('Automation Screen Agency');
  await grantCredits(account.accountId, 5000);
});

test('connected with keywords waiting, the screen says no run happened yet', async ({ page }) => {
  await connectFromWpAdmin(page, await createConnectionKey(account.token));
  siteId = (await api('GET', '/sites', undefined, account.token)).data.items[0].id as string;
  sectorName = `Trail gear ${Date.now()}`;
  const sector = await api('POST', `/sites/${siteId}/sectors`, { name: sectorName }, account.token);
  expect(sector.status).toBe(201);
  const added = await api(
    'POST',
    '/planner/keywords',
    { siteId, sectorId: sector.data.id, keywords: KEYWORDS.map(([keyword, volume]) => ({ keyword, volume })) },
    account.token,
  );
  expect(added.status, JSON.stringify(added.body)).toBe(201);

  await page.goto(`${stack().wp.adminUrl}admin.php?page=igny8`);
  await page.locator('#adminmenu').getByRole('link', { name: 'Automation', exact: true }).click();
  await expect(page.getByRole('heading', { name: 'IGNY8 Automation', level: 1 })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'No run yet' })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Nothing waits for review' })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'No runs yet' })).toBeVisible();
  // The sectors come from the Planner's sectors API, each with overrides of its own.
  await expect(page.getByRole('rowheader', { name: sectorName })).toBeVisible();
  await checkScreen(page, 'empty');
});

test('an admin saves the settings in one form; a bad value is refused beside its field', async ({ page }) => {
  await logIn(page, 'admin');
  await page.goto(automationUrl());
  const settings = page.getByRole('region', { name: 'Settings' });
  await expect(settings.getByLabel('Keywords clustered per run')).toBeVisible();

  // A batch over the limit is refused by the route, beside its field; nothing is saved.
  await settings.getByLabel('Run on a schedule').check();
  await settings.getByLabel('How often').selectOption('custom');
  await settings.getByLabel('Keywords clustered per run').fill('9000');
  await settings.getByRole('button', { name: 'Save settings' }).click();
  await expect(settings.getByText('Some settings were not saved: see the messages next to the fields.')).toBeVisible();
  await expect(settings.getByText(/^Keywords clustered per run .*5000/)).toBeVisible();
  await expect(settings.getByLabel('Keywords clustered per run')).toHaveAttribute('aria-invalid', 'true');
  await checkScreen(page, 'validation-error');

  // A custom schedule needs a cron expression: the settings as a whole say so under that field.
  await settings.getByLabel('Keywords clustered per run').fill('20');
  await settings.getByRole('button', { name: 'Save settings' }).click();
  await expect(settings.getByText(/^Cron expression is required when the frequency is custom/)).toBeVisible();
  await expect(settings.getByText(/^Keywords clustered per run .*5000/)).toHaveCount(0);
  await expect(settings.getByLabel('Cron expression')).toHaveAttribute('aria-invalid', 'true');

  // A daily schedule shows the next run in the site's time zone.
  await settings.getByLabel('How often').selectOption('daily');
  await settings.getByLabel('Time of day').fill('06:00');
  await settings.getByRole('button', { name: 'Save settings' }).click();
  await expect(page.locator('.igny8-automation__notices').getByText('Automation settings saved.')).toBeVisible();
  const timezone = page.getByTestId('igny8-automation-timezone');
  await expect(timezone).toContainText(/Times are in the site’s time zone, .+\. Next run: .+\./);
  await expect(settings.getByText(/^Cron expression/)).toHaveCount(0);

  // What the run below needs: small batches, ideas approved by themselves, articles kept for review, one image.
  await settings.getByLabel('Run on a schedule').uncheck();
  await settings.getByLabel('Clusters that get ideas per run').fill('1');
  await settings.getByLabel('Ideas turned into tasks per run').fill('1');
  await settings.getByLabel('Articles written per run').fill('1');
  await settings.getByLabel('Articles illustrated per run').fill('1');
  await settings.getByLabel('Articles published per run').fill('1');
  await settings.getByLabel('Ideas per cluster', { exact: true }).fill('1');
  await settings.getByLabel('Approve new ideas by themselves').check();
  await settings.getByLabel('Publish finished articles by themselves').uncheck();
  await settings.getByLabel('Posts per day').fill('');
  await settings.getByLabel('Images in each article').fill('1');
  await settings.getByLabel('Credits one run may use').fill('2000');
  await settings.getByRole('button', { name: 'Save settings' }).click();
  await expect(page.locator('.igny8-automation__notices').getByText('Automation settings saved.')).toBeVisible();
  await expect(timezone).toContainText('No run is scheduled.');

  await page.reload();
  await expect(settings.getByLabel('Keywords clustered per run')).toHaveValue('20');
  await expect(settings.getByLabel('Articles written per run')).toHaveValue('1');
  await expect(settings.getByLabel('Approve new ideas by themselves')).toBeChecked();
  await expect(settings.getByLabel('Publish finished articles by themselves')).not.toBeChecked();
  await expect(settings.getByLabel('Images in each article')).toHaveValue('1');
  await expect(settings.getByLabel('Posts per day')).toHaveValue('');
  await checkScreen(page, 'saved');

  // The server keeps them as the site's automation settings.
  const saved = await api('GET', `/sites/${siteId}/automation`, undefined, account.token);
  expect(saved.data.settings).toMatchObject({
    autoApprove: true,
    autoPublish: false,
    imageCount: 1,
    runCreditCap: 2000,
    batchSizes: { cluster: 20, ideas: 1, tasks: 1, articles: 1, images: 1, publish: 1 },
    cadence: { postsPerDay: null },
    schedule: { enabled: false },
  });
});

test('Run now: the seven stages fill in as the run goes, and it ends with every stage done', async ({ page }) => {
  test.setTimeout(300_000);
  await logIn(page, 'admin');
  await page.goto(automationUrl());
  await page.getByRole('button', { name: 'Run now' }).click();
  await expect(page.getByRole('heading', { name: 'Run in progress' })).toBeVisible();
  await expect(page.locator('.igny8-automation__notices').getByText(/^Run started\./)).toBeVisible();
  const stages = page.locator('.igny8-automation__stages').first().locator('li[data-stage]');
  await expect(stages).toHaveCount(7);
  await expect(stages.locator('h4')).toHaveText([
    /^1\. Cluster keywords/,
    /^2\. Suggest ideas/,
    /^3\. Turn ideas into tasks/,
    /^4\. Write articles/,
    /^5\. Describe images/,
    /^6\. Make images/,
    /^7\. Publish or queue for review/,
  ]);
  await expect(page.getByRole('button', { name: 'Pause' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Cancel run' })).toBeVisible();
  await expect(page.getByRole('progressbar', { name: 'Cluster keywords' }).first()).toBeVisible();
  // What the stages made, read from the live view now and every second until the run ends: it only ever grows.
  const made: number[] = [await madeBy(stages)];
  await checkScreen(page, 'running');
  const lastRun = page.getByTestId('igny8-last-run');
  await expect
    .poll(
      async () => {
        if (await lastRun.isVisible()) return true;
        made.push(await madeBy(stages));
        return false;
      },
      { timeout: 240_000, intervals: [1000] },
    )
    .toBe(true);
  made.push(await madeBy(lastRun.locator('li[data-stage]')));
  expect(made.at(-1)).toBeGreaterThan(made[0]!);
  expect(made).toEqual([...made].sort((a, b) => a - b));

  await expect(lastRun).toHaveAttribute('data-reason', 'done');
  await expect(lastRun).toContainText('Finished: every stage did what was waiting for it.');
  await expect(page.locator('.igny8-automation__notices')).toContainText('Finished: every stage did');
  await expect(page.locator('.igny8-automation__notices').getByText(/^Run started\./)).toHaveCount(0);
  const finished = lastRun.locator('li[data-stage]');
  for (const name of ['cluster', 'ideas', 'tasks', 'articles', 'images', 'publish']) {
    const counts = await stageCounts(finished.and(page.locator(`[data-stage="${name}"]`)));
    expect(counts.status, name).toBe('done');
    expect(counts.out, name).toBeGreaterThan(0);
  }
  await checkScreen(page, 'run-done');

  // The history lists the run with its reason in words.
  const history = page.getByRole('region', { name: 'Run history' });
  const row = history.locator('tr[data-reason="done"]');
  await expect(row).toHaveCount(1);
  await expect(row).toContainText('Run now');
  await expect(row).toContainText('Finished: every stage did what was waiting for it.');
});

test('the finished article waits in the review queue; approved there, it is a post with its featured image', async ({
  page,
}) => {
  test.setTimeout(180_000);
  await logIn(page, 'admin');
  await page.goto(automationUrl());
  const review = page.getByRole('region', { name: 'Review queue' });
  const rows = review.locator('tbody tr[data-content]');
  await expect(rows).toHaveCount(1);
  const title = (await rows.first().getByRole('rowheader').textContent())!.trim();
  const contentId = (await rows.first().getAttribute('data-content'))!;
  expect(title.length).toBeGreaterThan(0);
  await checkScreen(page, 'review');

  // Its link opens the article in the Writer.
  await rows.first().getByRole('link', { name: title }).click();
  await expect(page).toHaveURL(/page=igny8-writer&task=/);
  await expect(page.getByRole('heading', { name: 'Review' })).toBeVisible();
  await page.goBack();

  await review.getByRole('checkbox', { name: `Select ${title}` }).check();
  await expect(review.getByText('1 selected')).toBeVisible();
  await review.getByRole('button', { name: 'Approve and publish selected' }).click();
  await expect(page.locator('.igny8-automation__notices')).toContainText('1 article approved and sent to WordPress.');
  const outcome = review.locator('.igny8-automation__published tr[data-outcome="ok"]');
  await expect(outcome).toContainText(title);
  await expect(outcome).toContainText('Being published now');
  await expect(review.getByRole('heading', { name: 'Nothing waits for review' })).toBeVisible();
  await checkScreen(page, 'published');

  // WordPress has the post, published, with a featured image from the media library.
  let postId: number | null = null;
  await expect
    .poll(
      async () => {
        const publications = await api('GET', `/publisher/publications?siteId=${siteId}`, undefined, account.token);
        const publication = (publications.data.items as { contentId: string; status: string; postId: number }[]).find(
          (candidate) => candidate.contentId === contentId,
        );
        postId = publication?.postId ?? null;
        return publication?.status;
      },
      { timeout: 120_000 },
    )
    .toBe('published');
  const post = await apiFetchInPage(page, `/wp/v2/posts/${postId}?context=edit`);
  expect(post.status).toBe(200);
  expect(post.body.status).toBe('publish');
  expect(post.body.title.raw).toBe(title);
  expect(post.body.featured_media).toBeGreaterThan(0);
  const media = await apiFetchInPage(page, `/wp/v2/media/${post.body.featured_media}`);
  expect(media.status).toBe(200);
  expect(media.body.media_type).toBe('image');
});

test('a run paused at once waits to be resumed, and cancelled it ends as cancelled', async ({ page }) => {
  await logIn(page, 'admin');
  await page.goto(automationUrl());
  // Slow answers: the run is still going when the pause arrives (a run with little to do could end first).
  const knobs = (body: object) =>
    fetch(`${stack().fakeAiUrl}/__knobs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  expect((await knobs({ latencyMs: 3_000 })).status).toBe(200);
  await page.getByRole('button', { name: 'Run now' }).click();
  await page.getByRole('button', { name: 'Pause' }).click();
  await knobs({ latencyMs: 0 });
  const status = page.getByTestId('igny8-run-status');
  await expect(status).toHaveAttribute('data-value', 'paused', { timeout: 60_000 });
  await expect(status).toHaveText('Paused');
  await expect(page.getByRole('button', { name: 'Resume' })).toBeVisible();
  // The history lists the run under way with its status.
  await expect(page.getByRole('region', { name: 'Run history' }).locator('tbody tr').first()).toContainText('Paused');
  await checkScreen(page, 'paused');

  await page.getByRole('button', { name: 'Cancel run' }).click();
  const lastRun = page.getByTestId('igny8-last-run');
  await expect(lastRun).toHaveAttribute('data-reason', 'cancelled');
  await expect(lastRun).toContainText('Cancelled by a person.');
  await expect(page.locator('.igny8-automation__notices')).toContainText('Cancelled by a person.');
  const history = page.getByRole('region', { name: 'Run history' });
  await expect(history.locator('tr[data-reason="cancelled"]')).toContainText('Cancelled by a person.');
  await expect(history.locator('tr[data-reason="done"]')).toHaveCount(1);
});

test('an Editor sees automation but cannot change it', async ({ page }) => {
  await logIn(page, 'editor');
  await page.goto(automationUrl());
  await expect(page.getByRole('heading', { name: 'IGNY8 Automation', level: 1 })).toBeVisible();
  await expect(page.getByText('Only administrators can change these settings or start and stop runs.')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Run now' })).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Save settings' })).toHaveCount(0);
  await expect(page.getByLabel('Keywords clustered per run')).toBeDisabled();
  await expect(page.getByRole('region', { name: 'Run history' }).locator('tr[data-reason="done"]')).toHaveCount(1);
  const refused = await apiFetchInPage(page, '/igny8/v1/app/sites/current/automation/runs', {
    method: 'POST',
    data: {},
  });
  expect([refused.status, refused.body.code]).toEqual([403, 'rest_forbidden']);
  await checkScreen(page, 'editor');
});
