import { appendFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import AxeBuilder from '@axe-core/playwright';
import { expect, type Page, type TestInfo } from '@playwright/test';
import { rememberSecret } from './secrets.ts';
import { RESULTS, SCREENS, stack } from './stack.ts';

/** The web app (server/web) as its users reach it: the server's /app. */
export const appUrl = (route = '/') => `${stack().serverUrl}/app${route}`;

/** Every page's accessibility results, one JSON line each, for the closing figures (test-results/axe.jsonl). */
export const AXE_RESULTS = path.join(RESULTS, 'axe.jsonl');

/**
 * What every app page must pass: a full-page screenshot kept in test-results/screens/app-<name>.png and attached
 * to the report, and axe (WCAG 2.1 A and AA rules) with no serious or critical violation.
 */
export async function checkAppPage(page: Page, testInfo: TestInfo, name: string): Promise<void> {
  mkdirSync(SCREENS, { recursive: true });
  const file = path.join(SCREENS, `app-${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  await testInfo.attach(`app-${name}`, { path: file, contentType: 'image/png' });
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  const blocking = results.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  appendFileSync(
    AXE_RESULTS,
    `${JSON.stringify({
      page: name,
      url: page.url(),
      passes: results.passes.length,
      violations: results.violations.map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.length })),
    })}\n`,
  );
  expect(
    blocking.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`),
    `axe on ${name}`,
  ).toEqual([]);
}

/** Timings of journeys, for the closing figures (test-results/timings.jsonl). */
export function recordTiming(journey: string, seconds: number): void {
  appendFileSync(path.join(RESULTS, 'timings.jsonl'), `${JSON.stringify({ journey, seconds })}\n`);
}

export interface AppUser {
  name: string;
  email: string;
  password: string;
  accountName: string;
}

export function newAppUser(label: string): AppUser {
  const slug = label.toLowerCase().replace(/\W+/g, '.');
  const password = `pw-${crypto.randomUUID()}`;
  rememberSecret('app password', password);
  return { name: label, email: `${slug}.${Date.now()}@example.com`, password, accountName: `${label} Agency` };
}

/** Fills the app's sign-up form (the page must be on /app/sign-up). */
export async function fillSignUp(page: Page, user: AppUser): Promise<void> {
  await page.getByLabel('Your name').fill(user.name);
  await page.getByLabel('Email').fill(user.email);
  await page.getByLabel('Password').fill(user.password);
  await page.getByLabel('Account or agency name').fill(user.accountName);
  await page.getByRole('button', { name: 'Create account' }).click();
}

/**
 * Signs in through the app's sign-in page; a browser that still holds the session's cookie goes straight on to the
 * Sites screen instead.
 */
export async function signInToApp(page: Page, user: Pick<AppUser, 'email' | 'password'>): Promise<void> {
  await page.goto(appUrl('/sign-in'));
  const form = page.getByRole('heading', { name: 'Sign in to IGNY8' });
  await expect(form.or(page.getByRole('heading', { name: 'Sites', exact: true }))).toBeVisible();
  if (!(await form.isVisible())) return;
  await page.getByLabel('Email').fill(user.email);
  await page.getByLabel('Password').fill(user.password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}
