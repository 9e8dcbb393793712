import { loadConfig } from '../../server/src/config.ts';
import { compose, type Services } from '../../server/src/compose.ts';
import { openDatabase } from '../../server/src/db/database.ts';
import { createBoss } from '../../server/src/jobs/queue.ts';
import { SecretBox } from '../../server/src/lib/encryption.ts';
import { stack } from './stack.ts';

/**
 * The server's own connect service (built by its composition root, on the run's database and keys), for steps no
 * route exposes yet (the Publisher builds its routes on createDraftPost). The job queue is never started here.
 */
export async function withConnectService<T>(fn: (connect: Services['connect']) => Promise<T>): Promise<T> {
  const s = stack();
  const url = new URL(s.adminDatabaseUrl);
  url.pathname = `/${s.database}`;
  const config = loadConfig({
    DATABASE_URL: url.toString(),
    ALLOW_PRIVATE_SITE_URLS: 'true',
    ENCRYPTION_KEYS: s.encryptionKeys,
  });
  const db = await openDatabase({ url: config.DATABASE_URL, dataDir: config.dataDir, poolSize: 2 });
  try {
    const box = new SecretBox(s.encryptionKeys);
    const { services } = compose({ config, db, boss: createBoss(db, { poolSize: 1 }), box, version: 'e2e' });
    return await fn(services.connect);
  } finally {
    await db.close();
  }
}
