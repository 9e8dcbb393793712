import { withTransactions } from '../../db/client.ts';
import { defineJob, type JobDefinition } from '../../jobs/definition.ts';
import { JobCancelledError, PermanentJobError } from '../../jobs/errors.ts';
import { publishJob, unpublishJob } from './contracts.ts';
import { publisherData } from './data.ts';
import type { PublisherJobDeps } from './deps.ts';
import { noteFailure, PUBLISHES_PER_SITE, RETRY, sessionOpener, takeSiteSlot } from './jobs-common.ts';
import { publishSteps } from './jobs-publish.ts';
import { findPost, trashPost } from './wordpress.ts';

export { PUBLISHES_PER_SITE, WAITING_FOR_SLOT } from './jobs-common.ts';

/** The publisher's jobs: publish (jobs-publish.ts) and unpublish, at most PUBLISHES_PER_SITE at once per site. */
export function publisherJobs(deps: PublisherJobDeps): JobDefinition[] {
  const data = withTransactions(deps.prisma, publisherData);
  const session = sessionOpener(deps.connect);
  const publish = publishSteps({ data, media: deps.media, session });

  const publishDefinition = defineJob({
    ...publishJob,
    ...RETRY,
    group: (p) => p.siteId,
    groupConcurrency: PUBLISHES_PER_SITE,
    handler: async (ctx, p) => {
      try {
        await takeSiteSlot(data, ctx, p.siteId);
        return await publish(ctx, p);
      } catch (error) {
        if (!(error instanceof JobCancelledError)) {
          await noteFailure(data, ctx.jobId, error, error instanceof PermanentJobError, 'publish');
        }
        throw error;
      }
    },
    // Failed for good or cancelled: the publication and the task say so, with the last reason. Keyed on the job
    // id (a cancelled queued job has no payload here).
    onFailure: async ({ jobId }) => {
      const publication = await data.findPublicationOfJob(jobId);
      if (!publication || publication.status !== 'publishing') return;
      const run = await data.jobAttempts(jobId);
      const attempts = run?.attempts ?? 0;
      const reason = publication.lastError
        ? `${publication.lastError}${attempts > 1 ? ` Gave up after ${attempts} attempts: publish again once the site is back.` : ''}`
        : 'The publish was cancelled before it finished.';
      await data.updatePublication(publication.id, { status: 'failed', lastError: reason });
      await data.failPublishingTask(publication.contentId, reason);
    },
  });

  const unpublishDefinition = defineJob({
    ...unpublishJob,
    ...RETRY,
    group: (p) => p.siteId,
    groupConcurrency: PUBLISHES_PER_SITE,
    handler: async (ctx, p) => {
      try {
        await takeSiteSlot(data, ctx, p.siteId);
        const site = await session(ctx.accountId, p.siteId);
        const trashed = await ctx.step(
          'trash',
          async () => {
            const found = await findPost(site, p.contentId);
            if (!found) return { postId: null, status: 'missing' };
            if (found.status === 'trash') return { postId: found.postId, status: 'trash' };
            return { postId: found.postId, ...(await trashPost(site, found.postId)) };
          },
          { progress: 80 },
        );
        return await ctx.transactionalStep(
          'record',
          async (tx) => {
            await publisherData(tx).recordUnpublished(p.contentId, trashed.status === 'missing' ? null : 'trash');
            return trashed;
          },
          { progress: 100 },
        );
      } catch (error) {
        if (!(error instanceof JobCancelledError)) {
          await noteFailure(data, ctx.jobId, error, error instanceof PermanentJobError, 'unpublish');
        }
        throw error;
      }
    },
  });

  return [publishDefinition, unpublishDefinition] as unknown as JobDefinition[];
}
