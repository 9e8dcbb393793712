import { expect, test } from '@playwright/test';
import { appUrl, checkAppPage, fillSignUp, newAppUser, signInToApp } from '../support/app.ts';

/** The web app's own account journeys: sign up, sign out, sign in, in Chromium against the real server. */
test.describe.configure({ mode: 'serial' });

const user = newAppUser('Web Owner');

test('a visitor signs up and lands on an empty Sites screen that says what to do next', async ({ page }, testInfo) => {
  await page.goto(appUrl('/'));
  await expect(page).toHaveURL(/\/app\/sign-in$/);
  await checkAppPage(page, testInfo, 'sign-in');
  await page.getByRole('link', { name: 'Create an account' }).click();
  await expect(page.getByRole('heading', { name: 'Create your IGNY8 account' })).toBeVisible();
  await checkAppPage(page, testInfo, 'sign-up');
  await fillSignUp(page, user);
  await expect(page).toHaveURL(/\/app\/sites$/);
  await expect(page.getByRole('heading', { name: 'No sites yet' })).toBeVisible();
  await expect(page.getByText(user.accountName)).toBeVisible();
  await checkAppPage(page, testInfo, 'sites-empty');
});

test('the sign-up form explains a bad field in the product’s words', async ({ page }) => {
  await page.goto(appUrl('/sign-up'));
  await fillSignUp(page, { ...user, email: 'not-an-email', password: 'short' });
  await expect(page.getByRole('alert').or(page.locator('.components-notice.is-error'))).toContainText(
    /email|password/i,
  );
  await expect(page).toHaveURL(/\/app\/sign-up/);
});

test('signing out ends the session; signing in again returns to the page asked for', async ({ page }) => {
  await signInToApp(page, user);
  await expect(page).toHaveURL(/\/app\/sites$/);
  await page.getByRole('button', { name: 'Sign out' }).click();
  await expect(page).toHaveURL(/\/app\/sign-in/);
  await page.goto(appUrl('/sites'));
  await expect(page).toHaveURL(/\/app\/sign-in\?next=%2Fsites$/);
  await page.getByLabel('Email').fill(user.email);
  await page.getByLabel('Password').fill('wrong password for sure');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page.locator('.components-notice.is-error')).toBeVisible();
  await page.getByLabel('Password').fill(user.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await expect(page).toHaveURL(/\/app\/sites$/);
});
