import pg from 'pg';
import { stack } from './stack.ts';

/** Stops the server and the fake AI provider and drops its database; the e2e WordPress stays up for inspection until the next run. */
export default async function globalTeardown() {
  const s = stack();
  for (const pid of [s.serverPid, s.fakeAiPid]) {
    try {
      process.kill(pid, 'SIGTERM');
    } catch {
      // already gone
    }
  }
  await new Promise((r) => setTimeout(r, 1_000));
  const admin = new pg.Client({ connectionString: s.adminDatabaseUrl });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${s.database} WITH (FORCE)`);
  await admin.end();
}
