import os from 'node:os';
import type { Logger } from 'pino';
import type { JobWithMetadata, PgBoss } from 'pg-boss';
import type { z } from 'zod';
import { Prisma, type PrismaClient } from '../generated/prisma/client.ts';
import { heartbeatData, jobRunData, type JobRunData } from './data.ts';
import { jobEnds } from './job-ends.ts';
import { JobContext, type StoredStep } from './context.ts';
import type { JobDefinition, JobRegistry } from './definition.ts';
import { AppError } from '../errors.ts';
import { AiError } from '../modules/ai/errors.ts';
import { JobCancelledError, JobFailure, PermanentJobError } from './errors.ts';
import { BOSS_SCHEMA, type JobEnvelope } from './queue.ts';

export interface WorkerOptions {
  concurrency: number;
  /** Seconds between worker heartbeats written for /system/status. */
  heartbeatIntervalSeconds?: number;
  /** How often an idle worker asks for new jobs when NOTIFY is unavailable. */
  pollingIntervalSeconds?: number;
  /**
   * How often an idle worker asks for jobs nobody announced (retries after a delay, scheduled jobs) while NOTIFY
   * wakes it for new ones. Default 5 s.
   */
  backstopPollingSeconds?: number;
}

/**
 * What a job's error looks like to the user; never a stack or a raw provider body. Errors written for users keep
 * their words (a PermanentJobError, an AppError, an AiError, which never carries a provider's body); anything else
 * (a bug, a driver error) is logged in full and shown as a plain sentence.
 */
export function describeError(error: unknown): { code: string; message: string } {
  if (error instanceof PermanentJobError || error instanceof AppError) {
    return { code: error.code, message: error.message };
  }
  if (error instanceof AiError) return { code: `AI_${error.kind.toUpperCase()}`, message: error.message };
  if (error instanceof JobFailure) return { code: error.code, message: error.message };
  return {
    code: 'JOB_FAILED',
    message: 'An unexpected error on our side stopped this job. Retry it; if it fails again, contact support.',
  };
}

/**
 * Runs registered job types: keeps JobRun (status, attempts, progress, steps) in step with pg-boss, notices
 * cancellation, and reports a heartbeat. pg-boss owns delivery, retries with backoff, expiry and dead letters.
 */
export class JobWorker {
  readonly id = `${os.hostname()}:${process.pid}:${crypto.randomUUID().slice(0, 8)}`;
  #heartbeat: NodeJS.Timeout | undefined;
  #started = false;
  readonly #runs: JobRunData;
  readonly #beats: ReturnType<typeof heartbeatData>;

  constructor(
    private readonly boss: PgBoss,
    private readonly prisma: PrismaClient,
    private readonly registry: JobRegistry,
    private readonly log: Logger,
    private readonly options: WorkerOptions,
  ) {
    this.#runs = jobRunData(prisma);
    this.#beats = heartbeatData(prisma);
  }

  async start(): Promise<void> {
    const defs = this.registry.all();
    for (const def of defs) {
      await this.boss.work<JobEnvelope>(
        def.type,
        {
          includeMetadata: true,
          batchSize: 1,
          localConcurrency: def.concurrency ?? this.options.concurrency,
          ...(def.groupConcurrency ? { groupConcurrency: def.groupConcurrency } : {}),
          pollingIntervalSeconds: this.options.pollingIntervalSeconds ?? 1,
          notifyPollingIntervalSeconds: Math.max(
            this.options.backstopPollingSeconds ?? 5,
            this.options.pollingIntervalSeconds ?? 1,
          ),
        },
        async ([job]) => {
          if (job) await this.run(def, job as JobWithMetadata<JobEnvelope>);
        },
      );
    }
    await this.beat();
    await this.recordLost();
    this.#heartbeat = setInterval(
      () =>
        void this.beat()
          .then(() => this.recordLost())
          .catch((error) => this.log.warn({ err: error }, 'worker heartbeat failed')),
      (this.options.heartbeatIntervalSeconds ?? 5) * 1_000,
    );
    this.#heartbeat.unref();
    this.#started = true;
    this.log.info({ workerId: this.id, queues: defs.map((d) => d.type) }, 'worker started');
  }

  /** Stops fetching; jobs in flight finish (pg-boss graceful stop waits for them). */
  async stop(): Promise<void> {
    if (!this.#started) return;
    this.#started = false;
    clearInterval(this.#heartbeat);
    await Promise.all(this.registry.all().map((def) => this.boss.offWork(def.type, { wait: true })));
    await this.#beats.remove(this.id).catch(() => {});
    this.log.info({ workerId: this.id }, 'worker stopped');
  }

  private async beat(): Promise<void> {
    await this.#beats.beat(
      this.id,
      this.registry.all().map((d) => d.type),
      new Date(),
    );
  }

  private async run(def: JobDefinition, job: JobWithMetadata<JobEnvelope>): Promise<void> {
    const envelope = job.data;
    const log = this.log.child({
      jobId: job.id,
      jobType: def.type,
      reqId: envelope.requestId,
      attempt: job.retryCount,
    });
    // One round trip in the usual case: mark the run as running unless it was cancelled or already succeeded.
    let run = await this.#runs.markRunning(job.id, new Date());
    if (!run && def.scheduled) run = await this.recordScheduled(def, job);
    if (!run) {
      if (!(await this.#runs.exists(job.id))) log.warn('job has no JobRun row; dropping it');
      else await this.markCancelledIfRequested(job.id);
      return;
    }
    const parsed = (def.payload as z.ZodType).safeParse(envelope.payload);
    if (!parsed.success) {
      await this.finishFailed(job.id, {
        code: 'INVALID_PAYLOAD',
        message: `The job's input is invalid: ${parsed.error.message}`,
      });
      return;
    }
    const ctx = new JobContext(
      this.prisma,
      job.id,
      envelope.accountId,
      envelope.requestId,
      job.retryCount + 1,
      log,
      job.signal,
      (run.steps as unknown as StoredStep[]) ?? [],
    );
    try {
      const result = await def.handler(ctx, parsed.data);
      await this.#runs.markSucceeded(job.id, (result ?? null) as Prisma.InputJsonValue);
      jobEnds.announce(envelope.requestId);
      log.info('job succeeded');
    } catch (error) {
      if (error instanceof JobCancelledError) {
        const current = await this.#runs.findCancelRequest(job.id);
        if (current?.cancelRequestedAt) {
          await this.cleanUp(def, job, parsed.data);
          await this.markCancelledIfRequested(job.id);
          jobEnds.announce(envelope.requestId);
          log.info('job cancelled');
          return;
        }
        // Not cancelled by anyone: the worker is stopping or the attempt expired. Let pg-boss deliver it again.
        await this.#runs.requeue(job.id);
        log.warn('job interrupted; it will run again');
        throw error;
      }
      const described = describeError(error);
      if (error instanceof PermanentJobError) {
        // Clean up first: once the job shows as failed, what it reserved is already given back.
        await this.cleanUp(def, job, parsed.data);
        await this.finishFailed(job.id, described);
        jobEnds.announce(envelope.requestId);
        log.warn({ code: described.code }, 'job failed permanently');
        return;
      }
      const lastAttempt = job.retryCount >= job.retryLimit;
      if (lastAttempt) {
        // Clean up first: once the job shows as failed, what it reserved is already given back.
        await this.cleanUp(def, job, parsed.data);
        await this.finishFailed(job.id, described);
        jobEnds.announce(envelope.requestId);
        log.error({ err: error }, 'job failed after its last attempt; moved to the dead-letter queue');
      } else {
        await this.#runs.requeue(job.id, described);
        log.warn(
          { err: error, retryCount: job.retryCount, retryLimit: job.retryLimit },
          'job attempt failed; will retry',
        );
      }
      throw error;
    }
  }

  /**
   * Jobs whose last attempt died with its worker (killed, out of memory): pg-boss fails them once their heartbeat
   * stops, but no handler is left to record it, so their JobRun would show "running" for good, their credit hold stay
   * open and whatever waits on them (an automation run) wait forever. Any worker records them as failed, then runs
   * their clean-up; the conditional update lets only one worker do it.
   */
  private async recordLost(): Promise<void> {
    const lost = await this.prisma.$queryRaw<{ id: string; name: string; data: JobEnvelope; attempts: number }[]>`
      SELECT j.id::text AS id, j.name, j.data, j.retry_count + 1 AS attempts
      FROM ${Prisma.raw(`"${BOSS_SCHEMA}".job`)} j JOIN "JobRun" r ON r.id = j.id
      WHERE j.state = 'failed' AND r.status IN ('running', 'queued')`;
    for (const job of lost) {
      const def = this.registry.all().find((d) => d.type === job.name);
      if (!def) continue;
      const { count } = await this.#runs.finishFailed(job.id, {
        code: 'WORKER_LOST',
        message: `The worker running this job stopped before it finished, on each of its ${job.attempts} attempts. Start the work again.`,
      });
      if (count !== 1) continue;
      const parsed = (def.payload as z.ZodType).safeParse(job.data.payload);
      if (parsed.success) await this.cleanUp(def, job, parsed.data);
      this.log.error(
        { jobId: job.id, jobType: def.type },
        'job lost with its worker on its last attempt; recorded as failed',
      );
    }
  }

  /** A job pg-boss's scheduler sent has no JobRun yet: write it (once; a redelivery finds it), then run it. */
  private async recordScheduled(def: JobDefinition, job: JobWithMetadata<JobEnvelope>) {
    if (await this.#runs.exists(job.id)) return undefined;
    const payload = job.data.payload as { siteId?: unknown } | undefined;
    await this.#runs
      .create({
        id: job.id,
        accountId: job.data.accountId,
        siteId: typeof payload?.siteId === 'string' ? payload.siteId : null,
        type: def.type,
      })
      .catch(() => {});
    return this.#runs.markRunning(job.id, new Date());
  }

  private async finishFailed(id: string, error: { code: string; message: string }): Promise<void> {
    await this.#runs.finishFailed(id, error);
  }

  /** The definition's clean-up for a job that will not succeed (failed for good or cancelled). */
  private async cleanUp(def: JobDefinition, job: { id: string; data: JobEnvelope }, payload: unknown): Promise<void> {
    if (!def.onFailure) return;
    try {
      await def.onFailure({ jobId: job.id, accountId: job.data.accountId }, payload);
    } catch (error) {
      this.log.error({ err: error, jobId: job.id }, 'job clean-up failed');
    }
  }

  /** Records a requested cancellation; false when nobody asked for one. */
  private async markCancelledIfRequested(id: string): Promise<boolean> {
    return this.#runs.markCancelledIfRequested(id);
  }
}
