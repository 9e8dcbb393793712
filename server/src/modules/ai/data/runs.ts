import type { Db } from '../../../db/client.ts';

/**
 * What starting and running AI work reads besides the AI's own tables: the site and sector a run writes for (scoped
 * to the account), the job an Idempotency-Key already started, and the credit hold of a job.
 */
export function aiRunsData(db: Db) {
  return {
    findSite(accountId: string, siteId: string) {
      return db.site.findFirst({ where: { id: siteId, accountId } });
    },

    findSector(accountId: string, sectorId: string) {
      return db.sector.findFirst({ where: { id: sectorId, accountId } });
    },

    /** The job of this type the account started with this Idempotency-Key, if any. */
    findRunByIdempotencyKey(accountId: string, type: string, idempotencyKey: string) {
      return db.jobRun.findUnique({
        where: { accountId_type_idempotencyKey: { accountId, type, idempotencyKey } },
      });
    },

    /** The credit hold placed for a job, if any. */
    findHoldOfJob(jobRunId: string) {
      return db.creditHold.findUnique({ where: { jobRunId } });
    },
  };
}

export type AiRunsData = ReturnType<typeof aiRunsData>;
