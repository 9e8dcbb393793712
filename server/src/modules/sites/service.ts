import type {
  TCreateSectorBody,
  TCreateSiteBody,
  TPageQuery,
  TSector,
  TSite,
  TUpdateSectorBody,
  TUpdateSiteBody,
} from '@igny8/shared';
import { AppError, errors } from '../../errors.ts';
import type { PrismaClient, Sector, Site, SiteConnection } from '../../generated/prisma/client.ts';
import type { OutboundOptions } from '../../lib/outbound.ts';
import { pageFrom } from '../../lib/pagination.ts';
import { isUniqueViolation } from '../../lib/prisma-errors.ts';
import { iso } from '../../lib/serialize.ts';
import type { AuthContext } from '../auth/credentials.ts';
import { sitesData } from './data.ts';
import { createSitesOverview } from './overview.ts';
import { checkSiteUrl } from './url-check.ts';

/** One site per address per account: scheme and host lower-cased, no query, fragment or trailing slash. */
export function normalizeSiteUrl(raw: string): string {
  const url = new URL(raw);
  url.hash = '';
  url.search = '';
  url.username = '';
  url.password = '';
  return `${url.protocol}//${url.host}${url.pathname.replace(/\/+$/, '')}`;
}

function siteView(site: Site & { _count: { sectors: number }; connection: SiteConnection | null }): TSite {
  const c = site.connection;
  return {
    id: site.id,
    name: site.name,
    url: site.url,
    language: site.language,
    timezone: site.timezone,
    voice: site.voice,
    sectorCount: site._count.sectors,
    monthlyCreditBudget: site.monthlyCreditBudget,
    connection: c
      ? {
          status: c.status,
          wpVersion: c.wpVersion,
          pluginVersion: c.pluginVersion,
          health: c.health,
          lastContactAt: iso(c.lastContactAt),
        }
      : null,
    createdAt: iso(site.createdAt),
    updatedAt: iso(site.updatedAt),
  };
}

function sectorView(sector: Sector, site: { language: string }): TSector {
  return {
    id: sector.id,
    siteId: sector.siteId,
    name: sector.name,
    voice: sector.voice,
    language: sector.language,
    effectiveLanguage: sector.language ?? site.language,
    createdAt: iso(sector.createdAt),
    updatedAt: iso(sector.updatedAt),
  };
}

export function createSitesService({ prisma, outbound }: { prisma: PrismaClient; outbound: OutboundOptions }) {
  const data = sitesData(prisma);
  /** A site the server will never be allowed to call is refused now, with the handshake's message. */
  async function allowedUrl(raw: string) {
    const url = normalizeSiteUrl(raw);
    await checkSiteUrl(url, outbound, { field: 'url', allowUnresolved: true });
    return url;
  }

  function urlTaken(url: string) {
    return new AppError('SITE_URL_TAKEN', `This account already has a site at ${url}.`, { field: 'url' });
  }
  function sectorTaken(name: string) {
    return new AppError('SECTOR_NAME_TAKEN', `This site already has a sector named "${name}".`, { field: 'name' });
  }

  async function findSite(auth: AuthContext, siteId: string) {
    const site = await data.findSite(auth.accountId, siteId);
    if (!site) throw errors.notFound('Site', siteId);
    return site;
  }

  async function findSector(auth: AuthContext, siteId: string, sectorId: string) {
    const sector = await data.findSector(auth.accountId, siteId, sectorId);
    if (!sector) throw errors.notFound('Sector', sectorId);
    return sector;
  }

  return {
    ...createSitesOverview({ prisma }),

    async list(auth: AuthContext, query: TPageQuery) {
      const rows = await data.listSites(auth.accountId, query.cursor, query.limit + 1);
      const page = pageFrom(rows, query.limit);
      return { items: page.rows.map(siteView), nextCursor: page.nextCursor };
    },

    async get(auth: AuthContext, siteId: string) {
      return siteView(await findSite(auth, siteId));
    },

    async create(auth: AuthContext, body: TCreateSiteBody) {
      const url = await allowedUrl(body.url);
      try {
        const site = await data.createSite({
          accountId: auth.accountId,
          name: body.name,
          url,
          language: body.language,
          timezone: body.timezone,
          voice: body.voice,
        });
        return siteView(site);
      } catch (error) {
        if (isUniqueViolation(error)) throw urlTaken(url);
        throw error;
      }
    },

    async update(auth: AuthContext, siteId: string, body: TUpdateSiteBody) {
      await findSite(auth, siteId);
      const url = body.url ? await allowedUrl(body.url) : undefined;
      try {
        const site = await data.updateSite(siteId, { ...body, ...(url ? { url } : {}) });
        return siteView(site);
      } catch (error) {
        if (isUniqueViolation(error) && url) throw urlTaken(url);
        throw error;
      }
    },

    async remove(auth: AuthContext, siteId: string) {
      if ((await data.deleteSite(auth.accountId, siteId)) === 0) throw errors.notFound('Site', siteId);
    },

    async listSectors(auth: AuthContext, siteId: string) {
      const site = await findSite(auth, siteId);
      const sectors = await data.listSectors(auth.accountId, siteId);
      return sectors.map((s) => sectorView(s, site));
    },

    async getSector(auth: AuthContext, siteId: string, sectorId: string) {
      const sector = await findSector(auth, siteId, sectorId);
      return sectorView(sector, sector.site);
    },

    async createSector(auth: AuthContext, siteId: string, body: TCreateSectorBody) {
      const site = await findSite(auth, siteId);
      try {
        const sector = await data.createSector({
          accountId: auth.accountId,
          siteId,
          name: body.name,
          voice: body.voice,
          language: body.language ?? null,
        });
        return sectorView(sector, site);
      } catch (error) {
        if (isUniqueViolation(error)) throw sectorTaken(body.name);
        throw error;
      }
    },

    async updateSector(auth: AuthContext, siteId: string, sectorId: string, body: TUpdateSectorBody) {
      const current = await findSector(auth, siteId, sectorId);
      try {
        const sector = await data.updateSector(current.id, body);
        return sectorView(sector, current.site);
      } catch (error) {
        if (isUniqueViolation(error) && body.name) throw sectorTaken(body.name);
        throw error;
      }
    },

    async removeSector(auth: AuthContext, siteId: string, sectorId: string) {
      if ((await data.deleteSector(auth.accountId, siteId, sectorId)) === 0) throw errors.notFound('Sector', sectorId);
    },
  };
}

export type SitesService = ReturnType<typeof createSitesService>;
