import { expect, test, type Locator, type Page } from '@playwright/test';
import pg from 'pg';
import { grantCredits } from '../support/key-material.ts';
import { apiFetchInPage, connectFromWpAdmin } from '../support/plugin-api.ts';
import { createConnectionKey, registerAccount } from '../support/server-api.ts';
import { SCREENS, stack } from '../support/stack.ts';
import { logIn } from '../support/wp-admin.ts';

/**
 * The block editor's IGNY8 tools as an Editor uses them on a post: with a paragraph selected the credit estimate
 * and the balance show before anything runs, the paragraph is improved (by the fake AI, the server's demo endpoint),
 * previewed and replaced in one step the editor's Undo reverts; then a featured image is made, added to the media
 * library once (asking again answers the same attachment) and set, and the saved post keeps it after a reload.
 */
test.describe.configure({ mode: 'serial' });

const TITLE = 'Cold brew coffee at home';
const ORIGINAL = 'Cold brew is coffee that steeps in cold water for a long time, and it taste smooth.';
const CREDITS = 20_000;
const UNKNOWN_IMAGE = '5d0c2b7e-3f41-4a8e-9c6d-2e7f1a9b8c30';

let account: Awaited<ReturnType<typeof registerAccount>>;

/** The block editor's state, read with WordPress's own data stores. */
const editorState = (page: Page) =>
  page.evaluate(() => {
    const { select } = (window as any).wp.data;
    const blocks = select('core/block-editor').getBlocks() as {
      name: string;
      isValid: boolean;
      attributes: { content?: string };
    }[];
    return {
      postId: select('core/editor').getCurrentPostId() as number,
      featuredMedia: select('core/editor').getEditedPostAttribute('featured_media') as number,
      blocks: blocks.map((b) => ({ name: b.name, valid: b.isValid, content: String(b.attributes.content ?? '') })),
    };
  });

/** A REST resource read as the admin with the application password (edit context). */
async function asAdmin(route: string) {
  const { wp } = stack();
  const admin = wp.users.admin as { username: string; applicationPassword?: string };
  const res = await fetch(`${wp.url}/?rest_route=${route}&context=edit`, {
    headers: {
      authorization: `Basic ${Buffer.from(`${admin.username}:${admin.applicationPassword}`).toString('base64')}`,
    },
  });
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.json()) as any;
}

/** "Costs up to N credits · balance M" in one panel of the sidebar (each paid panel has its own line), as numbers. */
async function costOf(panel: Locator) {
  const line = panel.getByText(/Costs up to \d+ credits? · balance \d+/);
  await expect(line).toBeVisible({ timeout: 20_000 });
  const [, credits, balance] = (await line.textContent())!.match(/up to (\d+) credits? · balance (\d+)/)!;
  return { credits: Number(credits), balance: Number(balance) };
}

/** The ids of the account's editor images, as the server stored them. */
async function editorImageIds(accountId: string): Promise<string[]> {
  const s = stack();
  const url = new URL(s.adminDatabaseUrl);
  url.pathname = `/${s.database}`;
  const client = new pg.Client({ connectionString: url.toString() });
  await client.connect();
  try {
    const rows = await client.query<{ id: string }>('SELECT id FROM "EditorImage" WHERE "accountId" = $1', [accountId]);
    return rows.rows.map((row) => row.id);
  } finally {
    await client.end();
  }
}

test.beforeAll(async () => {
  account = await registerAccount('Editor Tools Agency');
  await grantCredits(account.accountId, CREDITS);
});

test('an Editor improves the selected paragraph and sets an AI featured image from the IGNY8 sidebar', async ({
  page,
}) => {
  test.setTimeout(240_000);
  await connectFromWpAdmin(page, await createConnectionKey(account.token));

  await page.context().clearCookies();
  await logIn(page, 'editor');
  await page.goto(`${stack().wp.adminUrl}post-new.php`);
  await expect(page.locator('.edit-post-layout')).toBeVisible();
  await page.getByRole('textbox', { name: 'Add title' }).fill(TITLE);
  // The post's content is set up through the editor's data store; selecting and rewriting go through the UI.
  await page.evaluate(
    ({ text }) => {
      const { dispatch } = (window as any).wp.data;
      const { createBlock } = (window as any).wp.blocks;
      dispatch('core/block-editor').resetBlocks([
        createBlock('core/heading', { content: 'Why cold brew', level: 2 }),
        createBlock('core/paragraph', { content: text }),
      ]);
    },
    { text: ORIGINAL },
  );

  await page.locator('.interface-pinned-items').getByRole('button', { name: 'IGNY8' }).click();
  const sidebar = page.locator('.igny8-sidebar');
  await expect(sidebar.getByRole('button', { name: 'Selected block' })).toBeVisible();
  // Out of the way: writing a whole draft is 06-editor-sidebar's journey.
  await sidebar.getByRole('button', { name: 'Write a draft' }).click();

  // Nothing selected: a note, no buttons.
  await page.evaluate(() => (window as any).wp.data.dispatch('core/block-editor').clearSelectedBlock());
  await expect(sidebar.getByText(/Select a paragraph, heading, list or quote in the post/)).toBeVisible();
  await expect(sidebar.getByRole('button', { name: 'Improve', exact: true })).toHaveCount(0);

  // The Editor selects the paragraph: the estimate and the balance show before anything can run.
  await page.locator('[data-type="core/paragraph"]').first().click();
  const improve = sidebar.getByRole('button', { name: 'Improve', exact: true });
  await expect(improve).toBeVisible();
  const blockPanel = sidebar.locator('.components-panel__body', {
    has: page.getByRole('button', { name: 'Selected block' }),
  });
  const before = await costOf(blockPanel);
  expect(before.credits).toBeGreaterThan(0);
  expect(before.balance).toBe(CREDITS);
  await expect(improve).toBeEnabled();
  await expect(sidebar.getByRole('button', { name: 'Regenerate', exact: true })).toBeEnabled();
  await improve.scrollIntoViewIfNeeded();
  await page.screenshot({ path: `${SCREENS}/editor-tools-estimate.png`, fullPage: true });

  // Improve: the button is off from the click on, a progress bar follows the job, then the preview.
  const bar = page.waitForSelector('.igny8-sidebar [role="progressbar"]', { state: 'attached', timeout: 30_000 });
  await improve.click();
  await expect(improve).toBeDisabled();
  await bar;
  await expect(sidebar.getByText('Improved block')).toBeVisible({ timeout: 90_000 });
  const preview = sidebar.getByLabel('Preview of the new block');
  await expect(preview).not.toBeEmpty();
  await sidebar.getByRole('button', { name: 'Discard' }).scrollIntoViewIfNeeded();
  await page.screenshot({ path: `${SCREENS}/editor-tools-preview.png`, fullPage: true });

  // Replace: one paragraph still, with the new text, valid in WordPress 6.1.
  await sidebar.getByRole('button', { name: 'Replace block' }).click();
  await expect(
    sidebar.getByText(/The block was replaced\. Undo in the editor toolbar puts the old one back\./),
  ).toBeVisible();
  const replaced = await editorState(page);
  expect(replaced.blocks.map((b) => b.name)).toEqual(['core/heading', 'core/paragraph']);
  expect(replaced.blocks.every((b) => b.valid)).toBe(true);
  expect(replaced.blocks[1]!.content).not.toBe(ORIGINAL);
  expect(replaced.blocks[1]!.content.length).toBeGreaterThan(10);
  await page.screenshot({ path: `${SCREENS}/editor-tools-replaced.png`, fullPage: true });

  // The editor's Undo puts the old paragraph back, Redo the new one.
  await page.getByRole('button', { name: 'Undo' }).click();
  await expect.poll(async () => (await editorState(page)).blocks[1]?.content).toBe(ORIGINAL);
  await page.getByRole('button', { name: 'Redo' }).click();
  await expect.poll(async () => (await editorState(page)).blocks[1]?.content).toBe(replaced.blocks[1]!.content);

  // Featured image: the description starts as the post title; the estimate shows the balance after the rewrite.
  const imagePanel = sidebar.locator('.components-panel__body', {
    has: page.getByRole('button', { name: 'Featured image' }),
  });
  const describe = imagePanel.getByLabel('Describe the image');
  await expect(describe).toHaveValue(TITLE);
  await describe.fill('A glass jar of cold brew coffee with ice on a wooden table');
  await imagePanel.getByLabel('Alt text (optional)').fill('A jar of cold brew coffee with ice');
  const imageCost = await costOf(imagePanel);
  expect(imageCost.credits).toBeGreaterThan(0);
  expect(imageCost.balance).toBeLessThanOrEqual(CREDITS);
  const generate = imagePanel.getByRole('button', { name: 'Generate featured image' });
  await expect(generate).toBeEnabled();
  await generate.click();
  await expect(generate).toBeDisabled();
  await expect(
    imagePanel.getByText('The image is in the media library and set as the featured image. Save the post to keep it.'),
  ).toBeVisible({ timeout: 90_000 });
  await expect(imagePanel.getByRole('img', { name: 'A jar of cold brew coffee with ice' })).toBeVisible();
  // The same image is not made (and paid for) twice by a second click.
  await expect(generate).toBeDisabled();
  const withImage = await editorState(page);
  expect(withImage.featuredMedia).toBeGreaterThan(0);
  await page.screenshot({ path: `${SCREENS}/editor-tools-featured.png`, fullPage: true });

  // The media item: alt text, attached to the post; asking again answers the same attachment (no copy).
  const media = await asAdmin(`/wp/v2/media/${withImage.featuredMedia}`);
  expect(media.alt_text).toBe('A jar of cold brew coffee with ice');
  expect(media.post).toBe(withImage.postId);
  expect(media.mime_type).toBe('image/png');
  const [editorImageId, ...others] = await editorImageIds(account.accountId);
  expect(others).toEqual([]);
  const again = await apiFetchInPage(page, `/igny8/v1/editor-images/${editorImageId}/attachment`, {
    method: 'POST',
    data: { postId: withImage.postId },
  });
  expect(again.status, JSON.stringify(again.body)).toBe(200);
  expect(again.body).toMatchObject({ attachmentId: withImage.featuredMedia, created: false });

  // Save, reload: the post keeps its featured image and the new paragraph.
  await page.getByRole('button', { name: 'Save draft' }).click();
  await expect(page.locator('.editor-post-saved-state.is-saved')).toBeVisible({ timeout: 30_000 });
  await page.reload();
  await expect(page.locator('.edit-post-layout')).toBeVisible();
  await expect.poll(async () => (await editorState(page)).featuredMedia).toBe(withImage.featuredMedia);
  const saved = await asAdmin(`/wp/v2/posts/${withImage.postId}`);
  expect(saved.featured_media).toBe(withImage.featuredMedia);
  expect(saved.content.raw).toContain(replaced.blocks[1]!.content);
  expect(saved.content.raw).not.toContain(ORIGINAL);
  // WordPress's own Featured image panel (post settings) shows it.
  await page.evaluate(() => {
    const { dispatch, select } = (window as any).wp.data;
    dispatch('core/edit-post').openGeneralSidebar('edit-post/document');
    if (!select('core/edit-post').isEditorPanelOpened('featured-image')) {
      dispatch('core/edit-post').toggleEditorPanelOpened('featured-image');
    }
  });
  await expect(page.locator('.editor-post-featured-image img')).toBeVisible();
  await page.screenshot({ path: `${SCREENS}/editor-tools-saved.png`, fullPage: true });

  const attachments = await asAdmin(`/wp/v2/media&parent=${withImage.postId}&per_page=100`);
  expect(attachments.map((a: { id: number }) => a.id)).toEqual([withImage.featuredMedia]);
  // An image IGNY8 does not know: refused in the server's words.
  const unknown = await apiFetchInPage(page, `/igny8/v1/editor-images/${UNKNOWN_IMAGE}/attachment`, {
    method: 'POST',
    data: { postId: withImage.postId },
  });
  expect(unknown.status).toBe(404);
  expect(unknown.body.code).toBe('NOT_FOUND');
});
