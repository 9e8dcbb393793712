import { expect, test } from '@playwright/test';
import { VECTORS } from '../../server/test/fixtures/writer/xss.ts';
import { grantCredits } from '../support/key-material.ts';
import { connectFromWpAdmin } from '../support/plugin-api.ts';
import { api, createConnectionKey, registerAccount } from '../support/server-api.ts';
import { SCREENS, stack } from '../support/stack.ts';
import { logIn } from '../support/wp-admin.ts';

/**
 * The Writer and the Publisher against the real WordPress 6.1 and the fake AI (the server's demo endpoint), driven
 * through the API as an operator's script would: a task is written section by section, illustrated, approved and
 * published; then a person sees the post on the front end with its featured image, and WordPress's own block
 * editor opens every block of it as valid (no "This block contains unexpected or invalid content").
 */
test.describe.configure({ mode: 'serial' });

/** The blocks the Writer may produce (WordPress 6.1 names). */
const ALLOWED_BLOCKS = new Set([
  'core/paragraph',
  'core/heading',
  'core/list',
  'core/list-item',
  'core/quote',
  'core/table',
  'core/image',
]);

let account: Awaited<ReturnType<typeof registerAccount>>;
let post: { postId: number; url: string };
let where: { siteId: string; sectorId: string };

async function finished(jobId: string): Promise<any> {
  const deadline = Date.now() + 90_000;
  for (;;) {
    const job = await api('GET', `/jobs/${jobId}`, undefined, account.token);
    expect(job.status).toBe(200);
    if (job.data.status === 'succeeded') return job.data;
    if (['failed', 'cancelled'].includes(job.data.status)) {
      throw new Error(`job ${jobId} ended ${job.data.status}: ${JSON.stringify(job.data.error)}`);
    }
    if (Date.now() > deadline) throw new Error(`job ${jobId} still ${job.data.status}`);
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
}

test.beforeAll(async () => {
  account = await registerAccount('Writer Publish Agency');
  await grantCredits(account.accountId, 20_000);
});

test('a task is written, illustrated, approved and published to WordPress', async ({ page }) => {
  await connectFromWpAdmin(page, await createConnectionKey(account.token));
  const siteId = (await api('GET', '/sites', undefined, account.token)).data.items[0].id as string;
  const sector = await api('POST', `/sites/${siteId}/sectors`, { name: 'Trail running' }, account.token);
  expect(sector.status).toBe(201);
  where = { siteId, sectorId: sector.data.id };

  const task = await api(
    'POST',
    '/writer/tasks',
    {
      siteId,
      sectorId: sector.data.id,
      title: 'How to choose trail running shoes',
      primaryKeyword: 'trail running shoes',
      secondaryKeywords: ['grip', 'cushioning'],
      outline: [
        { level: 'h2', heading: 'Fit and comfort' },
        { level: 'h2', heading: 'Grip on wet rock' },
        { level: 'h2', heading: 'Cushioning for long runs' },
      ],
      targetWordCount: 800,
      imageCount: 2,
      includeFaq: true,
    },
    account.token,
  );
  expect(task.status, JSON.stringify(task.body)).toBe(201);

  const writing = await api('POST', `/writer/tasks/${task.data.id}/generate`, {}, account.token);
  expect(writing.status, JSON.stringify(writing.body)).toBe(202);
  await finished(writing.data.jobId);
  const content = (await api('GET', `/writer/tasks/${task.data.id}/content`, undefined, account.token)).data;
  expect(content.version.wordCount).toBeGreaterThanOrEqual(680);
  expect(content.version.wordCount).toBeLessThanOrEqual(920);

  const painting = await api('POST', `/writer/contents/${content.id}/images/generate`, {}, account.token);
  expect(painting.status, JSON.stringify(painting.body)).toBe(202);
  await finished(painting.data.jobId);
  const images = (await api('GET', `/writer/contents/${content.id}/images`, undefined, account.token)).data;
  expect(images.map((i: { role: string }) => i.role)).toEqual(['featured', 'inline', 'inline']);

  const approved = await api('POST', `/writer/contents/${content.id}/approve`, {}, account.token);
  expect(approved.status, JSON.stringify(approved.body)).toBe(200);
  const publishing = await api(
    'POST',
    `/publisher/contents/${content.id}/publish`,
    { status: 'publish', categories: ['Trail running'], tags: ['shoes', 'grip'] },
    account.token,
  );
  expect(publishing.status, JSON.stringify(publishing.body)).toBe(202);
  await finished(publishing.data.jobId);
  const publication = (await api('GET', `/publisher/contents/${content.id}/publication`, undefined, account.token))
    .data;
  expect(publication).toMatchObject({ status: 'published', wpStatus: 'publish' });
  post = { postId: publication.postId, url: publication.url };

  // A visitor sees the post with its featured image and its alt text.
  await page.goto(post.url);
  await expect(page.getByRole('heading', { name: 'How to choose trail running shoes' }).first()).toBeVisible();
  const featured = page.locator('img.wp-post-image').first();
  await expect(featured).toBeVisible();
  expect(await featured.getAttribute('alt')).toBe(images[0].altText);
  await page.screenshot({ path: `${SCREENS}/published-post.png`, fullPage: true });
});

test("WordPress 6.1's block editor opens every block of the published post as valid", async ({ page }) => {
  await logIn(page, 'admin');
  await page.goto(`${stack().wp.adminUrl}post.php?post=${post.postId}&action=edit`);
  await page.waitForFunction(
    () => (window as any).wp?.data?.select('core/block-editor')?.getBlocks().length > 0,
    undefined,
    { timeout: 30_000 },
  );
  const blocks = await page.evaluate(() => {
    const flat: { name: string; isValid: boolean }[] = [];
    const walk = (list: any[]) => {
      for (const block of list) {
        flat.push({ name: block.name, isValid: block.isValid });
        walk(block.innerBlocks ?? []);
      }
    };
    walk((window as any).wp.data.select('core/block-editor').getBlocks());
    return flat;
  });
  expect(blocks.length).toBeGreaterThan(10);
  expect(blocks.filter((b) => !b.isValid)).toEqual([]);
  expect(blocks.filter((b) => !ALLOWED_BLOCKS.has(b.name))).toEqual([]);
  expect(blocks.filter((b) => b.name === 'core/image')).toHaveLength(2);
  await expect(page.locator('.block-editor-warning')).toHaveCount(0);
  await page.screenshot({ path: `${SCREENS}/published-post-in-editor.png`, fullPage: true });
});

test('an XSS corpus planted in the AI output never reaches the published page', async ({ page }) => {
  // The fake provider appends the whole corpus to the HTML of every section it writes.
  // eslint-disable-next-line no-control-regex
  const corpus = VECTORS.map(([, html]) => html.replace(/\u0000/g, '')).join('\n');
  const knobs = await fetch(`${stack().fakeAiUrl}/__knobs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ plantHtml: { text: corpus, count: 3 } }),
  });
  expect(knobs.status).toBe(200);
  try {
    const task = await api(
      'POST',
      '/writer/tasks',
      {
        ...where,
        title: 'Trail shoes for wet rock',
        primaryKeyword: 'trail shoes wet rock',
        outline: [
          { level: 'h2', heading: 'Rubber compounds' },
          { level: 'h2', heading: 'Lug patterns' },
          { level: 'h2', heading: 'Drainage' },
        ],
        // Sections long enough for the fake to fit the whole corpus (3.5 kB) under the output limit with their text.
        targetWordCount: 3000,
        imageCount: 0,
      },
      account.token,
    );
    expect(task.status, JSON.stringify(task.body)).toBe(201);
    const writing = await api('POST', `/writer/tasks/${task.data.id}/generate`, {}, account.token);
    expect(writing.status, JSON.stringify(writing.body)).toBe(202);
    await finished(writing.data.jobId);
  } finally {
    await fetch(`${stack().fakeAiUrl}/__knobs`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ plantHtml: null }),
    });
  }
  const tasks = (await api('GET', `/writer/tasks?siteId=${where.siteId}`, undefined, account.token)).data.items;
  const task = tasks.find((t: { title: string }) => t.title === 'Trail shoes for wet rock');
  const content = (await api('GET', `/writer/tasks/${task.id}/content`, undefined, account.token)).data;
  expect(await api('POST', `/writer/contents/${content.id}/approve`, {}, account.token)).toMatchObject({
    status: 200,
  });
  const publishing = await api(
    'POST',
    `/publisher/contents/${content.id}/publish`,
    { status: 'publish' },
    account.token,
  );
  expect(publishing.status, JSON.stringify(publishing.body)).toBe(202);
  await finished(publishing.data.jobId);
  const { url } = (await api('GET', `/publisher/contents/${content.id}/publication`, undefined, account.token)).data;

  // A visitor's browser: no dialog opens, and the article holds nothing that runs or loads a payload.
  const dialogs: string[] = [];
  page.on('dialog', (dialog) => {
    dialogs.push(dialog.message());
    void dialog.dismiss();
  });
  await page.goto(url);
  await expect(page.getByRole('heading', { name: 'Trail shoes for wet rock' }).first()).toBeVisible();
  const live = await page.evaluate(() => {
    const found: string[] = [];
    const article = document.querySelector('.entry-content, .wp-block-post-content') ?? document.body;
    for (const el of Array.from(article.querySelectorAll('*'))) {
      if (/^(SCRIPT|IFRAME|OBJECT|EMBED|SVG|STYLE|FORM|BASE|META|LINK|MATH)$/i.test(el.tagName)) {
        found.push(`<${el.tagName.toLowerCase()}>`);
      }
      for (const attr of Array.from(el.attributes)) {
        // eslint-disable-next-line no-control-regex
        const value = attr.value.replace(/[\u0000-\u0020]+/g, '').toLowerCase();
        if (/^on/i.test(attr.name) || attr.name === 'style' || attr.name === 'srcdoc') found.push(attr.name);
        if (/^(javascript|vbscript|data):/.test(value) || /evil\.test/.test(value)) found.push(`${attr.name}=${value}`);
      }
    }
    return found;
  });
  expect(live).toEqual([]);
  expect(dialogs).toEqual([]);
  await page.screenshot({ path: `${SCREENS}/published-post-xss-corpus.png`, fullPage: true });
});
