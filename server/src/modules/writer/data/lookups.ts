import type { Db } from '../../../db/client.ts';
import { findRunCancelRequest, findRunIdByIdempotencyKey, findRunSteps } from '../../../jobs/data.ts';
import {
  findAccountSite,
  findAccountSiteId,
  findSectorAndSiteId,
  findSectorLanguage,
  findSiteSectorId,
  findSiteVoice,
} from '../../sites/data.ts';

/**
 * What the writer reads of other domains: a site or sector it works for (checked to be the account's, for its
 * language and voice) and its own job runs (an idempotent request's job, whether a job was cancelled, its steps).
 * The queries are the owners' (sites, jobs), bound here to the writer's client or transaction.
 */
export function lookupsData(db: Db) {
  return {
    findSiteId: (accountId: string, siteId: string) => findAccountSiteId(db, accountId, siteId),

    findSite: (accountId: string, siteId: string) => findAccountSite(db, accountId, siteId),

    /** A site with what writing for it needs (its language and voice). */
    findSiteVoice: (accountId: string, siteId: string) => findSiteVoice(db, accountId, siteId),

    findSector: (accountId: string, sectorId: string) => findSectorAndSiteId(db, accountId, sectorId),

    findSectorOfSite: (accountId: string, siteId: string, sectorId: string) =>
      findSiteSectorId(db, accountId, siteId, sectorId),

    /** A sector's language and its site's. */
    findSectorLanguage: (sectorId: string) => findSectorLanguage(db, sectorId),

    /** The job an earlier request with this Idempotency-Key started, or null. */
    findJobByIdempotencyKey: (accountId: string, type: string, idempotencyKey: string) =>
      findRunIdByIdempotencyKey(db, accountId, type, idempotencyKey),

    findJobCancelRequest: (jobRunId: string) => findRunCancelRequest(db, jobRunId),

    findJobSteps: (jobRunId: string) => findRunSteps(db, jobRunId),
  };
}
