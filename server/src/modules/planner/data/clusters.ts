import type { Db } from '../../../db/client.ts';
import type { Prisma } from '../../../generated/prisma/client.ts';
import { refreshCannibalization } from './cannibalization.ts';
import { recomputeClusters } from './cluster-metrics.ts';

const DETAIL_KEYWORDS = 500;

export interface NewCluster {
  name: string;
  keywordIds: string[];
}

export interface ApplyResult {
  clusterIds: string[];
  clustered: number;
  /** Keywords that no longer qualified when the clusters were written (deleted, moved, clustered meanwhile). */
  skipped: number;
  cannibalizing: number;
}

/** The keyword columns the cluster edits and runs read. */
const RUN_KEYWORD = {
  id: true,
  sectorId: true,
  siteId: true,
  clusterId: true,
  keyword: true,
  volume: true,
  normalized: true,
} as const;

/** Highest volume first (keywords without one last), then alphabetical. */
const BY_VOLUME = [{ volume: { sort: 'desc', nulls: 'last' } }, { normalized: 'asc' }, { id: 'asc' }] as const;

/** Moves keywords into clusters (pairwise arrays); keywords with status new become clustered. */
export async function assignKeywords(tx: Db, keywordIds: string[], clusterIds: string[]) {
  const chunk = 20_000;
  for (let i = 0; i < keywordIds.length; i += chunk) {
    await tx.$executeRaw`
      UPDATE "Keyword" k SET "clusterId" = v.cid,
        status = CASE WHEN k.status = 'new' THEN 'clustered'::"KeywordStatus" ELSE k.status END,
        "updatedAt" = now()
      FROM unnest(${keywordIds.slice(i, i + chunk)}::uuid[], ${clusterIds.slice(i, i + chunk)}::uuid[]) AS v(id, cid)
      WHERE k.id = v.id`;
  }
}

/**
 * Writes clusters of one sector in the caller's transaction: creates the cluster rows, moves the keywords into
 * them (status new -> clustered), recomputes the metrics of the new clusters and of those the keywords left, and
 * refreshes the site's cannibalization flags. Keywords are locked first; with `onlyUnclustered`, keywords that got a
 * cluster or left status new since the run started are skipped (another run or an edit got there first).
 */
export async function writeClusters(
  tx: Prisma.TransactionClient,
  scope: { accountId: string; siteId: string; sectorId: string },
  clusters: NewCluster[],
  options: { method: string; demo?: boolean; onlyUnclustered: boolean },
): Promise<ApplyResult> {
  const wanted = [...new Set(clusters.flatMap((c) => c.keywordIds))];
  const locked = wanted.length
    ? await tx.$queryRaw<{ id: string; clusterId: string | null; status: string }[]>`
        SELECT id, "clusterId", status::text AS status FROM "Keyword"
        WHERE id = ANY(${wanted}::uuid[]) AND "sectorId" = ${scope.sectorId}::uuid
          AND "accountId" = ${scope.accountId}::uuid
        ORDER BY id FOR UPDATE`
    : [];
  const usable = new Map(
    locked
      .filter((k) => !options.onlyUnclustered || (k.clusterId === null && k.status === 'new'))
      .map((k) => [k.id, k]),
  );
  const rows: Prisma.KeywordClusterCreateManyInput[] = [];
  const keywordIds: string[] = [];
  const clusterIds: string[] = [];
  const taken = new Set<string>();
  for (const c of clusters) {
    const members = c.keywordIds.filter((id) => usable.has(id) && !taken.has(id));
    if (!members.length) continue;
    const id = crypto.randomUUID();
    rows.push({
      id,
      accountId: scope.accountId,
      siteId: scope.siteId,
      sectorId: scope.sectorId,
      name: c.name.slice(0, 200),
      method: options.method,
      demo: options.demo ?? false,
    });
    for (const k of members) {
      taken.add(k);
      keywordIds.push(k);
      clusterIds.push(id);
    }
  }
  const previous = [...new Set(keywordIds.map((k) => usable.get(k)!.clusterId).filter((c): c is string => !!c))];
  if (rows.length) {
    await tx.keywordCluster.createMany({ data: rows });
    await assignKeywords(tx, keywordIds, clusterIds);
  }
  await recomputeClusters(tx, [...rows.map((r) => r.id!), ...previous]);
  const cannibalizing = await refreshCannibalization(tx, scope.siteId);
  return {
    clusterIds: rows.map((r) => r.id!),
    clustered: keywordIds.length,
    skipped: wanted.length - keywordIds.length,
    cannibalizing,
  };
}

/** Clusters and their keywords as the runs, edits and views read and write them. */
export function clustersData(db: Db) {
  return {
    /** Locks the account's cluster (FOR UPDATE, in the caller's transaction); false when there is none. */
    async lockCluster(accountId: string, clusterId: string): Promise<boolean> {
      const [locked] = await db.$queryRaw<{ id: string }[]>`
        SELECT id FROM "KeywordCluster" WHERE id = ${clusterId}::uuid AND "accountId" = ${accountId}::uuid
        FOR UPDATE`;
      return !!locked;
    },

    findCluster(accountId: string, clusterId: string) {
      return db.keywordCluster.findFirst({ where: { id: clusterId, accountId } });
    },

    findClusterOrThrow(clusterId: string) {
      return db.keywordCluster.findUniqueOrThrow({ where: { id: clusterId } });
    },

    /** One page of a site's clusters in the given order (`where` carries the sort's cursor). */
    listClusters(
      filter: { accountId: string; siteId: string; sectorId?: string | undefined },
      page: {
        where: Prisma.KeywordClusterWhereInput;
        orderBy: Prisma.KeywordClusterOrderByWithRelationInput[];
        take: number;
      },
    ) {
      return db.keywordCluster.findMany({
        where: {
          accountId: filter.accountId,
          siteId: filter.siteId,
          ...(filter.sectorId ? { sectorId: filter.sectorId } : {}),
          ...page.where,
        },
        orderBy: page.orderBy,
        take: page.take,
      });
    },

    /** Main keywords by id. */
    mainKeywords(ids: string[]) {
      return db.keyword.findMany({ where: { id: { in: ids } }, select: { id: true, keyword: true, volume: true } });
    },

    /** The keywords a cluster's detail shows (the first DETAIL_KEYWORDS by volume). */
    detailKeywords(clusterId: string) {
      return db.keyword.findMany({
        where: { clusterId },
        orderBy: [...BY_VOLUME],
        take: DETAIL_KEYWORDS,
        select: { id: true, keyword: true, volume: true, difficulty: true, cpc: true, intent: true, status: true },
      });
    },

    /** Keywords of the account by id (those that exist). */
    findKeywords(accountId: string, ids: string[]) {
      return db.keyword.findMany({ where: { id: { in: ids }, accountId }, select: RUN_KEYWORD });
    },

    /** The sector's keywords in no cluster with status new, by volume. */
    unclusteredKeywords(accountId: string, sectorId: string, limit: number) {
      return db.keyword.findMany({
        where: { sectorId, accountId, clusterId: null, status: 'new' },
        orderBy: [...BY_VOLUME],
        take: limit,
        select: RUN_KEYWORD,
      });
    },

    /** What a clustering job groups: the given keywords of the sector, or its unclustered new ones, by volume. */
    runKeywords(accountId: string, sectorId: string, keywordIds: string[] | null, limit?: number) {
      return db.keyword.findMany({
        where: {
          sectorId,
          accountId,
          ...(keywordIds ? { id: { in: keywordIds } } : { clusterId: null, status: 'new' }),
        },
        orderBy: [...BY_VOLUME],
        select: { id: true, keyword: true, normalized: true, volume: true },
        ...(limit ? { take: limit } : {}),
      });
    },

    /** The keywords of one AI batch still in the sector (in no particular order). */
    batchKeywords(accountId: string, sectorId: string, ids: string[]) {
      return db.keyword.findMany({
        where: { id: { in: ids }, sectorId, accountId },
        select: { id: true, keyword: true, normalized: true },
      });
    },

    rename(clusterId: string, name: string) {
      return db.keywordCluster.update({ where: { id: clusterId }, data: { name } });
    },

    /** Moves the absorbed clusters' keywords and ideas to the survivor and deletes them. */
    async absorb(survivorId: string, absorbed: string[], name?: string) {
      await db.keyword.updateMany({ where: { clusterId: { in: absorbed } }, data: { clusterId: survivorId } });
      await db.contentIdea.updateMany({ where: { clusterId: { in: absorbed } }, data: { clusterId: survivorId } });
      await db.keywordCluster.deleteMany({ where: { id: { in: absorbed } } });
      if (name) await db.keywordCluster.update({ where: { id: survivorId }, data: { name } });
    },

    createManual(data: { accountId: string; siteId: string; sectorId: string; name: string }) {
      return db.keywordCluster.create({ data: { ...data, method: 'manual' } });
    },

    /** Moves keywords into a cluster, their status unchanged. */
    async moveKeywords(keywordIds: string[], clusterId: string) {
      await db.keyword.updateMany({ where: { id: { in: keywordIds } }, data: { clusterId } });
    },

    /** Deletes a cluster; its keywords leave it, and those with status clustered go back to new. */
    async deleteCluster(clusterId: string) {
      await db.keyword.updateMany({ where: { clusterId, status: 'clustered' }, data: { status: 'new' } });
      await db.keyword.updateMany({ where: { clusterId }, data: { clusterId: null } });
      await db.keywordCluster.delete({ where: { id: clusterId } });
    },

    assignKeywords: (keywordIds: string[], clusterIds: string[]) => assignKeywords(db, keywordIds, clusterIds),
    recompute: (clusterIds: string[]) => recomputeClusters(db, clusterIds),
    refreshCannibalization: (siteId: string) => refreshCannibalization(db, siteId),
  };
}
