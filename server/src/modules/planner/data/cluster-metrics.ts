import type { Db } from '../../../db/client.ts';

/**
 * Brings the stored metrics of clusters up to date from their keywords: count, total volume, average difficulty,
 * dominant intent (most keywords; ties go to the higher total volume) and the main keyword (highest volume, then
 * alphabetical). Call it, in the same transaction, after anything that moves keywords between clusters.
 */
export async function recomputeClusters(db: Db, clusterIds: string[]): Promise<void> {
  const ids = [...new Set(clusterIds)];
  if (ids.length === 0) return;
  await db.$executeRaw`
    WITH stats AS (
      SELECT c.id,
             COUNT(k.id)::int AS n,
             COALESCE(SUM(k.volume), 0)::int AS volume,
             AVG(k.difficulty)::float8 AS difficulty
      FROM "KeywordCluster" c LEFT JOIN "Keyword" k ON k."clusterId" = c.id
      WHERE c.id = ANY(${ids}::uuid[])
      GROUP BY c.id
    ), intents AS (
      SELECT DISTINCT ON (k."clusterId") k."clusterId" AS id, k.intent
      FROM "Keyword" k WHERE k."clusterId" = ANY(${ids}::uuid[])
      GROUP BY k."clusterId", k.intent
      ORDER BY k."clusterId", COUNT(*) DESC, COALESCE(SUM(k.volume), 0) DESC, k.intent
    ), mains AS (
      SELECT DISTINCT ON (k."clusterId") k."clusterId" AS id, k.id AS "keywordId"
      FROM "Keyword" k WHERE k."clusterId" = ANY(${ids}::uuid[])
      ORDER BY k."clusterId", k.volume DESC NULLS LAST, k.normalized, k.id
    )
    UPDATE "KeywordCluster" c SET
      "keywordCount" = s.n,
      "totalVolume" = s.volume,
      "avgDifficulty" = s.difficulty,
      "dominantIntent" = i.intent,
      "mainKeywordId" = m."keywordId",
      "updatedAt" = now()
    FROM stats s LEFT JOIN intents i ON i.id = s.id LEFT JOIN mains m ON m.id = s.id
    WHERE c.id = s.id`;
}
