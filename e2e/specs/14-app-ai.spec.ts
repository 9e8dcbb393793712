import { expect, test, type Page } from '@playwright/test';
import { appUrl, checkAppPage, fillSignUp, newAppUser, signInToApp } from '../support/app.ts';
import { rememberSecret } from '../support/secrets.ts';
import { api, loginAccount } from '../support/server-api.ts';
import { stack } from '../support/stack.ts';

/**
 * The account's AI settings in the web app: a provider key pointing at the fake provider, tested; a model chosen
 * for a function; two prompt versions, their diff, and a reset. A viewer may look but not save.
 */
test.describe.configure({ mode: 'serial' });

/** A notice on the page with this text (not the screen-reader announcement region that repeats it). */
const notice = (page: Page, text: string | RegExp) => page.locator('.components-notice').filter({ hasText: text });

const user = newAppUser('AI Owner');

test('an owner adds and tests a key, chooses a model, versions a prompt, compares and resets it', async ({
  page,
}, testInfo) => {
  await page.goto(appUrl('/sign-up'));
  await fillSignUp(page, user);
  await expect(page).toHaveURL(/\/app\/sites$/);

  await page.goto(appUrl('/ai'));
  await expect(page.getByRole('heading', { name: 'AI settings', level: 1 })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'No provider keys yet' })).toBeVisible();

  // A key for an OpenAI-compatible endpoint: the fake provider.
  const apiKey = `sk-e2e-${crypto.randomUUID()}-LAST`;
  rememberSecret('provider key', apiKey);
  const form = page.getByRole('form', { name: 'Add a provider key' });
  await form.getByLabel('Provider').selectOption('openai_compatible');
  await form.getByLabel('API key').fill(apiKey);
  await form.getByLabel('Base URL').fill(`${stack().fakeAiUrl}/v1`);
  await form.getByRole('button', { name: 'Add key' }).click();
  const row = page.getByRole('row').filter({ hasText: 'LAST' });
  await expect(row).toBeVisible();
  await expect(page.getByText(apiKey)).toHaveCount(0);
  await row.getByRole('button', { name: 'Test' }).click();
  await expect(notice(page, 'Test passed.')).toBeVisible();
  await expect(notice(page, /The key works/)).toBeVisible();

  // The model of a function: the select names the default; the choice is what runs use.
  const ideasModel = page.getByRole('combobox', { name: 'Content ideas' });
  await expect(ideasModel.locator('option').first()).toHaveText(/^Default \(/);
  await ideasModel.selectOption({ label: 'GPT-4.1 nano · OpenAI' });
  await expect(notice(page, 'Content ideas now runs on GPT-4.1 nano.')).toBeVisible();
  const owner = await loginAccount(user.email, user.password);
  const choices = await api('GET', '/ai/model-choices', undefined, owner.token);
  expect(choices.data.find((c: { function: string }) => c.function === 'generate_ideas')).toMatchObject({
    chosenModel: { modelId: 'gpt-4.1-nano' },
    effectiveModel: { modelId: 'gpt-4.1-nano' },
  });

  // Prompt versions for content ideas.
  await page.getByRole('combobox', { name: 'AI function' }).selectOption('generate_ideas');
  const prompt = page.getByRole('textbox', { name: 'Prompt for Content ideas' });
  await expect(prompt).toHaveValue(/\{\{cluster_name\}\}/);
  await prompt.fill('Ideas about the keywords:\n{{keywords}}');
  await page.getByRole('button', { name: 'Save as new version' }).click();
  await expect(page.locator('.components-notice.is-error')).toContainText('must use {{cluster_name}}');

  await prompt.fill('Ideas for {{cluster_name}}:\n{{keywords}}');
  await page.getByRole('button', { name: 'Save as new version' }).click();
  await expect(notice(page, 'Saved as version 1.')).toBeVisible();
  await prompt.fill('Ideas for {{cluster_name}} in {{language}}:\n{{keywords}}\nKeep titles short.');
  await page.getByRole('button', { name: 'Save as new version' }).click();
  await expect(notice(page, 'Saved as version 2.')).toBeVisible();

  await page.getByRole('combobox', { name: 'Compare with' }).selectOption('previous');
  const diff = page.locator('figure.igny8-diff');
  await expect(diff.locator('figcaption')).toHaveText('From Version 1 to Version 2: 2 lines added, 1 line removed.');
  await expect(diff.locator('ins').filter({ hasText: 'Keep titles short.' })).toContainText('Added:');
  await expect(diff.locator('del')).toContainText('Removed: Ideas for {{cluster_name}}:');
  await checkAppPage(page, testInfo, 'ai');

  // Reset, with confirmation; the reset is a version too.
  await page.getByRole('button', { name: 'Reset to default' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Reset to default' }).click();
  await expect(notice(page, /Back to the default prompt/)).toBeVisible();
  await expect(page.getByText('The built-in default prompt is in use.')).toBeVisible();
  const versions = await api('GET', '/ai/prompts/versions?function=generate_ideas', undefined, owner.token);
  expect(versions.data.map((v: { version: number; reset: boolean }) => [v.version, v.reset])).toEqual([
    [3, true],
    [2, false],
    [1, false],
  ]);
  await expect(page.getByRole('row').filter({ hasText: 'Reset to default' })).toBeVisible();

  // Remove the key, with confirmation.
  await row.getByRole('button', { name: 'Actions' }).click();
  await page.getByRole('menuitem', { name: 'Remove' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Remove key' }).click();
  await expect(page.getByRole('heading', { name: 'No provider keys yet' })).toBeVisible();
});

test('a viewer sees the settings read-only and cannot save them (the API answers 403)', async ({ page }, testInfo) => {
  const owner = await loginAccount(user.email, user.password);
  const email = `ai.viewer.${Date.now()}@example.com`;
  const invited = await api('POST', '/invitations', { email, role: 'viewer' }, owner.token);
  expect(invited.status, JSON.stringify(invited.body)).toBe(201);
  const token = invited.data.token as string;
  rememberSecret('invitation token', token);
  const password = `pw-${crypto.randomUUID()}`;
  rememberSecret('viewer password', password);
  const accepted = await api('POST', '/invitations/accept', { token, password, name: 'AI Viewer' });
  expect(accepted.status, JSON.stringify(accepted.body)).toBe(200);
  const viewer = accepted.data.tokens.accessToken as string;
  rememberSecret('access token', viewer);

  const save = await api(
    'PUT',
    '/ai/prompts',
    { function: 'generate_ideas', template: 'Viewer {{cluster_name}} {{keywords}}' },
    viewer,
  );
  expect(save.status).toBe(403);
  expect(save.body.code).toBe('ROLE_REQUIRED');
  const model = await api('PUT', '/ai/model-choices', { function: 'generate_ideas', modelId: null }, viewer);
  expect(model.status).toBe(403);
  const key = await api('POST', '/ai/credentials', { provider: 'openai', apiKey: 'sk-viewer-0000-1111' }, viewer);
  expect(key.status).toBe(403);
  // Reading is allowed, in the API and the app, where nothing offers a write.
  expect((await api('GET', '/ai/model-choices', undefined, viewer)).status).toBe(200);
  await signInToApp(page, { email, password });
  await expect(page).toHaveURL(/\/app\/sites$/);
  await page.goto(appUrl('/ai'));
  await expect(notice(page, /only owners and admins of the account can change them/)).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Provider keys' })).toHaveCount(0);
  await expect(page.getByRole('combobox', { name: 'Content ideas' })).toBeDisabled();
  await expect(page.getByRole('textbox', { name: 'Prompt for Article writing' })).toHaveAttribute('readonly', '');
  await expect(page.getByRole('button', { name: 'Save as new version' })).toHaveCount(0);
  await checkAppPage(page, testInfo, 'ai-viewer');
});
