import { expect, test, type Page } from '@playwright/test';
import { grantCredits } from '../support/key-material.ts';
import { connectFromWpAdmin } from '../support/plugin-api.ts';
import { api, createConnectionKey, registerAccount } from '../support/server-api.ts';
import { SCREENS, stack } from '../support/stack.ts';
import { logIn } from '../support/wp-admin.ts';

/**
 * The block editor's IGNY8 sidebar as an Editor uses it on a new post: the credit estimate shows before anything
 * runs, a draft is written from a keyword (by the fake AI, the server's demo endpoint) and inserted as blocks with
 * the post title and SEO fields, the SEO title is edited with its counter, and the saved draft holds the content
 * and the SEO meta (read back through WordPress's REST API as the admin).
 */
test.describe.configure({ mode: 'serial' });

const KEYWORD = 'cold brew coffee at home';

let account: Awaited<ReturnType<typeof registerAccount>>;

/** The block editor's state, read with WordPress's own data stores. */
const editorState = (page: Page) =>
  page.evaluate(() => {
    const { select } = (window as any).wp.data;
    const editor = select('core/editor');
    return {
      postId: editor.getCurrentPostId() as number,
      title: editor.getEditedPostAttribute('title') as string,
      meta: editor.getEditedPostAttribute('meta') as Record<string, string>,
      blocks: (select('core/block-editor').getBlocks() as { name: string }[]).map((b) => b.name),
      invalid: (select('core/block-editor').getBlocks() as { name: string; isValid: boolean }[])
        .filter((b) => !b.isValid)
        .map((b) => b.name),
    };
  });

/** A post read as the admin with the application password (edit context: raw content and the IGNY8 meta). */
async function postAsAdmin(postId: number) {
  const { wp } = stack();
  const admin = wp.users.admin as { username: string; applicationPassword?: string };
  const res = await fetch(`${wp.url}/?rest_route=/wp/v2/posts/${postId}&context=edit`, {
    headers: {
      authorization: `Basic ${Buffer.from(`${admin.username}:${admin.applicationPassword}`).toString('base64')}`,
    },
  });
  expect(res.status, await res.clone().text()).toBe(200);
  return (await res.json()) as {
    status: string;
    title: { raw: string };
    content: { raw: string };
    meta: Record<string, string>;
  };
}

test.beforeAll(async () => {
  account = await registerAccount('Editor Sidebar Agency');
  await grantCredits(account.accountId, 20_000);
});

test('an Editor writes a draft from the IGNY8 sidebar on a new post, edits its SEO title and saves it', async ({
  page,
}) => {
  test.setTimeout(180_000);
  await connectFromWpAdmin(page, await createConnectionKey(account.token));
  const siteId = (await api('GET', '/sites', undefined, account.token)).data.items[0].id as string;
  const sector = await api('POST', `/sites/${siteId}/sectors`, { name: 'Coffee' }, account.token);
  expect(sector.status).toBe(201);

  await page.context().clearCookies();
  await logIn(page, 'editor');
  await page.goto(`${stack().wp.adminUrl}post-new.php`);
  await expect(page.locator('.edit-post-layout')).toBeVisible();

  // The sidebar opens from its pinned toolbar button.
  await page.locator('.interface-pinned-items').getByRole('button', { name: 'IGNY8' }).click();
  const sidebar = page.locator('.igny8-sidebar');
  await expect(sidebar.getByRole('button', { name: 'Write a draft' })).toBeVisible();

  // Nothing can run before the estimate is shown.
  const write = sidebar.getByRole('button', { name: 'Write draft' });
  await expect(write).toBeDisabled();
  await sidebar.getByLabel('Keyword or idea').fill(KEYWORD);
  await sidebar.getByLabel('Length in words').fill('600');
  const estimate = sidebar.getByText(/Estimated cost: up to \d+ credits? \(.+\)\./);
  await expect(estimate).toBeVisible();
  const credits = Number((await estimate.textContent())!.match(/up to (\d+)/)![1]);
  expect(credits).toBeGreaterThan(0);
  await expect(write).toBeEnabled();
  await page.screenshot({ path: `${SCREENS}/editor-sidebar-estimate.png`, fullPage: true });

  // Write: the job's progress drives a progress bar, then the blocks are in the post.
  const bar = page.waitForSelector('.igny8-sidebar [role="progressbar"]', { state: 'attached', timeout: 30_000 });
  await write.click();
  await bar;
  await expect(sidebar.getByText(/The draft was inserted \(\d+ blocks\)\. Save the post to keep it\./)).toBeVisible({
    timeout: 90_000,
  });
  // The same draft is not written (and paid for) twice by a second click.
  await expect(write).toBeDisabled();
  const written = await editorState(page);
  expect(written.blocks.length).toBeGreaterThan(2);
  expect(written.blocks).toContain('core/heading');
  expect(written.blocks).toContain('core/paragraph');
  // WordPress 6.1 opens every inserted block as valid (no "This block contains unexpected content").
  expect(written.invalid).toEqual([]);
  expect(written.title.length).toBeGreaterThan(4);
  expect(written.meta._igny8_seo_title).not.toBe('');
  expect(written.meta._igny8_seo_description).not.toBe('');
  await expect(page.locator('[data-type="core/heading"]').first()).toBeVisible();
  await expect(sidebar.getByLabel('SEO title')).toHaveValue(written.meta._igny8_seo_title!);
  await page.screenshot({ path: `${SCREENS}/editor-sidebar-draft.png`, fullPage: true });

  // The SEO title, with its counter.
  const seoTitle = 'Cold brew at home: a simple guide';
  await sidebar.getByLabel('SEO title').fill(seoTitle);
  await expect(sidebar.getByText(`${seoTitle.length} / 60`, { exact: true })).toBeVisible();
  await sidebar.getByLabel('SEO title').fill(`${seoTitle} ${'x'.repeat(40)}`);
  await expect(sidebar.getByText(/\/ 60 \(longer than search engines show\)/)).toBeVisible();
  await sidebar.getByLabel('SEO title').fill(seoTitle);

  // Save the draft; WordPress holds the content and the SEO meta.
  await page.getByRole('button', { name: 'Save draft' }).click();
  await expect(page.locator('.editor-post-saved-state.is-saved')).toBeVisible({ timeout: 30_000 });
  const saved = await postAsAdmin(written.postId);
  expect(saved.status).toBe('draft');
  expect(saved.title.raw).toBe(written.title);
  expect(saved.content.raw).toContain('<!-- wp:heading');
  expect(saved.content.raw).toContain('<!-- wp:paragraph');
  expect(saved.meta._igny8_seo_title).toBe(seoTitle);
  expect(saved.meta._igny8_seo_description).toBe(written.meta._igny8_seo_description);
  await page.screenshot({ path: `${SCREENS}/editor-sidebar-saved.png`, fullPage: true });
});
