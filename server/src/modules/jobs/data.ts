import type { TJobListQuery } from '@igny8/shared';
import type { Db } from '../../db/client.ts';
import { afterCursor, newestFirst } from '../../lib/pagination.ts';
import { findCreditHoldOfJob } from '../billing/data.ts';

/** The jobs module's queries: an account's job runs as its members see and cancel them. */
export function jobsData(db: Db) {
  return {
    findRun(accountId: string, jobId: string) {
      return db.jobRun.findFirst({ where: { id: jobId, accountId } });
    },

    listRuns(accountId: string, siteId: string | undefined, query: TJobListQuery) {
      return db.jobRun.findMany({
        where: {
          accountId,
          ...(siteId ? { siteId } : {}),
          ...(query.status ? { status: query.status } : {}),
          ...(query.type ? { type: query.type } : {}),
          ...afterCursor(query.cursor),
        },
        orderBy: newestFirst,
        take: query.limit + 1,
      });
    },

    findRunByKey(accountId: string, type: string, idempotencyKey: string) {
      return db.jobRun.findFirst({ where: { accountId, type, idempotencyKey } });
    },

    /** The credit hold placed for a job, or null. */
    findHoldOfJob(jobRunId: string) {
      return findCreditHoldOfJob(db, jobRunId);
    },

    requestCancel(jobId: string, at: Date) {
      return db.jobRun.updateMany({
        where: { id: jobId, status: { in: ['queued', 'running'] } },
        data: { cancelRequestedAt: at },
      });
    },

    /** Finishes a job that never started as cancelled; 0 when a worker picked it up meanwhile. */
    async cancelQueued(jobId: string, at: Date): Promise<number> {
      const { count } = await db.jobRun.updateMany({
        where: { id: jobId, status: 'queued' },
        data: { status: 'cancelled', finishedAt: at },
      });
      return count;
    },
  };
}
