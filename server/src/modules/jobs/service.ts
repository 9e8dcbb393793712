import type { TJobAccepted, TJobListQuery, TJobRun } from '@igny8/shared';
import { AppError, errors } from '../../errors.ts';
import { withTransactions } from '../../db/client.ts';
import type { JobRun, PrismaClient } from '../../generated/prisma/client.ts';
import type { StoredStep } from '../../jobs/context.ts';
import type { JobQueue } from '../../jobs/queue.ts';
import { pageFrom } from '../../lib/pagination.ts';
import { iso } from '../../lib/serialize.ts';
import type { AuthContext } from '../auth/credentials.ts';
import { siteOf } from '../auth/site-principal.ts';
import { sitesData } from '../sites/data.ts';
import { jobsData } from './data.ts';

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
    error: (run.error as TJobRun['error']) ?? null,
    attempts: run.attempts,
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

export function createJobsService({ prisma, queue }: { prisma: PrismaClient; queue: JobQueue }) {
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
  };
}

export type JobsService = ReturnType<typeof createJobsService>;
