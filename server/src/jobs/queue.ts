import { fromPglite, fromPrisma, PgBoss } from 'pg-boss';
import type { z } from 'zod';
import type { Database } from '../db/database.ts';
import type { JobRun, Prisma } from '../generated/prisma/client.ts';
import { jobRunData } from './data.ts';
import { DEAD_LETTER_SUFFIX, type JobDefinition, type JobRegistry } from './definition.ts';
import { JobInProgressError } from './errors.ts';

export const BOSS_SCHEMA = 'pgboss';

/** What travels through pg-boss: the tenant and request travel with every job. */
export interface JobEnvelope {
  v: 1;
  accountId: string;
  requestId?: string;
  payload: unknown;
}

export interface BossOptions {
  /**
   * How often pg-boss looks for jobs whose worker died (heartbeat or expiry missed). pg-boss's own default
   * monitor interval is 60 s; 10 s means a crashed worker's job runs again within heartbeat + 10 s.
   */
  superviseIntervalSeconds?: number;
  poolSize?: number;
  /** How often due schedules are looked for (pg-boss cron monitor, 1-45 s; default 30). */
  schedulerCheckSeconds?: number;
}

export function createBoss(db: Database, options: BossOptions = {}): PgBoss {
  const common = {
    schema: BOSS_SCHEMA,
    // Workers wake when a job is sent (NOTIFY on every queue, see ensureQueues) instead of polling each queue every
    // second: on the embedded database, which serves one connection, a hundred polls a second kept it busy and
    // every request waited behind them (measured: ~1 s per request under load).
    useListenNotify: true,
    superviseIntervalSeconds: options.superviseIntervalSeconds ?? 10,
    monitorIntervalSeconds: options.superviseIntervalSeconds ?? 10,
    application_name: 'igny8',
    ...(options.schedulerCheckSeconds
      ? {
          cronMonitorIntervalSeconds: options.schedulerCheckSeconds,
          cronWorkerIntervalSeconds: options.schedulerCheckSeconds,
        }
      : {}),
  };
  if (db.pglite) return new PgBoss({ ...common, db: fromPglite(db.pglite), backend: 'pglite' });
  return new PgBoss({ ...common, connectionString: db.url!, max: options.poolSize ?? 4 });
}

export interface QueueOptions {
  /**
   * Every queue's heartbeat instead of its job type's (JOB_HEARTBEAT_SECONDS; pg-boss's minimum is 10). Jobs take
   * their queue's heartbeat when they are sent. Tests use it so that a killed worker's job runs again sooner.
   */
  heartbeatSeconds?: number | undefined;
}

/**
 * Queues of job types renamed to the `<module>.<snake_case_action>` scheme (sites.health-check became
 * connect.site_health, account.export became accounts.export). The migration renamed their JobRun rows; the
 * pg-boss queues are dropped, with any job still waiting in them: a health check or an account export asked for
 * before the upgrade and not yet run must be asked for again.
 */
export const LEGACY_QUEUES = ['sites.health-check', 'account.export'];

async function dropLegacyQueues(boss: PgBoss, existing: Map<string, unknown>): Promise<void> {
  // Each queue before its dead-letter queue, which it names.
  for (const name of LEGACY_QUEUES.flatMap((type) => [type, type + DEAD_LETTER_SUFFIX])) {
    if (!existing.has(name)) continue;
    await boss.deleteQueue(name);
    existing.delete(name);
  }
}

/**
 * Creates each job type's queue and its dead-letter queue (idempotent), then loads every queue into pg-boss's
 * in-memory queue cache. `enqueue` sends inside the caller's transaction, but on a cache miss pg-boss first reads
 * the queue through its own connection: on the embedded database, whose one connection the transaction holds, that
 * read waits forever (the first import after a fresh start froze the whole server). pg-boss fills its cache only at
 * start and every 60 s, and drops a queue from it when the queue is created or changed, so the cache is filled
 * here, after the last change. previewRedrive is pg-boss's cheapest public call that goes through the cache.
 */
export async function ensureQueues(boss: PgBoss, registry: JobRegistry, options: QueueOptions = {}): Promise<void> {
  const existing = new Map((await boss.getQueues()).map((q) => [q.name, q]));
  await dropLegacyQueues(boss, existing);
  for (const def of registry.all()) {
    const deadLetter = def.type + DEAD_LETTER_SUFFIX;
    if (!existing.has(deadLetter)) await boss.createQueue(deadLetter, { retentionSeconds: 30 * 86_400 });
    const queue = existing.get(def.type);
    const heartbeatSeconds = options.heartbeatSeconds ?? def.heartbeatSeconds ?? 30;
    // Queues made before workers were woken by NOTIFY get it now.
    if (queue && !queue.notify) await boss.updateQueue(def.type, { notify: true });
    if (queue && options.heartbeatSeconds && queue.heartbeatSeconds !== heartbeatSeconds) {
      await boss.updateQueue(def.type, { heartbeatSeconds });
    }
    if (!queue) {
      await boss.createQueue(def.type, {
        notify: true,
        deadLetter,
        retryLimit: def.retryLimit ?? 3,
        retryDelay: def.retryDelay ?? 5,
        retryBackoff: true,
        retryDelayMax: def.retryDelayMax ?? 600,
        heartbeatSeconds,
        expireInSeconds: def.expireInSeconds ?? 3_600,
      });
    }
  }
  for (const def of registry.all()) await boss.previewRedrive(def.type);
}

export interface EnqueueRequest<TPayload> {
  type: string;
  accountId: string;
  payload: TPayload;
  siteId?: string | null;
  requestId?: string;
  createdById?: string | null;
  /** Same key (per account and type) -> the existing job is returned, no second one is created. */
  idempotencyKey?: string;
  /** Hash of the request that started it, to tell a retry from a different request with the same key. */
  requestHash?: string;
  /** The job id, when the caller needs it before enqueueing (e.g. to tie a credit hold to the job). */
  id?: string;
  /** pg-boss takes higher priorities first, then older jobs (default 0). */
  priority?: number;
  /**
   * At most one queued or running job per account and key (e.g. `images:<contentId>`): while one is active, another
   * request with the key gets JobInProgressError naming it. Checked under a transaction-scoped advisory lock on the
   * key, so concurrent requests are judged one after the other and cannot both pass.
   */
  exclusiveKey?: string;
}

export class UnknownJobTypeError extends Error {
  constructor(type: string) {
    super(`No job type "${type}" is registered`);
  }
}

/**
 * Creates the JobRun row and the pg-boss job in the caller's transaction: both commit or neither does, so a
 * rolled-back request never leaves a job behind. The pg-boss job id is the JobRun id.
 */
export class JobQueue {
  constructor(
    readonly boss: PgBoss,
    readonly registry: JobRegistry,
  ) {}

  definition(type: string): JobDefinition {
    const def = this.registry.get(type);
    if (!def) throw new UnknownJobTypeError(type);
    return def;
  }

  /**
   * Takes `key`'s lock for the rest of the transaction and throws JobInProgressError while a job with it is queued or
   * running: for callers that write other rows (a credit hold) before enqueueing the job with that exclusiveKey.
   */
  async claimExclusive(tx: Prisma.TransactionClient, accountId: string, key: string): Promise<void> {
    await this.#lockExclusive(tx, accountId, key);
    await this.#refuseIfActive(tx, accountId, key);
  }

  async #lockExclusive(tx: Prisma.TransactionClient, accountId: string, key: string) {
    // Re-entrant within a session, released at commit or rollback.
    await jobRunData(tx).lockExclusive(accountId, key);
  }

  async #refuseIfActive(tx: Prisma.TransactionClient, accountId: string, key: string) {
    const active = await jobRunData(tx).findActiveExclusive(accountId, key);
    if (active) throw new JobInProgressError(active);
  }

  async enqueue<TPayload>(tx: Prisma.TransactionClient, request: EnqueueRequest<TPayload>): Promise<JobRun> {
    const def = this.definition(request.type);
    const payload = (def.payload as z.ZodType).parse(request.payload);
    const runs = jobRunData(tx);
    // Taken first, so a concurrent request with the same Idempotency-Key sees the committed job below.
    if (request.exclusiveKey) await this.#lockExclusive(tx, request.accountId, request.exclusiveKey);
    if (request.idempotencyKey) {
      const existing = await runs.findByIdempotencyKey(request.accountId, request.type, request.idempotencyKey);
      if (existing) return existing;
    }
    if (request.exclusiveKey) await this.#refuseIfActive(tx, request.accountId, request.exclusiveKey);
    const run = await runs.create({
      id: request.id ?? crypto.randomUUID(),
      accountId: request.accountId,
      requestHash: request.requestHash ?? null,
      siteId: request.siteId ?? null,
      type: request.type,
      requestId: request.requestId ?? null,
      createdById: request.createdById ?? null,
      idempotencyKey: request.idempotencyKey ?? null,
      exclusiveKey: request.exclusiveKey ?? null,
    });
    const envelope: JobEnvelope = {
      v: 1,
      accountId: request.accountId,
      ...(request.requestId ? { requestId: request.requestId } : {}),
      payload,
    };
    await this.boss.send(request.type, envelope as unknown as object, {
      id: run.id,
      db: fromPrisma(tx),
      ...(def.group ? { group: { id: def.group(payload) } } : {}),
      ...(request.priority ? { priority: request.priority } : {}),
    });
    return run;
  }
}
