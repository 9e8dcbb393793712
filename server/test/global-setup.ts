import { rm } from 'node:fs/promises';
import { createBoss } from '../src/jobs/queue.ts';
import { openDatabase, type Database } from '../src/db/database.ts';
import { seedModelRegistry } from '../src/modules/ai/seed.ts';
import { guardSuite } from '../../scripts/lib/suite-guard.mjs';
import { EMBEDDED_TEMPLATE_DIR } from './helpers/database.ts';
import { TEMPLATE_DB, TEST_DB_PATTERN, urlFor, withAdmin } from './helpers/postgres.ts';

/** Migrations applied, models seeded, pg-boss's schema installed: what every test database starts from. */
async function prepareTemplate(db: Database) {
  await db.migrate();
  await seedModelRegistry(db.prisma);
  const boss = createBoss(db);
  await boss.start();
  await boss.stop({ graceful: false, close: db.mode === 'postgres' });
  await db.close();
}

/**
 * Builds the template databases once per run, so each test file clones one in milliseconds instead of migrating
 * its own: a PostgreSQL database, and an embedded database folder (for TEST_DB_MODE=embedded and the journeys that
 * run on both).
 *
 * Every process the run starts is stopped when it ends (the returned teardown), also when it fails or is
 * interrupted (scripts/lib/suite-guard.mjs): the publisher tests' WordPress and MariaDB when this run started them,
 * and the test workers and the processes they spawned when the run is killed halfway.
 */
export default async function setup() {
  const guard = guardSuite('server-tests');
  await withAdmin(async (c) => {
    await c.query(`DROP DATABASE IF EXISTS ${TEMPLATE_DB} WITH (FORCE)`);
    await c.query(`CREATE DATABASE ${TEMPLATE_DB}`);
  });
  await rm(EMBEDDED_TEMPLATE_DIR, { recursive: true, force: true });
  await Promise.all([
    openDatabase({ url: urlFor(TEMPLATE_DB), dataDir: '' }).then(prepareTemplate),
    openDatabase({ dataDir: EMBEDDED_TEMPLATE_DIR }).then(prepareTemplate),
  ]);
  // Orphans of interrupted runs (test databases are normally dropped by their files).
  await withAdmin(async (c) => {
    const { rows } = await c.query<{ datname: string }>(
      `SELECT datname FROM pg_database WHERE datname ~ $1 AND datname NOT IN
        (SELECT DISTINCT datname FROM pg_stat_activity WHERE datname IS NOT NULL)`,
      [TEST_DB_PATTERN],
    );
    for (const row of rows) await c.query(`DROP DATABASE IF EXISTS ${row.datname} WITH (FORCE)`);
  });
  return async () => {
    await rm(EMBEDDED_TEMPLATE_DIR, { recursive: true, force: true });
    await guard.stop();
  };
}
