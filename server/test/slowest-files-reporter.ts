import path from 'node:path';
import type { Reporter, TestModule } from 'vitest/node';

/**
 * Prints the 10 slowest test files at the end of a run (after vitest's summary), so CI logs show where the time
 * goes. A file's time is its import, setup and tests (hooks included), as vitest measured it in its worker.
 */
export default class SlowestFilesReporter implements Reporter {
  async onTestRunEnd(testModules: ReadonlyArray<TestModule>) {
    // vitest calls every reporter's onTestRunEnd, then onFinished, where the default reporter prints its summary:
    // a turn of the event loop later, this list comes after it.
    await new Promise((resolve) => setImmediate(resolve));
    const rows = testModules
      .map((module) => {
        const d = module.diagnostic();
        const ms = d.environmentSetupDuration + d.prepareDuration + d.setupDuration + d.collectDuration + d.duration;
        return {
          file: path.relative(process.cwd(), module.moduleId),
          ms,
          tests: [...module.children.allTests()].length,
        };
      })
      .sort((a, b) => b.ms - a.ms)
      .slice(0, 10);
    if (!rows.length) return;
    const lines = rows.map(
      (r, i) => `${String(i + 1).padStart(3)}. ${(r.ms / 1000).toFixed(1).padStart(7)} s  ${r.file} (${r.tests} tests)`,
    );
    process.stdout.write(
      ` Slowest test files (${process.env.TEST_DB_MODE ?? 'postgres'} database):\n${lines.join('\n')}\n\n`,
    );
  }
}
