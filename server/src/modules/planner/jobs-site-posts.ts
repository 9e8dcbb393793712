import { AppError } from '../../errors.ts';
import type { JobDefinition } from '../../jobs/definition.ts';
import { defineJob } from '../../jobs/definition.ts';
import { PermanentJobError } from '../../jobs/errors.ts';
import { syncSitePostsJob } from './contracts.ts';
import { plannerData } from './data/index.ts';
import type { PlannerJobDeps } from './jobs.ts';
import { toSitePost, type WpItem } from './wp-posts.ts';

/** The most pages (of 100) read per type: 100,000 posts. */
const MAX_PAGES = 1000;

/**
 * Reads every post and page of the connected site (titles, slugs, links, status) through WordPress's REST API,
 * replaces the stored copy in one transaction (upserted; posts gone from the site deleted) and refreshes the
 * clusters' cannibalization flags. Reading is repeated on a retry (it has no side effect); storing happens once.
 */
export function syncSitePostsJobDefinition(deps: Pick<PlannerJobDeps, 'connect'>) {
  return defineJob({
    ...syncSitePostsJob,
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
          const { removed, flagged } = await plannerData(tx).sitePosts.replace(ctx.accountId, siteId, posts);
          return { posts: posts.length, removed, cannibalizedClusters: flagged };
        },
        { progress: 100 },
      );
    },
  });
}

export function plannerSitePostsJobs(deps: PlannerJobDeps): JobDefinition[] {
  return [syncSitePostsJobDefinition(deps) as unknown as JobDefinition];
}
