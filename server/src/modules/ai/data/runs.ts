import type { Db } from '../../../db/client.ts';
import { findRunByIdempotencyKey } from '../../../jobs/data.ts';
import { findCreditHoldOfJob } from '../../billing/data.ts';
import { findAccountSector, findAccountSite } from '../../sites/data.ts';

/**
 * What starting and running AI work reads besides the AI's own tables: the site and sector a run writes for (scoped
 * to the account), the job an Idempotency-Key already started, and the credit hold of a job. The queries are the
 * owners' (sites, jobs, billing), bound here to the AI's client or transaction.
 */
export function aiRunsData(db: Db) {
  return {
    findSite: (accountId: string, siteId: string) => findAccountSite(db, accountId, siteId),

    findSector: (accountId: string, sectorId: string) => findAccountSector(db, accountId, sectorId),

    /** The job of this type the account started with this Idempotency-Key, if any. */
    findRunByIdempotencyKey: (accountId: string, type: string, idempotencyKey: string) =>
      findRunByIdempotencyKey(db, accountId, type, idempotencyKey),

    /** The credit hold placed for a job, if any. */
    findHoldOfJob: (jobRunId: string) => findCreditHoldOfJob(db, jobRunId),
  };
}

export type AiRunsData = ReturnType<typeof aiRunsData>;
