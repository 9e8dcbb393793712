import pino, { type Logger } from 'pino';
import { buildApp, type App } from '../../src/app.ts';
import { loadConfig, type Config } from '../../src/config.ts';
import { openDatabase, type Database } from '../../src/db/database.ts';
import type { JobDefinition } from '../../src/jobs/definition.ts';
import { SecretBox } from '../../src/lib/encryption.ts';
import { compose, type Services } from '../../src/compose.ts';
import type { ConnectService } from '../../src/modules/connect/service.ts';
import { createBoss, ensureQueues, type JobQueue } from '../../src/jobs/queue.ts';
import { createTestDatabase, type TestDatabase, type TestDatabaseMode } from './database.ts';

export interface TestContext {
  app: App;
  db: Database;
  queue: JobQueue;
  config: Config;
  database: TestDatabase;
  box: SecretBox;
  connect: ConnectService;
  /** Every service of this app, as compose.ts built them. */
  services: Services;
  close(): Promise<void>;
}

export const TEST_JWT_SECRET = 'test-secret-test-secret-test-secret-0123';
export const TEST_ENCRYPTION_KEYS = `test:${Buffer.alloc(32, 7).toString('base64')}`;

/**
 * The real app on its own fresh database (PostgreSQL, or the embedded one with TEST_DB_MODE=embedded), with pg-boss
 * started (no worker unless a test starts one).
 */
export async function createTestApp(
  env: Record<string, string> = {},
  options: { extraJobs?: JobDefinition[]; logger?: Logger; mode?: TestDatabaseMode } = {},
): Promise<TestContext> {
  const database = await createTestDatabase(options.mode);
  const config = loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: database.url,
    DATA_DIR: database.dataDir || '.data',
    JWT_SECRET: TEST_JWT_SECRET,
    ENCRYPTION_KEYS: TEST_ENCRYPTION_KEYS,
    LOG_LEVEL: 'silent',
    PUBLIC_URL: 'http://igny8.test',
    RATE_LIMIT_PER_MINUTE: '100000',
    LOGIN_RATE_LIMIT_PER_MINUTE: '100000',
    DATABASE_POOL_SIZE: '4',
    // pg-boss's minimum heartbeat: a job whose worker a test killed runs again after 10 s instead of 30.
    JOB_HEARTBEAT_SECONDS: '10',
    ...env,
  });
  const db = await openDatabase({
    url: config.DATABASE_URL,
    dataDir: config.dataDir,
    poolSize: config.DATABASE_POOL_SIZE,
  });
  const boss = createBoss(db, { poolSize: 2, schedulerCheckSeconds: config.SCHEDULER_CHECK_SECONDS });
  // Tests that stop the database see connection errors here; the app must survive them as in production.
  boss.on('error', () => {});
  await boss.start();
  const box = new SecretBox(TEST_ENCRYPTION_KEYS);
  const { services, registry, queue } = compose({
    config,
    db,
    boss,
    box,
    jwtSecret: TEST_JWT_SECRET,
    version: 'test',
    ...(options.extraJobs ? { extraJobs: options.extraJobs } : {}),
  });
  await ensureQueues(boss, registry, { heartbeatSeconds: config.JOB_HEARTBEAT_SECONDS });
  const app = await buildApp({
    config,
    services,
    jwtSecret: TEST_JWT_SECRET,
    version: 'test',
    logger: options.logger ?? pino({ level: 'silent' }),
  });
  await app.ready();
  return {
    app,
    db,
    queue,
    config,
    database,
    box,
    connect: services.connect,
    services,
    async close() {
      await app.close();
      await boss.stop({ graceful: false, close: true });
      await db.close();
      await database.drop();
    },
  };
}
