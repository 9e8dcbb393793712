import type { TAutomationReviewItem } from '@igny8/shared';
import { AppError } from '../../errors.ts';
import { pageFrom } from '../../lib/pagination.ts';
import type { AuthContext } from '../auth/credentials.ts';
import type { AutomationData } from './data.ts';
import { DEFAULT_SETTINGS, findSite, storedSettings } from './settings-service.ts';
import type { StageExecutors } from './stages.ts';

/**
 * The review queue: articles automation wrote and illustrated while auto-publish was off. Publishing from it
 * approves the current version and publishes on the site's cadence, as auto-publish would have.
 */
export function createReviewService(deps: { data: AutomationData; executors: StageExecutors }) {
  const { data } = deps;

  return {
    async list(auth: AuthContext, siteId: string, query: { limit: number; cursor?: string | undefined }) {
      const site = await findSite(data, auth, siteId);
      const rows = await data.reviewQueue(site.id, await data.handledArticles(site.id), query.cursor, query.limit + 1);
      const page = pageFrom(rows, query.limit);
      const items: TAutomationReviewItem[] = page.rows.map((c) => ({
        contentId: c.id,
        taskId: c.task.id,
        title: c.versions[0]?.title || c.task.title,
        primaryKeyword: c.task.primaryKeyword,
        currentVersion: c.currentVersion,
        wordCount: c.versions[0]?.wordCount ?? 0,
        imageCount: c._count.images,
        updatedAt: c.updatedAt.toISOString(),
      }));
      return { items, nextCursor: page.nextCursor };
    },

    /** Approves and publishes each content; one outcome per content (one failing does not stop the others). */
    async publish(auth: AuthContext, requestId: string, siteId: string, contentIds: string[]) {
      const site = await findSite(data, auth, siteId);
      const row = await data.findSettings(site.id);
      const settings = row ? storedSettings(row.settings) : DEFAULT_SETTINGS;
      const ctx = { auth, requestId, siteId: site.id, timezone: site.timezone, settings };
      const items = [];
      for (const contentId of [...new Set(contentIds)]) {
        const content = await data.findReviewContent(site.id, contentId);
        if (!content) {
          items.push({
            contentId,
            jobId: null,
            scheduledAt: null,
            error: { code: 'NOT_FOUND', message: `Content ${contentId} is not in this site's review queue.` },
          });
          continue;
        }
        try {
          const key = `automation-review:${contentId}:${content.currentVersion}`;
          const started = await deps.executors.publishNow(ctx, contentId, key);
          if (!started) {
            items.push({
              contentId,
              jobId: null,
              scheduledAt: null,
              error: {
                code: 'LANGUAGE_MISMATCH',
                message:
                  'Its text does not read as the language asked for: open it in the Writer and approve it there.',
              },
            });
            continue;
          }
          items.push({ contentId, jobId: started.jobId, scheduledAt: started.scheduledAt, error: null });
        } catch (error) {
          if (!(error instanceof AppError)) throw error;
          items.push({
            contentId,
            jobId: null,
            scheduledAt: null,
            error: { code: error.code, message: error.message },
          });
        }
      }
      return { items };
    },
  };
}

export type AutomationReviewService = ReturnType<typeof createReviewService>;
