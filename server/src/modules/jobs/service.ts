import type { TJobAccepted, TJobListQuery, TJobRetryAccepted, TJobRun } from '@igny8/shared';
import { AppError, errors } from '../../errors.ts';
import { withTransactions } from '../../db/client.ts';
import type { JobRun, PrismaClient } from '../../generated/prisma/client.ts';
import type { StoredStep } from '../../jobs/context.ts';
import { JobInProgressError } from '../../jobs/errors.ts';
import type { JobQueue } from '../../jobs/queue.ts';
import { pageFrom } from '../../lib/pagination.ts';
import { isUniqueViolation } from '../../lib/prisma-errors.ts';
import { iso } from '../../lib/serialize.ts';
import type { AuthContext } from '../auth/credentials.ts';
import { siteOf } from '../auth/site-principal.ts';
import type { BillingService } from '../billing/service.ts';
import { sitesData } from '../sites/data.ts';
import { jobsData } from './data.ts';

/** The Idempotency-Key a retry is enqueued with: one retry per failed job, however often it is asked for. */
class DuplicateRetry extends Error {}

const RETRY_KEY_PREFIX = 'retry-of:';
const retryKey = (jobId: string) => RETRY_KEY_PREFIX + jobId;

/** How long a failed job's input is kept (pg-boss deletes finished jobs after 7 days): older ones cannot be retried. */
const RETRY_WINDOW_DAYS = 7;

/** What a user reads about a failed job: one line of the stored message, never a stack. */
export function failureView(error: unknown): TJobRun['error'] {
  if (!error || typeof error !== 'object') return null;
  const { code, message } = error as { code?: unknown; message?: unknown };
  const firstLine = typeof message === 'string' ? (message.split('\n')[0] ?? '').trim() : '';
  return {
    code: typeof code === 'string' ? code : 'JOB_FAILED',
    message: firstLine ? firstLine.slice(0, 500) : 'The job stopped with an error. Retry it.',
  };
}

export function jobView(run: JobRun): TJobRun {
  const steps = (run.steps as unknown as StoredStep[]).map(({ name, status, at, detail }) => ({
    name,
    status,
    at,
    ...(detail !== undefined ? { detail } : {}),
  }));
  return {
    id: run.id,
    type: run.type,
    status: run.status,
    progress: run.progress,
    currentStep: run.currentStep,
    steps,
    result: run.result ?? null,
    error: failureView(run.error),
    attempts: run.attempts,
    retryOf: run.idempotencyKey?.startsWith(RETRY_KEY_PREFIX)
      ? run.idempotencyKey.slice(RETRY_KEY_PREFIX.length)
      : null,
    siteId: run.siteId,
    requestId: run.requestId,
    createdAt: iso(run.createdAt),
    startedAt: iso(run.startedAt),
    finishedAt: iso(run.finishedAt),
    updatedAt: iso(run.updatedAt),
  };
}

export interface StartJobRequest {
  type: string;
  payload: unknown;
  siteId?: string;
  idempotencyKey?: string;
}

export function createJobsService({
  prisma,
  queue,
  billing,
}: {
  prisma: PrismaClient;
  queue: JobQueue;
  billing: BillingService;
}) {
  const data = withTransactions(prisma, jobsData);
  const sites = sitesData(prisma);

  async function find(auth: AuthContext, jobId: string): Promise<JobRun> {
    const run = await data.findRun(auth.accountId, jobId);
    if (!run) throw errors.notFound('Job', jobId);
    return run;
  }

  return {
    /** Enqueues a job for the caller's account and answers what a 202 needs. */
    async start(auth: AuthContext, requestId: string, request: StartJobRequest): Promise<TJobAccepted> {
      const run = await data.transaction((_, tx) =>
        queue.enqueue(tx, {
          type: request.type,
          accountId: auth.accountId,
          payload: request.payload,
          requestId,
          createdById: auth.userId,
          ...(request.siteId ? { siteId: request.siteId } : {}),
          ...(request.idempotencyKey ? { idempotencyKey: request.idempotencyKey } : {}),
        }),
      );
      return { jobId: run.id, status: run.status, pollUrl: `/api/v1/jobs/${run.id}` };
    },

    async get(auth: AuthContext, jobId: string): Promise<TJobRun> {
      return jobView(await find(auth, jobId));
    },

    /** Newest first; a site principal sees only its own site's jobs (a `siteId` of another site was a 404). */
    async list(auth: AuthContext, query: TJobListQuery) {
      const siteId = siteOf(auth) ?? query.siteId;
      if (siteId && !siteOf(auth)) {
        if (!(await sites.siteExists(auth.accountId, siteId))) throw errors.notFound('Site', siteId);
      }
      const rows = await data.listRuns(auth.accountId, siteId, query);
      const page = pageFrom(rows, query.limit);
      return { items: page.rows.map(jobView), nextCursor: page.nextCursor };
    },

    /**
     * Cancels a queued job at once; a running job stops at its next step or progress update (the handler notices).
     * Finished jobs cannot be cancelled.
     */
    async cancel(auth: AuthContext, jobId: string): Promise<TJobRun> {
      const run = await find(auth, jobId);
      if (run.status !== 'queued' && run.status !== 'running') {
        throw new AppError(
          'JOB_NOT_CANCELLABLE',
          `Job ${jobId} has already ${run.status === 'cancelled' ? 'been cancelled' : run.status}.`,
        );
      }
      const now = new Date();
      await data.requestCancel(run.id, now);
      if (run.status === 'queued') {
        // Not started: take it off the queue so no worker picks it up, and finish it here.
        await queue.boss.cancel(run.type, run.id);
        const count = await data.cancelQueued(run.id, now);
        // No worker will run it, so its clean-up (e.g. releasing a credit hold) happens here. Clean-ups key on the
        // job id, not the payload.
        if (count)
          await queue.registry
            .get(run.type)
            ?.onFailure?.({ jobId: run.id, accountId: run.accountId }, undefined as never);
      }
      return jobView(await find(auth, jobId));
    },

    /**
     * Runs a failed job again as a new job with the same input. One retry per failed job: asking again (also at the
     * same time) answers the same new job (its Idempotency-Key is `retry-of:<jobId>`). A paid job holds its credits
     * again, as much as the failed one held (the failed one's hold was given back when it failed), in the
     * transaction that enqueues the retry: the retry settles that one hold, so it charges at most once. Not enough
     * credits: 402 and nothing is enqueued.
     */
    async retry(auth: AuthContext, requestId: string, jobId: string): Promise<TJobRetryAccepted> {
      const run = await find(auth, jobId);
      const key = retryKey(run.id);
      const accepted = async (retried: JobRun): Promise<TJobRetryAccepted> => {
        const hold = await data.findHoldOfJob(retried.id);
        return {
          jobId: retried.id,
          status: retried.status,
          pollUrl: `/api/v1/jobs/${retried.id}`,
          retryOf: run.id,
          heldCredits: hold?.amount ?? 0,
        };
      };
      const earlier = await data.findRunByKey(auth.accountId, run.type, key);
      if (earlier) return accepted(earlier);
      if (run.status !== 'failed') {
        throw new AppError(
          'JOB_NOT_RETRYABLE',
          `Job ${jobId} is ${run.status}: only a failed job can be retried.` +
            (run.status === 'queued' || run.status === 'running' ? ' Wait for it to finish, or cancel it.' : ''),
        );
      }
      const sent = await queue.boss.findJobs<{ payload?: unknown }>(run.type, { id: run.id });
      const input = sent[0]?.data?.payload;
      if (!sent[0] || input === undefined) {
        throw new AppError(
          'JOB_NOT_RETRYABLE',
          `Job ${jobId} failed more than ${RETRY_WINDOW_DAYS} days ago and its input is no longer kept: ` +
            'start the work again from where you started it.',
        );
      }
      const failedHold = await data.findHoldOfJob(run.id);
      const holdsCredits = failedHold !== null && typeof input === 'object' && input !== null && 'holdId' in input;
      try {
        const retried = await data.transaction(async (_, tx) => {
          const newId = crypto.randomUUID();
          let payload = input;
          if (holdsCredits) {
            const hold = await billing.hold(tx, {
              accountId: auth.accountId,
              amount: failedHold.amount,
              operation: failedHold.operation,
              siteId: failedHold.siteId,
              jobRunId: newId,
            });
            payload = { ...(input as object), holdId: hold.id };
          }
          const enqueued = await queue.enqueue(tx, {
            id: newId,
            type: run.type,
            accountId: auth.accountId,
            payload,
            siteId: run.siteId,
            requestId,
            createdById: auth.userId,
            idempotencyKey: key,
            ...(run.exclusiveKey ? { exclusiveKey: run.exclusiveKey } : {}),
          });
          // Another request committed the retry first: undo this one's hold and answer with that job.
          if (enqueued.id !== newId) throw new DuplicateRetry();
          return enqueued;
        });
        return accepted(retried);
      } catch (error) {
        // The same retry asked for twice at once: the other one committed first, answer with its job.
        if (error instanceof DuplicateRetry || isUniqueViolation(error)) {
          const other = await data.findRunByKey(auth.accountId, run.type, key);
          if (other) return accepted(other);
        }
        if (error instanceof JobInProgressError) {
          throw new AppError(
            'JOB_IN_PROGRESS',
            `Job ${error.run.id} is already ${error.run.status} for this work: wait for it, or cancel it first.`,
            { jobId: error.run.id },
          );
        }
        throw error;
      }
    },
  };
}

export type JobsService = ReturnType<typeof createJobsService>;
