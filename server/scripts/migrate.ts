import { ConfigError, loadConfig } from '../src/config.ts';
import { openDatabase } from '../src/db/database.ts';

/**
 * `npm run db:migrate`: applies pending migrations to DATABASE_URL, or to the embedded database under DATA_DIR.
 * Works offline (no Prisma engine download); `prisma migrate deploy` keeps working on the same database.
 */
try {
  const config = loadConfig();
  const db = await openDatabase({ url: config.DATABASE_URL, dataDir: config.dataDir });
  try {
    const result = await db.migrate((msg) => console.log(msg));
    console.log(
      `${db.mode === 'postgres' ? 'PostgreSQL' : `Embedded database (${config.dataDir})`}: ` +
        `${result.applied.length} migration(s) applied, ${result.alreadyApplied} already applied.`,
    );
  } finally {
    await db.close();
  }
} catch (error) {
  console.error(error instanceof ConfigError ? error.message : `Migration failed: ${(error as Error).message}`);
  process.exit(1);
}
