import type { Db } from '../../../db/client.ts';
import { refreshCannibalization } from './cannibalization.ts';

/** A post or page as read from WordPress, ready to store. */
export interface SitePostRow {
  wpPostId: number;
  type: string;
  title: string;
  slug: string;
  normalized: string;
  url: string;
  status: string;
}

/** The stored copy of a connected site's posts and pages. */
export function sitePostsData(db: Db) {
  return {
    /** One page by WordPress id, after `after` (exclusive). */
    list(siteId: string, after: number | undefined, take: number) {
      return db.sitePost.findMany({
        where: { siteId, ...(after !== undefined ? { wpPostId: { gt: after } } : {}) },
        orderBy: { wpPostId: 'asc' },
        take,
      });
    },

    /**
     * Replaces the site's stored posts with these (upserted; the others deleted), in the caller's transaction, and
     * refreshes the clusters' cannibalization flags. Answers how many were removed and how many clusters are flagged.
     */
    async replace(accountId: string, siteId: string, posts: SitePostRow[]) {
      const removed = await db.$executeRaw`
        DELETE FROM "SitePost" WHERE "siteId" = ${siteId}::uuid
          AND NOT ("wpPostId" = ANY(${posts.map((p) => p.wpPostId)}::int[]))`;
      for (let i = 0; i < posts.length; i += 1000) {
        const chunk = posts.slice(i, i + 1000);
        await db.$executeRaw`
          INSERT INTO "SitePost" (id, "accountId", "siteId", "wpPostId", type, title, slug, normalized, url, status, "syncedAt")
          SELECT gen_random_uuid(), ${accountId}::uuid, ${siteId}::uuid, p.*, now()
          FROM unnest(${chunk.map((p) => p.wpPostId)}::int[], ${chunk.map((p) => p.type)}::text[],
                      ${chunk.map((p) => p.title)}::text[], ${chunk.map((p) => p.slug)}::text[],
                      ${chunk.map((p) => p.normalized)}::text[], ${chunk.map((p) => p.url)}::text[],
                      ${chunk.map((p) => p.status)}::text[])
            AS p("wpPostId", type, title, slug, normalized, url, status)
          ON CONFLICT ("siteId", "wpPostId") DO UPDATE SET type = EXCLUDED.type, title = EXCLUDED.title,
            slug = EXCLUDED.slug, normalized = EXCLUDED.normalized, url = EXCLUDED.url,
            status = EXCLUDED.status, "syncedAt" = EXCLUDED."syncedAt"`;
      }
      const flagged = await refreshCannibalization(db, siteId);
      return { removed, flagged };
    },
  };
}
