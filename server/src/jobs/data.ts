import os from 'node:os';
import { withTransactions, type Db } from '../db/client.ts';
import { Prisma, type PrismaClient } from '../generated/prisma/client.ts';

/** A JobRun's steps as stored (see StoredStep in context.ts). */
type Steps = Prisma.InputJsonValue;

/**
 * The job system's queries on JobRun: what the queue writes when a job is sent, what the worker and a running job's
 * context record as it runs. The locking ones (`lockExclusive`, `lockSteps`) are for a transaction.
 */
export function jobRunData(db: Db) {
  return {
    // Sending (queue.ts)

    /** Takes `accountId:key`'s advisory lock for the rest of the transaction (re-entrant within a session). */
    async lockExclusive(accountId: string, key: string): Promise<void> {
      await db.$executeRaw`SELECT pg_advisory_xact_lock(hashtextextended(${`${accountId}:${key}`}, 0))`;
    },

    findActiveExclusive(accountId: string, key: string) {
      return db.jobRun.findFirst({ where: { accountId, exclusiveKey: key, status: { in: ['queued', 'running'] } } });
    },

    findByIdempotencyKey(accountId: string, type: string, idempotencyKey: string) {
      return findRunByIdempotencyKey(db, accountId, type, idempotencyKey);
    },

    create(data: Prisma.JobRunUncheckedCreateInput) {
      return db.jobRun.create({ data });
    },

    // Running (context.ts)

    findCancelRequest(jobId: string) {
      return findRunCancelRequest(db, jobId);
    },

    setProgress(jobId: string, progress: number, currentStep?: string) {
      return db.jobRun.updateMany({
        where: { id: jobId, status: 'running' },
        data: { progress, ...(currentStep !== undefined ? { currentStep } : {}) },
      });
    },

    /** Records `name` as the current step unless the job was cancelled meanwhile; false when it was. */
    async markStep(jobId: string, name: string): Promise<boolean> {
      const marked = await db.jobRun.updateMany({
        where: { id: jobId, cancelRequestedAt: null },
        data: { currentStep: name },
      });
      return marked.count > 0;
    },

    saveSteps(jobId: string, steps: Steps, extra: { progress?: number; currentStep?: string } = {}) {
      return db.jobRun.update({ where: { id: jobId }, data: { steps, ...extra } });
    },

    /** The run's steps, its row locked for the transaction so two deliveries of one job cannot both run a step. */
    async lockSteps<S>(jobId: string): Promise<{ steps: S[] } | undefined> {
      const [row] = await db.$queryRaw<{ steps: S[] }[]>`
        SELECT steps FROM "JobRun" WHERE id = ${jobId}::uuid FOR UPDATE`;
      return row;
    },

    /** Appends a finished step to the run's steps in SQL and makes it the current one, at 100% (a last step). */
    async appendLastStep(jobId: string, step: { name: string }): Promise<void> {
      await db.$executeRaw`
      UPDATE "JobRun" SET steps = steps || ${JSON.stringify([step])}::jsonb, "currentStep" = ${step.name}, progress = 100
      WHERE id = ${jobId}::uuid`;
    },

    // The worker (worker.ts)

    /** Marks the run as running unless it was cancelled or already succeeded; its steps, or nothing. */
    async markRunning(jobId: string, now: Date): Promise<{ steps: unknown } | undefined> {
      const [run] = await db.$queryRaw<{ steps: unknown }[]>`
        UPDATE "JobRun" SET "status" = 'running', "attempts" = "attempts" + 1,
               "startedAt" = COALESCE("startedAt", ${now}), "updatedAt" = ${now}
        WHERE "id" = ${jobId}::uuid AND "status" NOT IN ('cancelled', 'succeeded') AND "cancelRequestedAt" IS NULL
        RETURNING "steps"`;
      return run;
    },

    async exists(jobId: string): Promise<boolean> {
      return (await db.jobRun.findUnique({ where: { id: jobId }, select: { id: true } })) !== null;
    },

    markSucceeded(jobId: string, result: Prisma.InputJsonValue) {
      return db.jobRun.updateMany({
        where: { id: jobId, status: 'running' },
        data: {
          status: 'succeeded',
          progress: 100,
          currentStep: null,
          result,
          error: undefined,
          finishedAt: new Date(),
        },
      });
    },

    /** Back to queued after an interrupted or failed attempt (pg-boss delivers it again). */
    requeue(jobId: string, error?: { code: string; message: string }) {
      return db.jobRun.updateMany({
        where: { id: jobId, status: 'running' },
        data: { status: 'queued', ...(error ? { error } : {}) },
      });
    },

    finishFailed(jobId: string, error: { code: string; message: string }) {
      return db.jobRun.updateMany({
        where: { id: jobId, status: { in: ['running', 'queued'] } },
        data: { status: 'failed', error, finishedAt: new Date() },
      });
    },

    /** Records a requested cancellation; false when nobody asked for one. */
    async markCancelledIfRequested(jobId: string): Promise<boolean> {
      const { count } = await db.jobRun.updateMany({
        where: { id: jobId, status: { in: ['queued', 'running'] }, cancelRequestedAt: { not: null } },
        data: { status: 'cancelled', finishedAt: new Date(), currentStep: null },
      });
      return count > 0;
    },
  };
}

export type JobRunData = ReturnType<typeof jobRunData>;

// The JobRun reads and writes of the modules whose jobs they are (a request's Idempotency-Key, a running job's
// state). Each takes the client or a caller's transaction.

/** The job of this type the account started with this Idempotency-Key, or null. */
export function findRunByIdempotencyKey(db: Db, accountId: string, type: string, idempotencyKey: string) {
  return db.jobRun.findUnique({
    where: { accountId_type_idempotencyKey: { accountId, type, idempotencyKey } },
  });
}

/** The id of the job of this type the account started with this Idempotency-Key, or null. */
export function findRunIdByIdempotencyKey(db: Db, accountId: string, type: string, idempotencyKey: string) {
  return db.jobRun.findUnique({
    where: { accountId_type_idempotencyKey: { accountId, type, idempotencyKey } },
    select: { id: true },
  });
}

/** The request hash of the job of this type the account started with this Idempotency-Key, or null. */
export function findRequestHashByIdempotencyKey(db: Db, accountId: string, type: string, idempotencyKey: string) {
  return db.jobRun.findUnique({
    where: { accountId_type_idempotencyKey: { accountId, type, idempotencyKey } },
    select: { requestHash: true },
  });
}

/** A job run by id, or null. */
export function findRunById(db: Db, jobId: string) {
  return db.jobRun.findUnique({ where: { id: jobId } });
}

/** When a job's cancellation was asked for (null when it was not), or null when there is no such job. */
export function findRunCancelRequest(db: Db, jobId: string) {
  return db.jobRun.findUnique({ where: { id: jobId }, select: { cancelRequestedAt: true } });
}

/** A job's steps as stored, or null. */
export function findRunSteps(db: Db, jobId: string) {
  return db.jobRun.findUnique({ where: { id: jobId }, select: { steps: true } });
}

/** How many times a job was attempted, or null. */
export function findRunAttempts(db: Db, jobId: string) {
  return db.jobRun.findUnique({ where: { id: jobId }, select: { attempts: true } });
}

/** How many of the account's jobs of these types are queued or running. */
export async function countActiveRuns(db: Db, accountId: string, types: string[]): Promise<number> {
  const [row] = await db.$queryRaw<{ n: number }[]>`
    SELECT count(*)::int AS n FROM "JobRun"
    WHERE "accountId" = ${accountId}::uuid AND status IN ('queued', 'running')
      AND type IN (${Prisma.join(types)})`;
  return row?.n ?? 0;
}

/**
 * How many of the site's jobs of these types are running past a wait (their current step is not `waitingStep`),
 * besides `exceptJobId`, counting only those pg-boss has active.
 */
export async function countRunningOnSite(
  db: Db,
  siteId: string,
  types: string[],
  exceptJobId: string,
  waitingStep: string,
): Promise<number> {
  // pgboss is BOSS_SCHEMA (queue.ts); its job table holds each job's delivery state.
  const [row] = await db.$queryRaw<{ n: number }[]>`
    SELECT count(*)::int AS n FROM "JobRun" r JOIN pgboss.job j ON j.id = r.id AND j.name = r.type
    WHERE r."siteId" = ${siteId}::uuid AND r.type IN (${Prisma.join(types)}) AND r.status = 'running'
      AND r.id <> ${exceptJobId}::uuid AND j.state = 'active'
      AND r."currentStep" IS DISTINCT FROM ${waitingStep}`;
  return row?.n ?? 0;
}

/** Records a job's current step (whatever its status). */
export function setRunCurrentStep(db: Db, jobId: string, currentStep: string) {
  return db.jobRun.update({ where: { id: jobId }, data: { currentStep } });
}

/** JobRun queries on the client, plus `transaction(fn)` running them in one transaction. */
export function jobRunStore(prisma: PrismaClient) {
  return withTransactions(prisma, jobRunData);
}

export type JobRunStore = ReturnType<typeof jobRunStore>;

/** Worker heartbeats, for /system/status. */
export function heartbeatData(db: Db) {
  return {
    beat(workerId: string, queues: string[], now: Date) {
      return db.workerHeartbeat.upsert({
        where: { id: workerId },
        create: { id: workerId, hostname: os.hostname(), pid: process.pid, queues, startedAt: now, lastSeenAt: now },
        update: { lastSeenAt: now },
      });
    },

    remove(workerId: string) {
      return db.workerHeartbeat.deleteMany({ where: { id: workerId } });
    },

    /** The freshest heartbeats first. */
    latest(take: number) {
      return db.workerHeartbeat.findMany({ orderBy: { lastSeenAt: 'desc' }, take });
    },
  };
}
