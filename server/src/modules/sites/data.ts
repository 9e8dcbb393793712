import type { Prisma } from '../../generated/prisma/client.ts';
import type { Db } from '../../db/client.ts';
import { afterCursor, newestFirst } from '../../lib/pagination.ts';

/** A site with what its view shows: the number of sectors and the connection. */
const withCount = { _count: { select: { sectors: true } }, connection: true } as const;

/** The sites module's queries: sites and their sectors, always within one account. */
export function sitesData(db: Db) {
  return {
    findSite(accountId: string, siteId: string) {
      return db.site.findFirst({ where: { id: siteId, accountId }, include: withCount });
    },

    /** Whether the account has this site (a filter naming another tenant's site is a 404). */
    async siteExists(accountId: string, siteId: string): Promise<boolean> {
      return (await findAccountSiteId(db, accountId, siteId)) !== null;
    },

    findSiteByUrl(accountId: string, url: string) {
      return db.site.findFirst({ where: { accountId, url } });
    },

    listSites(accountId: string, cursor: string | undefined, take: number) {
      return db.site.findMany({
        where: { accountId, ...afterCursor(cursor) },
        include: withCount,
        orderBy: newestFirst,
        take,
      });
    },

    /** Every site of the account with its sectors, oldest first (the account export). */
    listSitesWithSectors(accountId: string) {
      return db.site.findMany({
        where: { accountId },
        include: { sectors: { orderBy: { createdAt: 'asc' } } },
        orderBy: { createdAt: 'asc' },
      });
    },

    createSite(data: Prisma.SiteUncheckedCreateInput) {
      return db.site.create({ data, include: withCount });
    },

    updateSite(siteId: string, data: Prisma.SiteUncheckedUpdateInput) {
      return db.site.update({ where: { id: siteId }, data, include: withCount });
    },

    async deleteSite(accountId: string, siteId: string): Promise<number> {
      const { count } = await db.site.deleteMany({ where: { id: siteId, accountId } });
      return count;
    },

    findSector(accountId: string, siteId: string, sectorId: string) {
      return findSiteSector(db, accountId, siteId, sectorId);
    },

    listSectors(accountId: string, siteId: string) {
      return db.sector.findMany({ where: { siteId, accountId }, orderBy: { createdAt: 'asc' } });
    },

    createSector(data: Prisma.SectorUncheckedCreateInput) {
      return db.sector.create({ data });
    },

    updateSector(sectorId: string, data: Prisma.SectorUncheckedUpdateInput) {
      return db.sector.update({ where: { id: sectorId }, data });
    },

    async deleteSector(accountId: string, siteId: string, sectorId: string): Promise<number> {
      const { count } = await db.sector.deleteMany({ where: { id: sectorId, siteId, accountId } });
      return count;
    },
  };
}

export type SitesData = ReturnType<typeof sitesData>;

// The lookups other modules make of sites and sectors (the site or sector a request names, checked to be the
// account's). Each takes the client or a caller's transaction.

/** The account's site, or null. */
export function findAccountSite(db: Db, accountId: string, siteId: string) {
  return db.site.findFirst({ where: { id: siteId, accountId } });
}

/** The account's site (its id only), or null. */
export function findAccountSiteId(db: Db, accountId: string, siteId: string) {
  return db.site.findFirst({ where: { id: siteId, accountId }, select: { id: true } });
}

/** The account's site with its WordPress connection's status, or null. */
export function findSiteWithConnectionStatus(db: Db, accountId: string, siteId: string) {
  return db.site.findFirst({
    where: { id: siteId, accountId },
    include: { connection: { select: { status: true } } },
  });
}

/** The account's site with what writing for it needs (its language and voice), or null. */
export function findSiteVoice(db: Db, accountId: string, siteId: string) {
  return db.site.findFirst({
    where: { id: siteId, accountId },
    select: { id: true, language: true, voice: true },
  });
}

/** A sector of the account's site, with the site's language, or null. */
export function findSiteSector(db: Db, accountId: string, siteId: string, sectorId: string) {
  return db.sector.findFirst({
    where: { id: sectorId, siteId, accountId },
    include: { site: { select: { language: true } } },
  });
}

/** A sector of the account's site (its id only), or null. */
export function findSiteSectorId(db: Db, accountId: string, siteId: string, sectorId: string) {
  return db.sector.findFirst({ where: { id: sectorId, accountId, siteId }, select: { id: true } });
}

/** A sector of the account (any site), or null. */
export function findAccountSector(db: Db, accountId: string, sectorId: string) {
  return db.sector.findFirst({ where: { id: sectorId, accountId } });
}

/** A sector of the account (any site), with its site's language, or null. */
export function findAccountSectorWithLanguage(db: Db, accountId: string, sectorId: string) {
  return db.sector.findFirst({
    where: { id: sectorId, accountId },
    include: { site: { select: { language: true } } },
  });
}

/** The site of the account's sector, or null. */
export function findSectorSiteId(db: Db, accountId: string, sectorId: string) {
  return db.sector.findFirst({ where: { id: sectorId, accountId }, select: { siteId: true } });
}

/** The account's sector, its id and its site's, or null. */
export function findSectorAndSiteId(db: Db, accountId: string, sectorId: string) {
  return db.sector.findFirst({ where: { id: sectorId, accountId }, select: { id: true, siteId: true } });
}

/** A sector's language and its site's (the sector id comes from a row already scoped to the account). */
export function findSectorLanguage(db: Db, sectorId: string) {
  return db.sector.findUnique({
    where: { id: sectorId },
    select: { language: true, site: { select: { language: true } } },
  });
}
