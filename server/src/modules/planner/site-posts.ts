import type { TSitePost } from '@igny8/shared';
import { z } from 'zod';
import type { PrismaClient, SitePost } from '../../generated/prisma/client.ts';
import { defineJob } from '../../jobs/definition.ts';
import { PermanentJobError } from '../../jobs/errors.ts';
import { AppError, errors } from '../../errors.ts';
import type { AuthContext } from '../auth/credentials.ts';
import type { ConnectService } from '../connect/service.ts';
import { refreshCannibalization } from './cannibalization.ts';
import { normalizeKeyword } from './normalize.ts';

export const SYNC_SITE_POSTS_JOB = 'planner.sync_site_posts';

/** The most pages (of 100) read per type: 100,000 posts. */
const MAX_PAGES = 1000;

interface WpItem {
  id?: unknown;
  title?: { raw?: unknown; rendered?: unknown } | unknown;
  slug?: unknown;
  link?: unknown;
  status?: unknown;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

/** WordPress's rendered titles are HTML: strip tags and decode entities (&#8217; and friends). */
export function plainTitle(html: string): string {
  return html
    .replace(/<[^>]*>/g, '')
    .replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (m, e: string) => {
      if (e[0] === '#') {
        const code = e[1] === 'x' || e[1] === 'X' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10);
        return Number.isFinite(code) && code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : m;
      }
      return ENTITIES[e.toLowerCase()] ?? m;
    })
    .trim();
}

export function toSitePost(item: WpItem, type: 'post' | 'page') {
  if (typeof item.id !== 'number' || !Number.isInteger(item.id)) return null;
  const t = item.title as { raw?: unknown; rendered?: unknown } | undefined;
  const title =
    typeof t?.raw === 'string' ? t.raw.trim() : typeof t?.rendered === 'string' ? plainTitle(t.rendered) : '';
  return {
    wpPostId: item.id,
    type,
    title,
    slug: typeof item.slug === 'string' ? decodeURIComponent(item.slug) : '',
    normalized: normalizeKeyword(title),
    url: typeof item.link === 'string' ? item.link : '',
    status: typeof item.status === 'string' ? item.status : 'unknown',
  };
}

export function sitePostView(p: SitePost): TSitePost {
  return {
    id: p.id,
    wpPostId: p.wpPostId,
    type: p.type,
    title: p.title,
    slug: p.slug,
    url: p.url,
    status: p.status,
    syncedAt: p.syncedAt.toISOString(),
  };
}

/**
 * Reads every post and page of the connected site (titles, slugs, links, status) through WordPress's REST API,
 * replaces the stored copy in one transaction (upserted; posts gone from the site deleted) and refreshes the
 * clusters' cannibalization flags. Reading is repeated on a retry (it has no side effect); storing happens once.
 */
export function syncSitePostsJob(deps: { prisma: PrismaClient; connect: ConnectService }) {
  return defineJob({
    type: SYNC_SITE_POSTS_JOB,
    payload: z.object({ siteId: z.uuid() }),
    retryLimit: 2,
    retryDelay: 10,
    heartbeatSeconds: 60,
    handler: async (ctx, { siteId }) => {
      const read: NonNullable<ReturnType<typeof toSitePost>>[] = [];
      for (const [type, kind] of [
        ['posts', 'post'],
        ['pages', 'page'],
      ] as const) {
        let totalPages = 1;
        for (let page = 1; page <= Math.min(totalPages, MAX_PAGES); page++) {
          let result;
          try {
            result = await deps.connect.listPostsPage(ctx.accountId, siteId, type, page);
          } catch (error) {
            // A disconnected or deleted site will not get better by retrying.
            if (error instanceof AppError && error.code !== 'SITE_UNREACHABLE') {
              throw new PermanentJobError(error.code, error.message);
            }
            throw error;
          }
          totalPages = result.totalPages;
          for (const item of result.items) {
            const post = toSitePost(item as WpItem, kind);
            if (post) read.push(post);
          }
          await ctx.progress(Math.min(80, 5 + read.length / 100), `reading ${type}, page ${page} of ${totalPages}`);
        }
      }
      return ctx.transactionalStep(
        'store',
        async (tx) => {
          // A post can show up twice when the site changes while it is read: keep the last copy.
          const posts = [...new Map(read.map((p) => [p.wpPostId, p])).values()];
          const removed = await tx.$executeRaw`
            DELETE FROM "SitePost" WHERE "siteId" = ${siteId}::uuid
              AND NOT ("wpPostId" = ANY(${posts.map((p) => p.wpPostId)}::int[]))`;
          for (let i = 0; i < posts.length; i += 1000) {
            const chunk = posts.slice(i, i + 1000);
            await tx.$executeRaw`
              INSERT INTO "SitePost" (id, "accountId", "siteId", "wpPostId", type, title, slug, normalized, url, status, "syncedAt")
              SELECT gen_random_uuid(), ${ctx.accountId}::uuid, ${siteId}::uuid, p.*, now()
              FROM unnest(${chunk.map((p) => p.wpPostId)}::int[], ${chunk.map((p) => p.type)}::text[],
                          ${chunk.map((p) => p.title)}::text[], ${chunk.map((p) => p.slug)}::text[],
                          ${chunk.map((p) => p.normalized)}::text[], ${chunk.map((p) => p.url)}::text[],
                          ${chunk.map((p) => p.status)}::text[])
                AS p("wpPostId", type, title, slug, normalized, url, status)
              ON CONFLICT ("siteId", "wpPostId") DO UPDATE SET type = EXCLUDED.type, title = EXCLUDED.title,
                slug = EXCLUDED.slug, normalized = EXCLUDED.normalized, url = EXCLUDED.url,
                status = EXCLUDED.status, "syncedAt" = EXCLUDED."syncedAt"`;
          }
          const flagged = await refreshCannibalization(tx, siteId);
          return { posts: posts.length, removed, cannibalizedClusters: flagged };
        },
        { progress: 100 },
      );
    },
  });
}

export function createSitePostsService({ prisma }: { prisma: PrismaClient }) {
  return {
    async list(auth: AuthContext, siteId: string, query: { limit: number; cursor?: string | undefined }) {
      const site = await prisma.site.findFirst({ where: { id: siteId, accountId: auth.accountId } });
      if (!site) throw errors.notFound('Site', siteId);
      let after: number | undefined;
      if (query.cursor) {
        after = Number(Buffer.from(query.cursor, 'base64url').toString('utf8'));
        if (!Number.isInteger(after)) {
          throw errors.badRequest('The cursor is not valid: pass back nextCursor from the previous page unchanged.', {
            field: 'cursor',
          });
        }
      }
      const rows = await prisma.sitePost.findMany({
        where: { siteId, ...(after !== undefined ? { wpPostId: { gt: after } } : {}) },
        orderBy: { wpPostId: 'asc' },
        take: query.limit + 1,
      });
      const page = rows.slice(0, query.limit);
      return {
        items: page.map(sitePostView),
        nextCursor:
          rows.length > query.limit ? Buffer.from(String(page[page.length - 1]!.wpPostId)).toString('base64url') : null,
      };
    },
  };
}
