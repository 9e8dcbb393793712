import { expect, test, type Page } from '@playwright/test';
import { grantCredits } from '../support/key-material.ts';
import { connectFromWpAdmin, createWpUser, logInWith } from '../support/plugin-api.ts';
import { api, createConnectionKey, registerAccount } from '../support/server-api.ts';
import { SCREENS, stack } from '../support/stack.ts';

/**
 * IGNY8 > Writer as a site owner uses it: a task made by hand (through the API) is written from the screen with its
 * progress bar (by the fake AI, the server's demo endpoint), illustrated, previewed, edited (a diff between the two
 * versions), refused a stale edit with a reload offered, approved and published; then the front end shows the post
 * with its featured image and the alt text set on the screen. The site is connected to a new account first.
 */
test.describe.configure({ mode: 'serial' });

const TITLE = 'How to pack a trail running vest';

let account: Awaited<ReturnType<typeof registerAccount>>;

const writerUrl = () => `${stack().wp.adminUrl}admin.php?page=igny8-writer`;

/** Resolves once a progress bar has been on the page (it may show for a second only). */
const progressBarShown = (page: Page) =>
  page.waitForSelector('[role="progressbar"]', { state: 'attached', timeout: 30_000 }).then(() => true);

test.beforeAll(async () => {
  account = await registerAccount('Writer Screen Agency');
  await grantCredits(account.accountId, 20_000);
});

test('an admin writes, illustrates, reviews, approves and publishes a task from the Writer screen', async ({
  page,
}) => {
  test.setTimeout(240_000);
  await connectFromWpAdmin(page, await createConnectionKey(account.token));
  // The screen (WordPress's speak() regions repeat notices' text outside it).
  const root = page.locator('#igny8-root');

  // An empty Writer points to the Planner.
  await page.goto(writerUrl());
  await expect(page.getByRole('heading', { name: 'No writing tasks yet' })).toBeVisible();
  await expect(page.getByRole('link', { name: 'Go to the Planner' })).toBeVisible();

  const siteId = (await api('GET', '/sites', undefined, account.token)).data.items[0].id as string;
  const sector = await api('POST', `/sites/${siteId}/sectors`, { name: 'Trail running' }, account.token);
  expect(sector.status).toBe(201);
  const task = await api(
    'POST',
    '/writer/tasks',
    {
      siteId,
      sectorId: sector.data.id,
      title: TITLE,
      primaryKeyword: 'trail running vest',
      outline: [
        { level: 'h2', heading: 'What goes in the front pockets' },
        { level: 'h2', heading: 'Water and food for long runs' },
        { level: 'h2', heading: 'Keeping it from bouncing' },
      ],
      targetWordCount: 600,
      imageCount: 1,
    },
    account.token,
  );
  expect(task.status, JSON.stringify(task.body)).toBe(201);

  await page.goto(writerUrl());
  const row = page.getByRole('row', { name: new RegExp(TITLE) });
  await expect(row).toContainText('To write');
  await page.screenshot({ path: `${SCREENS}/writer-tasks.png`, fullPage: true });
  // Keyboard users: opening a task focuses its heading; going back focuses the task's "Open" button.
  const open = page.getByRole('button', { name: `Open "${TITLE}"` });
  await open.click();
  await expect(page.getByRole('heading', { name: TITLE, level: 2 })).toBeFocused();
  await page.getByRole('button', { name: '← All tasks' }).click();
  await expect(open).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: TITLE, level: 2 })).toBeFocused();

  // Write: credits are held and the job's progress drives a progress bar.
  const writingBar = progressBarShown(page);
  await page.getByRole('button', { name: 'Write', exact: true }).click();
  expect(await writingBar).toBe(true);
  await expect(page.locator('.igny8-status')).toContainText('The article is written', { timeout: 90_000 });
  await expect(page.getByRole('heading', { name: 'Review' })).toBeVisible();
  await expect(root.getByText(/Version 1, \d+ words\./)).toBeVisible();

  // The preview renders the article's body in a sandboxed frame.
  const frame = page.frameLocator('iframe[title^="Preview of"]');
  await expect(frame.getByRole('heading', { name: TITLE, level: 1 })).toBeVisible();
  await expect(frame.getByRole('heading', { name: 'Water and food for long runs' })).toBeVisible();
  expect(await page.locator('iframe[title^="Preview of"]').getAttribute('sandbox')).toBe('');
  // The article uses the frame's width (up to a reading width), not a sliver of it.
  expect(await frame.locator('body').evaluate((body) => body.clientWidth)).toBeGreaterThan(500);
  // Not fullPage: resizing the page for a full-page shot lays the frame out narrow in the image.
  await page.locator('.igny8-writer__review').screenshot({ path: `${SCREENS}/writer-preview.png` });

  // Images: a featured image and one in the article, shown through the plugin's image route.
  const imagesBar = progressBarShown(page);
  await page.getByRole('button', { name: 'Make images' }).click();
  expect(await imagesBar).toBe(true);
  await expect(page.locator('.igny8-status')).toContainText('2 images are ready.', { timeout: 90_000 });
  await page.getByRole('tab', { name: 'Images' }).click();
  const featured = page.locator('.igny8-writer__image').first();
  await expect(featured.getByRole('heading', { name: 'Featured image' })).toBeVisible();
  await expect
    .poll(() => featured.locator('img').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0))
    .toBe(true);
  const altText = 'A runner packing soft flasks into the front pockets of a trail vest';
  await featured.getByLabel('Alt text').fill(altText);
  await featured.getByRole('button', { name: 'Save alt text' }).click();
  await expect(page.locator('.igny8-status')).toContainText('The alt text of Featured image is saved.');
  await page.screenshot({ path: `${SCREENS}/writer-images.png`, fullPage: true });

  // The featured image made again in another style: a paid run with its progress; the alt text stays.
  const firstPicture = await featured.locator('img').getAttribute('src');
  await featured.getByRole('button', { name: 'Make Featured image again…' }).click();
  await featured.getByLabel('Style').fill('watercolour illustration');
  const remakeBar = progressBarShown(page);
  await featured.getByRole('button', { name: 'Make it again' }).click();
  expect(await remakeBar).toBe(true);
  await expect(page.locator('.igny8-status')).toContainText('Featured image is made again.', { timeout: 90_000 });
  const remade = page.locator('.igny8-writer__image').first();
  await expect(remade.getByLabel('Alt text')).toHaveValue(altText);
  await expect
    .poll(() => remade.locator('img').evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0))
    .toBe(true);
  expect(await remade.locator('img').getAttribute('src')).not.toBe(firstPicture);

  // Edit the SEO title (with its character counter): a second version, and the diff between the two.
  await page.getByRole('tab', { name: 'Edit' }).click();
  const seoTitle = page.getByLabel('SEO title');
  const newSeoTitle = 'Trail vest packing: what goes where';
  await seoTitle.fill(newSeoTitle);
  await expect(root.getByText(`${newSeoTitle.length} of 60 characters`)).toBeVisible();
  await page.getByRole('button', { name: 'Save as a new version' }).click();
  await expect(page.locator('.igny8-status')).toContainText('Saved as version 2.');
  await page.getByRole('tab', { name: 'Versions' }).click();
  await expect(root.getByText('from version 1 to version 2')).toBeVisible();
  const diff = page.locator('.igny8-writer__diff');
  await expect(diff.getByRole('heading', { name: 'SEO title' })).toBeVisible();
  await expect(diff.locator('ins').filter({ hasText: 'what goes where' }).first()).toContainText('Added:');
  await expect(diff.locator('del').first()).toContainText('Removed:');
  await page.screenshot({ path: `${SCREENS}/writer-diff.png`, fullPage: true });

  // Someone else saves version 3 meanwhile: the screen's edit of version 2 is refused, and a reload is offered.
  const content = (await api('GET', `/writer/tasks/${task.data.id}/content`, undefined, account.token)).data;
  const other = await api(
    'PATCH',
    `/writer/contents/${content.id}`,
    { baseVersion: 2, excerpt: 'How to pack a trail running vest so nothing bounces.' },
    account.token,
  );
  expect(other.status, JSON.stringify(other.body)).toBe(200);
  await page.getByRole('tab', { name: 'Edit' }).click();
  await page.getByLabel('Title', { exact: true }).fill(`${TITLE}, step by step`);
  await page.getByRole('button', { name: 'Save as a new version' }).click();
  await expect(root.getByText('Someone saved a newer version while you were editing.')).toBeVisible();
  await page.getByRole('button', { name: 'Reload the newer version' }).click();
  await expect(root.getByText(/Version 3, \d+ words\./)).toBeVisible();
  await expect(page.getByLabel('Excerpt')).toHaveValue('How to pack a trail running vest so nothing bounces.');

  // One section rewritten by the AI: a paid run with its progress, then version 4.
  const sectionBar = progressBarShown(page);
  await page.getByRole('button', { name: 'Rewrite section 2 with AI' }).click();
  expect(await sectionBar).toBe(true);
  await expect(page.locator('.igny8-status')).toContainText('The section is rewritten: version 4.', {
    timeout: 90_000,
  });
  await expect(root.getByText(/Version 4, \d+ words\./)).toBeVisible();

  // Version 3 restored: a new version 5 with its text; the history keeps every version.
  await page.getByRole('tab', { name: 'Versions' }).click();
  await page.getByRole('button', { name: 'Restore version 3' }).click();
  await expect(page.locator('.igny8-status')).toContainText('Version 3 restored as version 5.');
  await expect(root.getByText(/Version 5, \d+ words\./)).toBeVisible();
  await expect(page.locator('.igny8-writer__version-list li')).toHaveCount(5);
  await page.screenshot({ path: `${SCREENS}/writer-restored.png`, fullPage: true });

  // Approve, then publish with a category and tags; the job's progress shows, then the post's link.
  await page.getByRole('button', { name: /^Approve/ }).click();
  await expect(root.getByText('This version is approved.')).toBeVisible();
  await page.getByRole('tab', { name: 'Publish' }).click();
  await page.getByLabel('Categories').fill('Trail running');
  await page.getByLabel('Tags').fill('vest, hydration');
  const publishingBar = progressBarShown(page);
  await page.getByRole('button', { name: 'Publish', exact: true }).click();
  expect(await publishingBar).toBe(true);
  await expect(root.locator('.components-notice').getByText('Published on this site.')).toBeVisible({
    timeout: 90_000,
  });
  const link = page.getByRole('link', { name: /View the post/ });
  await expect(link).toBeVisible();
  await page.screenshot({ path: `${SCREENS}/writer-published.png`, fullPage: true });
  const url = await link.getAttribute('href');
  expect(url).toBeTruthy();

  // A visitor sees the post with its featured image and the alt text written on the screen.
  await page.goto(url as string);
  await expect(page.getByRole('heading', { name: TITLE }).first()).toBeVisible();
  const image = page.locator('img.wp-post-image').first();
  await expect(image).toBeVisible();
  expect(await image.getAttribute('alt')).toBe(altText);
  await page.screenshot({ path: `${SCREENS}/writer-published-post.png`, fullPage: true });
});

test('a Contributor reviews on the Writer screen but is told that publishing needs someone who can publish', async ({
  page,
}) => {
  const contributor = await createWpUser('contributor');
  await logInWith(page, contributor.username, contributor.password);
  await page.goto(writerUrl());
  await page.getByRole('button', { name: `Open "${TITLE}"` }).click();
  await expect(page.getByRole('heading', { name: 'Review' })).toBeVisible();
  await page.getByRole('tab', { name: 'Publish' }).click();
  await expect(
    page.locator('#igny8-root').getByText('Only users who can publish posts can publish with IGNY8.'),
  ).toBeVisible();
  await expect(page.getByRole('button', { name: /^Publish/ })).toHaveCount(0);
  await page.screenshot({ path: `${SCREENS}/writer-contributor.png`, fullPage: true });
});
