import type { Db } from '../../../db/client.ts';
import type { AiModel } from '../../../generated/prisma/client.ts';

/**
 * The planner's reads of what it works in: the account's sites and sectors, and the rows of other modules its runs
 * look up (a job's idempotency key, a credit hold's amount, an embedding model).
 */
export function scopeData(db: Db) {
  return {
    /** The account's site (its id), or null. */
    findSite(accountId: string, siteId: string) {
      return db.site.findFirst({ where: { id: siteId, accountId }, select: { id: true } });
    },

    /** The account's site with its WordPress connection's status, or null. */
    findSiteWithConnection(accountId: string, siteId: string) {
      return db.site.findFirst({
        where: { id: siteId, accountId },
        include: { connection: { select: { status: true } } },
      });
    },

    /** A sector of the account's site, with the site's language, or null. */
    findSector(accountId: string, siteId: string, sectorId: string) {
      return db.sector.findFirst({
        where: { id: sectorId, siteId, accountId },
        include: { site: { select: { language: true } } },
      });
    },

    /** A sector of the account (any site), with the site's language, or null. */
    findAccountSector(accountId: string, sectorId: string) {
      return db.sector.findFirst({
        where: { id: sectorId, accountId },
        include: { site: { select: { language: true } } },
      });
    },

    /** The site of the account's sector, or null. */
    findSectorSite(accountId: string, sectorId: string) {
      return db.sector.findFirst({ where: { id: sectorId, accountId }, select: { siteId: true } });
    },

    /** The request hash of a job started earlier with this Idempotency-Key, or null. */
    findIdempotentRun(accountId: string, type: string, idempotencyKey: string) {
      return db.jobRun.findUnique({
        where: { accountId_type_idempotencyKey: { accountId, type, idempotencyKey } },
        select: { requestHash: true },
      });
    },

    /** The credits a hold reserves (0 when it does not exist). */
    async heldCredits(holdId: string): Promise<number> {
      return (await db.creditHold.findUnique({ where: { id: holdId } }))?.amount ?? 0;
    },

    /** An embedding model by "provider/modelId", or null. */
    findEmbeddingModel(provider: string, modelId: string) {
      return db.aiModel.findFirst({
        where: { provider: provider as AiModel['provider'], modelId, kind: 'embedding' },
      });
    },
  };
}
