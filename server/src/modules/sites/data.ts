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
      const site = await db.site.findFirst({ where: { id: siteId, accountId }, select: { id: true } });
      return site !== null;
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
      return db.sector.findFirst({
        where: { id: sectorId, siteId, accountId },
        include: { site: { select: { language: true } } },
      });
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
