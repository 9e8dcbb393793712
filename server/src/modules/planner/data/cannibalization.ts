import type { Db } from '../../../db/client.ts';
import { Prisma } from '../../../generated/prisma/client.ts';

/**
 * Flags clusters whose main keyword a post already on the site targets (its normalized title equals or contains
 * the keyword, or its slug is the keyword's slug): writing another article would compete with it. Clears the flag
 * where no post matches any more. Returns how many clusters are flagged.
 */
export async function refreshCannibalization(db: Db, siteId: string): Promise<number> {
  await db.$executeRaw`
    UPDATE "KeywordCluster" c SET "cannibalizes" = (
      SELECT jsonb_build_object('wpPostId', p."wpPostId", 'title', p.title, 'slug', p.slug, 'url', p.url)
      FROM "Keyword" k JOIN "SitePost" p ON p."siteId" = c."siteId"
      WHERE k.id = c."mainKeywordId"
        AND (p.normalized = k.normalized
             OR position(k.normalized in p.normalized) > 0
             OR p.slug = trim(both '-' from regexp_replace(k.normalized, '[^[:alnum:]]+', '-', 'g')))
      ORDER BY (p.normalized = k.normalized) DESC, p."wpPostId"
      LIMIT 1
    )
    WHERE c."siteId" = ${siteId}::uuid`;
  return db.keywordCluster.count({ where: { siteId, cannibalizes: { not: Prisma.DbNull } } });
}
