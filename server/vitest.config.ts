import os from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    pool: 'forks',
    // Test files mostly wait (on PostgreSQL, worker processes, retries), so on 2 cores two run at once; vitest's
    // default (one fewer than the cores) would run them one by one there. Each file has its own database; the files
    // that use the publisher tests' WordPress take turns (test/publisher/helpers.ts).
    maxWorkers: Math.max(2, os.availableParallelism() - 1),
    minWorkers: 1,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // Worker-process tests wait on real retries and crash recovery; keep reporters readable. The last one prints the
    // 10 slowest files after the summary.
    reporters: ['default', './test/slowest-files-reporter.ts'],
  },
});
