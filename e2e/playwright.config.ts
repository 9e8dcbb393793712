import path from 'node:path';
import { defineConfig } from '@playwright/test';
import { RESULTS } from './support/stack.ts';

/**
 * End-to-end journeys in Debian's Chromium against a real WordPress (scripts/wp/harness.mjs) and the real server
 * and worker. The global setup starts all of it; specs run in file order on one worker because they share one site.
 */
export default defineConfig({
  testDir: './specs',
  globalSetup: './support/global-setup.ts',
  globalTeardown: './support/global-teardown.ts',
  fullyParallel: false,
  workers: 1,
  timeout: 90_000,
  expect: { timeout: 15_000 },
  outputDir: path.join(RESULTS, 'artifacts'),
  reporter: [['list'], ['html', { outputFolder: path.join(RESULTS, 'report'), open: 'never' }]],
  // The list reporter ends with the 10 slowest spec files, so CI logs show where the time goes.
  reportSlowTests: { max: 10, threshold: 0 },
  use: {
    screenshot: 'on',
    trace: 'retain-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--disable-dev-shm-usage',
      ],
    },
  },
});
