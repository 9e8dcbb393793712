import type { Db } from '../../../db/client.ts';

/**
 * What the writer reads of other domains: a site or sector it works for (checked to be the account's, for its
 * language and voice) and its own job runs (an idempotent request's job, whether a job was cancelled, its steps).
 */
export function lookupsData(db: Db) {
  return {
    findSiteId(accountId: string, siteId: string) {
      return db.site.findFirst({ where: { id: siteId, accountId }, select: { id: true } });
    },

    findSite(accountId: string, siteId: string) {
      return db.site.findFirst({ where: { id: siteId, accountId } });
    },

    /** A site with what writing for it needs (its language and voice). */
    findSiteVoice(accountId: string, siteId: string) {
      return db.site.findFirst({
        where: { id: siteId, accountId },
        select: { id: true, language: true, voice: true },
      });
    },

    findSector(accountId: string, sectorId: string) {
      return db.sector.findFirst({ where: { id: sectorId, accountId }, select: { id: true, siteId: true } });
    },

    findSectorOfSite(accountId: string, siteId: string, sectorId: string) {
      return db.sector.findFirst({ where: { id: sectorId, accountId, siteId }, select: { id: true } });
    },

    /** A sector's language and its site's. */
    findSectorLanguage(sectorId: string) {
      return db.sector.findUnique({
        where: { id: sectorId },
        select: { language: true, site: { select: { language: true } } },
      });
    },

    /** The job an earlier request with this Idempotency-Key started, or null. */
    findJobByIdempotencyKey(accountId: string, type: string, idempotencyKey: string) {
      return db.jobRun.findUnique({
        where: { accountId_type_idempotencyKey: { accountId, type, idempotencyKey } },
        select: { id: true },
      });
    },

    findJobCancelRequest(jobRunId: string) {
      return db.jobRun.findUnique({ where: { id: jobRunId }, select: { cancelRequestedAt: true } });
    },

    findJobSteps(jobRunId: string) {
      return db.jobRun.findUnique({ where: { id: jobRunId }, select: { steps: true } });
    },
  };
}
