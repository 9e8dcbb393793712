import { loadConfig } from '../../server/src/config.ts';
import { openDatabase } from '../../server/src/db/database.ts';
import { SecretBox } from '../../server/src/lib/encryption.ts';
import { connectServiceFor } from '../../server/src/modules/connect/index.ts';
import { stack } from './stack.ts';

/**
 * The server's own connect service, on the run's database and keys, for steps no route exposes yet (the Publisher
 * builds its routes on createDraftPost).
 */
export async function withConnectService<T>(
  fn: (connect: ReturnType<typeof connectServiceFor>) => Promise<T>,
): Promise<T> {
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
    return await fn(connectServiceFor(config, db.prisma, new SecretBox(s.encryptionKeys)));
  } finally {
    await db.close();
  }
}
