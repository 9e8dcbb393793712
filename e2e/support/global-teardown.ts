import pg from 'pg';
import { stopProcessGroups, stopStartedHarnesses } from '../../scripts/lib/suite-guard.mjs';
import { stack } from './stack.ts';

/**
 * Stops the server, the fake AI provider and the mail sink, drops the run's database and stops the e2e WordPress the setup started
 * (E2E_KEEP_WORDPRESS=1 keeps it running for inspection). The setup's guard covers runs that end any other way.
 */
export default async function globalTeardown() {
  const s = stack();
  stopProcessGroups([{ pid: s.serverPid }, { pid: s.fakeAiPid }, { pid: s.mailSinkPid }]);
  const admin = new pg.Client({ connectionString: s.adminDatabaseUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${s.database} WITH (FORCE)`);
  await admin.end();
  if (!stopStartedHarnesses(process.env.WP_HARNESS_STARTED_FILE)) {
    throw new Error('stopping the e2e WordPress failed (see above)');
  }
}
