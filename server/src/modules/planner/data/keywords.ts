import type { TKeyword, TKeywordFilter, TKeywordSort, TUpdateKeywordBody } from '@igny8/shared';
import type { Db } from '../../../db/client.ts';
import { Prisma } from '../../../generated/prisma/client.ts';
import { recomputeClusters } from './cluster-metrics.ts';
import { filterSql, keywordPage, SELECT, type KeywordRow } from './keyword-page.ts';

/** The keywords a bulk action acts on: listed ids of the site, or what the list shows with a filter. */
export type KeywordTarget = { siteId: string; ids: string[] } | { siteId: string; filter: TKeywordFilter };

function targetSql(target: KeywordTarget): Prisma.Sql {
  return 'ids' in target
    ? Prisma.sql`k."siteId" = ${target.siteId}::uuid AND k.id = ANY(${target.ids}::uuid[])`
    : filterSql(target.siteId, target.filter);
}

/** Keywords as the list, the manual edits and the bulk actions read and write them. */
export function keywordsData(db: Db) {
  return {
    findKeyword(accountId: string, keywordId: string) {
      return db.keyword.findFirst({ where: { id: keywordId, accountId } });
    },

    /** One page of the list in keyset order. */
    page(siteId: string, filter: TKeywordFilter, sort: TKeywordSort, limit: number, cursor: string | undefined) {
      return keywordPage(db, siteId, filter, sort, limit, cursor);
    },

    async count(siteId: string, filter: TKeywordFilter): Promise<number> {
      const [row] = await db.$queryRaw<{ total: number }[]>`
        SELECT count(*)::int AS total FROM "Keyword" k WHERE ${filterSql(siteId, filter)}`;
      return row?.total ?? 0;
    },

    /** A keyword as the list shows it. */
    async row(id: string): Promise<KeywordRow> {
      const [row] = await db.$queryRaw<KeywordRow[]>`${SELECT} WHERE k.id = ${id}::uuid`;
      return row!;
    },

    /** Keywords as the list shows them, oldest first. */
    rows(ids: string[]) {
      return db.$queryRaw<KeywordRow[]>`${SELECT} WHERE k.id = ANY(${ids}::uuid[])
        ORDER BY k."createdAt", k.normalized`;
    },

    /** Inserts keywords; those the sector already has (same normalized text) are skipped. */
    createMany(rows: Prisma.KeywordCreateManyInput[]) {
      return db.keyword.createManyAndReturn({
        data: rows,
        skipDuplicates: true,
        select: { id: true, normalized: true },
      });
    },

    async update(keywordId: string, body: TUpdateKeywordBody) {
      await db.keyword.update({
        where: { id: keywordId },
        data: { ...body, ...(body.intent ? { intentInferred: false } : {}) },
      });
    },

    async delete(keywordId: string) {
      await db.keyword.delete({ where: { id: keywordId } });
    },

    /** Which of these ids are keywords of the site. */
    siteKeywordIds(siteId: string, ids: string[]) {
      return db.keyword.findMany({ where: { id: { in: ids }, siteId }, select: { id: true } });
    },

    findSiteCluster(accountId: string, siteId: string, clusterId: string) {
      return db.keywordCluster.findFirst({ where: { id: clusterId, accountId, siteId } });
    },

    /** How many of the target keywords are not in this sector. */
    async countOutsideSector(target: KeywordTarget, sectorId: string): Promise<number> {
      const [other] = await db.$queryRaw<{ n: number }[]>`
        SELECT count(*)::int AS n FROM "Keyword" k WHERE ${targetSql(target)} AND k."sectorId" <> ${sectorId}::uuid`;
      return other?.n ?? 0;
    },

    /** The clusters the target keywords are in. */
    async clustersOf(target: KeywordTarget): Promise<string[]> {
      const rows = await db.$queryRaw<{ clusterId: string }[]>`
        SELECT DISTINCT k."clusterId" FROM "Keyword" k WHERE ${targetSql(target)} AND k."clusterId" IS NOT NULL`;
      return rows.map((r) => r.clusterId);
    },

    deleteTarget(target: KeywordTarget): Promise<number> {
      return db.$executeRaw`DELETE FROM "Keyword" k WHERE ${targetSql(target)}`;
    },

    setStatus(target: KeywordTarget, status: TKeyword['status']): Promise<number> {
      return db.$executeRaw`
        UPDATE "Keyword" k SET status = ${status}::"KeywordStatus", "updatedAt" = now() WHERE ${targetSql(target)}`;
    },

    /** New keywords become clustered; queued, used or ignored ones keep their status. */
    assignCluster(target: KeywordTarget, clusterId: string): Promise<number> {
      return db.$executeRaw`
        UPDATE "Keyword" k SET "clusterId" = ${clusterId}::uuid, "updatedAt" = now(),
          status = CASE WHEN k.status = 'new' THEN 'clustered'::"KeywordStatus" ELSE k.status END
        WHERE ${targetSql(target)}`;
    },

    unassignCluster(target: KeywordTarget): Promise<number> {
      return db.$executeRaw`
        UPDATE "Keyword" k SET "clusterId" = NULL, "updatedAt" = now(),
          status = CASE WHEN k.status = 'clustered' THEN 'new'::"KeywordStatus" ELSE k.status END
        WHERE ${targetSql(target)} AND k."clusterId" IS NOT NULL`;
    },

    recompute: (clusterIds: string[]) => recomputeClusters(db, clusterIds),
  };
}
