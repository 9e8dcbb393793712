import type { Db } from '../../../db/client.ts';
import { findEmbeddingModel } from '../../ai/data/models.ts';
import { findCreditHold } from '../../billing/data.ts';
import { findRequestHashByIdempotencyKey } from '../../../jobs/data.ts';
import {
  findAccountSectorWithLanguage,
  findAccountSiteId,
  findSectorSiteId,
  findSiteSector,
  findSiteWithConnectionStatus,
} from '../../sites/data.ts';

/**
 * The planner's reads of what it works in: the account's sites and sectors, and the rows of other modules its runs
 * look up (a job's idempotency key, a credit hold's amount, an embedding model). The queries are the owners' (sites,
 * jobs, billing, ai), bound here to the planner's client or transaction.
 */
export function scopeData(db: Db) {
  return {
    /** The account's site (its id), or null. */
    findSite: (accountId: string, siteId: string) => findAccountSiteId(db, accountId, siteId),

    /** The account's site with its WordPress connection's status, or null. */
    findSiteWithConnection: (accountId: string, siteId: string) => findSiteWithConnectionStatus(db, accountId, siteId),

    /** A sector of the account's site, with the site's language, or null. */
    findSector: (accountId: string, siteId: string, sectorId: string) =>
      findSiteSector(db, accountId, siteId, sectorId),

    /** A sector of the account (any site), with the site's language, or null. */
    findAccountSector: (accountId: string, sectorId: string) => findAccountSectorWithLanguage(db, accountId, sectorId),

    /** The site of the account's sector, or null. */
    findSectorSite: (accountId: string, sectorId: string) => findSectorSiteId(db, accountId, sectorId),

    /** The request hash of a job started earlier with this Idempotency-Key, or null. */
    findIdempotentRun: (accountId: string, type: string, idempotencyKey: string) =>
      findRequestHashByIdempotencyKey(db, accountId, type, idempotencyKey),

    /** The credits a hold reserves (0 when it does not exist). */
    async heldCredits(holdId: string): Promise<number> {
      return (await findCreditHold(db, holdId))?.amount ?? 0;
    },

    /** An embedding model by "provider/modelId", or null. */
    findEmbeddingModel: (provider: string, modelId: string) => findEmbeddingModel(db, provider, modelId),
  };
}
