import type { TCluster, TClusterDetail, TClustersQuery } from '@igny8/shared';
import { errors } from '../../errors.ts';
import type { KeywordCluster } from '../../generated/prisma/client.ts';
import { iso } from '../../lib/serialize.ts';
import type { AuthContext } from '../auth/credentials.ts';
import type { PlannerData, PlannerDb } from './data/index.ts';

type ClusterRow = KeywordCluster;
type MainKeywords = Map<string, { id: string; keyword: string; volume: number | null }>;

// ---------------------------------------------------------------------------------------------------------------
// Views

async function mainKeywords(db: PlannerDb, rows: ClusterRow[]): Promise<MainKeywords> {
  const ids = rows.map((r) => r.mainKeywordId).filter((id): id is string => id !== null);
  if (!ids.length) return new Map();
  const keywords = await db.clusters.mainKeywords(ids);
  return new Map(keywords.map((k) => [k.id, k]));
}

function clusterView(row: ClusterRow, main: MainKeywords): TCluster {
  return {
    id: row.id,
    siteId: row.siteId,
    sectorId: row.sectorId,
    name: row.name,
    method: row.method as TCluster['method'],
    keywordCount: row.keywordCount,
    totalVolume: row.totalVolume,
    avgDifficulty: row.avgDifficulty === null ? null : Math.round(row.avgDifficulty * 10) / 10,
    dominantIntent: row.dominantIntent,
    mainKeyword: (row.mainKeywordId && main.get(row.mainKeywordId)) || null,
    cannibalizes: (row.cannibalizes as TCluster['cannibalizes']) ?? null,
    demo: row.demo,
    createdAt: iso(row.createdAt),
    updatedAt: iso(row.updatedAt),
  };
}

export async function detailView(db: PlannerDb, row: ClusterRow): Promise<TClusterDetail> {
  const keywords = await db.clusters.detailKeywords(row.id);
  return { ...clusterView(row, await mainKeywords(db, [row])), keywords };
}

// ---------------------------------------------------------------------------------------------------------------
// Lookups shared by the reads, edits and runs

/** The account's sector of the site (404 naming the site, then the sector, when either is not the account's). */
export async function findSector(db: PlannerDb, auth: AuthContext, siteId: string, sectorId: string) {
  const site = await db.scope.findSite(auth.accountId, siteId);
  if (!site) throw errors.notFound('Site', siteId);
  const sector = await db.scope.findSector(auth.accountId, siteId, sectorId);
  if (!sector) throw errors.notFound('Sector', sectorId);
  return sector;
}

/** The account's cluster (404 otherwise); `lock` locks it first, in the caller's transaction. */
export async function findCluster(db: PlannerDb, auth: AuthContext, clusterId: string, lock = false) {
  if (lock && !(await db.clusters.lockCluster(auth.accountId, clusterId))) {
    throw errors.notFound('Cluster', clusterId);
  }
  const row = await db.clusters.findCluster(auth.accountId, clusterId);
  if (!row) throw errors.notFound('Cluster', clusterId);
  return row;
}

/** Keywords of the account by id; an id of no keyword of this account is a 404 naming it. */
export async function findKeywords(db: PlannerDb, auth: AuthContext, ids: string[]) {
  const unique = [...new Set(ids)];
  const rows = await db.clusters.findKeywords(auth.accountId, unique);
  if (rows.length !== unique.length) {
    const found = new Set(rows.map((r) => r.id));
    throw errors.notFound(
      'Keyword',
      unique.find((id) => !found.has(id)),
    );
  }
  return rows;
}

export function sameSector(rows: { id: string; sectorId: string }[], sectorId: string, field: string) {
  const other = rows.find((r) => r.sectorId !== sectorId);
  if (other) {
    throw errors.validation([
      {
        in: 'body',
        field,
        message: `includes keyword ${other.id} of another sector: clusters hold one sector's keywords`,
      },
    ]);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Cursor pagination over the four sorts

interface SortCursor {
  s: TClustersQuery['sort'];
  v: string | number;
  id: string;
}

function encodeSortCursor(c: SortCursor): string {
  return Buffer.from(JSON.stringify(c)).toString('base64url');
}

function decodeSortCursor(cursor: string, sort: TClustersQuery['sort']): SortCursor {
  const bad = () =>
    errors.badRequest(
      'The cursor is not valid for this sort: pass back nextCursor from the previous page unchanged, with the same sort.',
      { field: 'cursor' },
    );
  let c: SortCursor;
  try {
    c = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as SortCursor;
  } catch {
    throw bad();
  }
  if (!c || c.s !== sort || typeof c.id !== 'string' || !/^[0-9a-f-]{36}$/i.test(c.id)) throw bad();
  if ((sort === 'name' || sort === 'newest') !== (typeof c.v === 'string')) throw bad();
  if (sort === 'newest' && Number.isNaN(new Date(c.v as string).getTime())) throw bad();
  return c;
}

function sortSpec(sort: TClustersQuery['sort'], cursor: string | undefined) {
  const c = cursor ? decodeSortCursor(cursor, sort) : undefined;
  switch (sort) {
    case 'volume':
      return {
        orderBy: [{ totalVolume: 'desc' as const }, { id: 'desc' as const }],
        where: c
          ? { OR: [{ totalVolume: { lt: c.v as number } }, { totalVolume: c.v as number, id: { lt: c.id } }] }
          : {},
        key: (r: ClusterRow) => r.totalVolume,
      };
    case 'keywords':
      return {
        orderBy: [{ keywordCount: 'desc' as const }, { id: 'desc' as const }],
        where: c
          ? { OR: [{ keywordCount: { lt: c.v as number } }, { keywordCount: c.v as number, id: { lt: c.id } }] }
          : {},
        key: (r: ClusterRow) => r.keywordCount,
      };
    case 'name':
      return {
        orderBy: [{ name: 'asc' as const }, { id: 'asc' as const }],
        where: c ? { OR: [{ name: { gt: c.v as string } }, { name: c.v as string, id: { gt: c.id } }] } : {},
        key: (r: ClusterRow) => r.name,
      };
    case 'newest': {
      const at = c ? new Date(c.v as string) : undefined;
      return {
        orderBy: [{ createdAt: 'desc' as const }, { id: 'desc' as const }],
        where: c ? { OR: [{ createdAt: { lt: at } }, { createdAt: at, id: { lt: c.id } }] } : {},
        key: (r: ClusterRow) => r.createdAt.toISOString(),
      };
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// The service

/** Lists and shows clusters. */
export function createClustersReadService({ data }: { data: PlannerData }) {
  return {
    async list(auth: AuthContext, query: TClustersQuery) {
      const site = await data.scope.findSite(auth.accountId, query.siteId);
      if (!site) throw errors.notFound('Site', query.siteId);
      if (query.sectorId) await findSector(data, auth, query.siteId, query.sectorId);
      const spec = sortSpec(query.sort, query.cursor);
      const rows = await data.clusters.listClusters(
        { accountId: auth.accountId, siteId: query.siteId, sectorId: query.sectorId },
        { where: spec.where, orderBy: spec.orderBy, take: query.limit + 1 },
      );
      const page = rows.slice(0, query.limit);
      const last = page[page.length - 1];
      const nextCursor =
        rows.length > query.limit && last ? encodeSortCursor({ s: query.sort, v: spec.key(last), id: last.id }) : null;
      const main = await mainKeywords(data, page);
      return { items: page.map((r) => clusterView(r, main)), nextCursor };
    },

    async get(auth: AuthContext, clusterId: string) {
      return detailView(data, await findCluster(data, auth, clusterId));
    },
  };
}

export type ClustersReadService = ReturnType<typeof createClustersReadService>;
