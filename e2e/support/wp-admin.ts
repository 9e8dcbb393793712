import type { Page } from '@playwright/test';
import { expect } from '@playwright/test';
import { stack } from './stack.ts';

/** Logs in through wp-login.php as a person would. */
export async function logIn(page: Page, who: 'admin' | 'editor' | 'author') {
  const { wp } = stack();
  const user = wp.users[who];
  await page.goto(`${wp.url}/wp-login.php`);
  await page.getByLabel('Username or Email Address').fill(user.username);
  await page.getByLabel('Password', { exact: true }).fill(user.password);
  await page.getByRole('button', { name: 'Log In' }).click();
  await expect(page.locator('#wpadminbar')).toBeVisible();
}

export function connectionScreenUrl(): string {
  return `${stack().wp.adminUrl}admin.php?page=igny8-connection`;
}
