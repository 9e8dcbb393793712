import path from 'node:path';
import { defineConfig } from '@playwright/test';
import baseConfig from './playwright.config.ts';
import { DEMO_RESULTS } from './demo/stack.ts';

/**
 * The newcomer's path: `npm run demo` on a fresh clone (embedded database, demo AI, a WordPress already connected),
 * then the Planner and the Writer in wp-admin, in Debian's Chromium. Its own setup, results and WordPress ports, so
 * it runs after the main journeys without touching their stack.
 */
export default defineConfig({
  ...baseConfig,
  testDir: './demo',
  globalSetup: './demo/global-setup.ts',
  globalTeardown: './demo/global-teardown.ts',
  timeout: 180_000,
  outputDir: path.join(DEMO_RESULTS, 'artifacts'),
  reporter: [['list'], ['html', { outputFolder: path.join(DEMO_RESULTS, 'report'), open: 'never' }]],
});
