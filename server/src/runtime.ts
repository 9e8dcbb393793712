import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { PgBoss } from 'pg-boss';
import type { Logger } from 'pino';
import { buildApp, type App } from './app.ts';
import { ConfigError, type Config } from './config.ts';
import { openDatabase, type Database } from './db/database.ts';
import type { JobDefinition } from './jobs/definition.ts';
import { compose, type Services } from './compose.ts';
import { seedModelRegistry } from './modules/ai/seed.ts';
import { createBoss, ensureQueues, type JobQueue } from './jobs/queue.ts';
import { JobWorker } from './jobs/worker.ts';
import { startControlSocket } from './modules/operator/control-socket.ts';
import { createLogger } from './logger.ts';
import { randomToken } from './lib/secrets.ts';
import { SecretBox } from './lib/encryption.ts';

export const VERSION = '0.1.0';

export interface ServiceOptions {
  config: Config;
  /** Which parts run in this process. */
  api: boolean;
  worker: boolean;
  /** Job types added to the product's (tests add their own). */
  extraJobs?: JobDefinition[];
  logger?: Logger;
  /** Passed to pg-boss: how often jobs of dead workers are looked for. */
  superviseIntervalSeconds?: number;
}

export interface Service {
  db: Database;
  boss: PgBoss;
  queue: JobQueue;
  /** Every service, built once (compose.ts). */
  services: Services;
  app?: App;
  worker?: JobWorker;
  log: Logger;
  /** Graceful: stops taking requests and jobs, lets those in flight finish, then closes the database. */
  close(): Promise<void>;
}

/**
 * The JWT secret: from the environment, or (outside production) generated once into the data folder so tokens
 * survive restarts of a zero-configuration install.
 */
async function resolveJwtSecret(config: Config): Promise<string> {
  if (config.JWT_SECRET) return config.JWT_SECRET;
  if (config.NODE_ENV === 'production') {
    throw new ConfigError(['JWT_SECRET: the API needs it in production (at least 32 random characters)']);
  }
  const file = path.join(config.dataDir, 'jwt-secret');
  const existing = await readFile(file, 'utf8').catch(() => '');
  if (existing.trim().length >= 32) return existing.trim();
  await mkdir(config.dataDir, { recursive: true });
  const secret = randomToken(48);
  await writeFile(file, secret, { mode: 0o600 });
  return secret;
}

/** The stored-secrets box: from ENCRYPTION_KEYS, or (outside production) a key generated once into DATA_DIR. */
export async function resolveSecretBox(config: Config): Promise<SecretBox> {
  if (config.ENCRYPTION_KEYS) return new SecretBox(config.ENCRYPTION_KEYS);
  if (config.NODE_ENV === 'production') {
    throw new ConfigError(['ENCRYPTION_KEYS: required in production ("k1:" followed by 32 random bytes in base64)']);
  }
  const file = path.join(config.dataDir, 'encryption-keys');
  const existing = (await readFile(file, 'utf8').catch(() => '')).trim();
  if (existing) return new SecretBox(existing);
  await mkdir(config.dataDir, { recursive: true });
  const spec = SecretBox.generateSpec('dev1');
  await writeFile(file, spec, { mode: 0o600 });
  return new SecretBox(spec);
}

/** Opens the database, applies migrations, starts pg-boss, then the API and/or the worker. */
export async function startService(options: ServiceOptions): Promise<Service> {
  const { config } = options;
  const log = options.logger ?? createLogger(config.LOG_LEVEL, config.logFormat);
  const db = await openDatabase({
    url: config.DATABASE_URL,
    dataDir: config.dataDir,
    poolSize: config.DATABASE_POOL_SIZE,
    onConnectionError: (error) => log.warn({ err: error }, 'database connection error'),
  });
  try {
    const migrated = await db.migrate((msg) => log.info(msg));
    log.info({ mode: db.mode, applied: migrated.applied.length }, 'database ready');
    const box = await resolveSecretBox(config);
    await seedModelRegistry(db.prisma);
    const boss = createBoss(db, {
      ...(options.superviseIntervalSeconds ? { superviseIntervalSeconds: options.superviseIntervalSeconds } : {}),
      schedulerCheckSeconds: config.SCHEDULER_CHECK_SECONDS,
    });
    boss.on('error', (error) => log.error({ err: error }, 'job queue error'));
    const jwtSecret = options.api ? await resolveJwtSecret(config) : undefined;
    const { services, registry, queue } = compose({
      config,
      db,
      boss,
      box,
      jwtSecret,
      version: VERSION,
      ...(options.extraJobs ? { extraJobs: options.extraJobs } : {}),
    });
    await boss.start();
    await ensureQueues(boss, registry, { heartbeatSeconds: config.JOB_HEARTBEAT_SECONDS });

    const app = jwtSecret
      ? await buildApp({
          config,
          services,
          jwtSecret,
          version: VERSION,
          logger: log,
        })
      : undefined;
    const worker = options.worker
      ? new JobWorker(boss, db.prisma, registry, log.child({ component: 'worker' }), {
          concurrency: config.WORKER_CONCURRENCY,
          backstopPollingSeconds: config.WORKER_POLL_SECONDS,
        })
      : undefined;
    await worker?.start();
    // The embedded database is this process's alone: operator commands reach it through this socket meanwhile.
    const control =
      db.mode === 'embedded'
        ? await startControlSocket(config.dataDir, { prisma: db.prisma, billing: services.billing }, log)
        : undefined;

    let closing: Promise<void> | undefined;
    const close = () =>
      (closing ??= (async () => {
        // Order matters: stop accepting work, let work in flight finish, then release the database.
        await app?.close();
        await control?.close();
        await worker?.stop();
        await boss.stop({ graceful: true, timeout: config.SHUTDOWN_TIMEOUT_MS, close: true });
        await db.close();
      })());
    return { db, boss, queue, services, log, close, ...(app ? { app } : {}), ...(worker ? { worker } : {}) };
  } catch (error) {
    await db.close().catch(() => {});
    throw error;
  }
}
