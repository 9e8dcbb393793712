/**
 * Chaos run of automation: several sites with real WordPress sites run the whole pipeline (auto-publish, fake AI
 * provider, PostgreSQL) while the worker process is SIGKILLed at random moments and started again.
 *
 *   npm run chaos:automation                   # 100 kills, 3 sites (about 15 minutes)
 *   npm run chaos:automation -- --quick        # 10 kills, 2 sites (what test/automation/chaos.test.ts runs in CI)
 *   npm run chaos:automation -- --kills 40 --sites 2
 *
 * Prints a table (duplicate posts and media in WordPress, double captures, lost items, runs without a stop reason)
 * and the figures (kills, runs, posts, media, seconds); exits non-zero on any violation. Uses its own WordPress
 * harnesses (see test/automation/wordpress.ts), stopped at the end when it started them, and a database cloned from
 * the test template of TEST_DB_NAMESPACE (rebuilt first, as `npm test` does: give it a namespace of its own).
 */
import { guardSuite } from '../../scripts/lib/suite-guard.mjs';
import setupTemplate from '../test/global-setup.ts';
import { formatReport, runChaos } from '../test/automation/chaos.ts';

function option(name: string): string | undefined {
  const at = process.argv.indexOf(name);
  return at >= 0 ? process.argv[at + 1] : undefined;
}

async function main() {
  const guard = guardSuite('chaos-automation', { sigint: true });
  try {
    const quick = process.argv.includes('--quick');
    const kills = Number(option('--kills') ?? (quick ? 10 : 100));
    const sites = Number(option('--sites') ?? (quick ? 2 : 3));
    if (!Number.isInteger(kills) || kills < 1 || !Number.isInteger(sites) || sites < 1) {
      throw new Error('--kills and --sites take whole numbers from 1');
    }
    await setupTemplate();
    const report = await runChaos({ kills, sites, log: (line) => console.log(`chaos: ${line}`) });
    console.log(`\n${formatReport(report)}`);
    console.log(`RESULT ${JSON.stringify({ ok: report.ok, ...report.figures })}`);
    return report.ok;
  } finally {
    guard.stop();
  }
}

main().then(
  (ok) => process.exit(ok ? 0 : 1),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
