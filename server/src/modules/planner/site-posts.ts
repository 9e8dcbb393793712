import type { TSitePost } from '@igny8/shared';
import { errors } from '../../errors.ts';
import type { SitePost } from '../../generated/prisma/client.ts';
import type { AuthContext } from '../auth/credentials.ts';
import type { JobsService } from '../jobs/service.ts';
import { syncSitePostsJob } from './contracts.ts';
import type { PlannerData } from './data/index.ts';

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

export function createSitePostsService({ data, jobs }: { data: PlannerData; jobs: JobsService }) {
  return {
    /** Starts reading the connected site's posts and pages (409 when the site is not connected). */
    async startSync(auth: AuthContext, requestId: string, siteId: string) {
      const site = await data.scope.findSiteWithConnection(auth.accountId, siteId);
      if (!site) throw errors.notFound('Site', siteId);
      if (site.connection?.status !== 'connected') {
        // 409, not SITE_NOT_CONNECTED (401): the caller's credentials are fine, the site is not.
        throw errors.conflict(
          'CONFLICT',
          `Site ${siteId} is not connected to WordPress: connect it from wp-admin before syncing its posts.`,
        );
      }
      return jobs.start(auth, requestId, { type: syncSitePostsJob.type, payload: { siteId }, siteId });
    },

    async list(auth: AuthContext, siteId: string, query: { limit: number; cursor?: string | undefined }) {
      const site = await data.scope.findSite(auth.accountId, siteId);
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
      const rows = await data.sitePosts.list(siteId, after, query.limit + 1);
      const page = rows.slice(0, query.limit);
      return {
        items: page.map(sitePostView),
        nextCursor:
          rows.length > query.limit ? Buffer.from(String(page[page.length - 1]!.wpPostId)).toString('base64url') : null,
      };
    },
  };
}

export type SitePostsService = ReturnType<typeof createSitePostsService>;
