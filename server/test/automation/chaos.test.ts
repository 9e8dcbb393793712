import { afterAll, expect, it } from 'vitest';
import { formatReport, runChaos, type ChaosReport } from './chaos.ts';

/**
 * The short chaos run (`npm run chaos:automation -- --quick`): two sites with real WordPress sites run automation end
 * to end while the worker process is SIGKILLed 10 times at random moments. Nothing may be published, uploaded or
 * charged twice, nothing lost, and every run must end with a reason. The full run (100 kills) is the npm script.
 */
let report: ChaosReport | undefined;
afterAll(() => {
  if (report) console.log(formatReport(report));
});

it('publishes nothing twice, charges nothing twice and loses nothing while the worker is killed', async () => {
  report = await runChaos({ kills: 10, sites: 2 });
  const failed = report.checks.filter((c) => !c.ok);
  expect(failed, formatReport(report)).toEqual([]);
  expect(report.figures.kills).toBe(10);
  expect(report.figures.posts).toBeGreaterThan(0);
  expect(report.figures.media).toBeGreaterThan(0);
}, 600_000);
