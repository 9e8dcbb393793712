import type { TPublication, TPublicationsQuery, TPublishAccepted, TPublishBody } from '@igny8/shared';
import { AppError, errors } from '../../errors.ts';
import { withTransactions } from '../../db/client.ts';
import type { Publication } from '../../generated/prisma/client.ts';
import { pageFrom } from '../../lib/pagination.ts';
import { iso } from '../../lib/serialize.ts';
import type { AuthContext } from '../auth/credentials.ts';
import { publishJob, unpublishJob, type PublishPayload, type UnpublishPayload } from './contracts.ts';
import { publisherData, type PublisherData } from './data.ts';
import type { PublisherServiceDeps } from './deps.ts';

type PublicationRow = Publication & { content: { taskId: string } };

export function publicationView(p: PublicationRow): TPublication {
  return {
    id: p.id,
    contentId: p.contentId,
    siteId: p.siteId,
    taskId: p.content.taskId,
    status: p.status,
    requestedStatus: p.requestedStatus as TPublication['requestedStatus'],
    scheduledAt: iso(p.scheduledAt),
    categories: p.categories,
    tags: p.tags,
    postId: p.postId,
    wpStatus: p.wpStatus,
    url: p.url,
    publishedVersion: p.publishedVersion,
    lastError: p.lastError,
    jobId: p.lastJobRunId,
    publishedAt: iso(p.publishedAt),
    createdAt: iso(p.createdAt)!,
    updatedAt: iso(p.updatedAt)!,
  };
}

/** Publishing costs no credits and calls no AI: it only enqueues the publish or unpublish job. */
export function createPublisherService(deps: PublisherServiceDeps) {
  const { queue } = deps;
  const data = withTransactions(deps.prisma, publisherData);

  async function findContent(auth: AuthContext, contentId: string) {
    const content = await data.findContentWithSite(auth.accountId, contentId);
    if (!content) throw errors.notFound('Content', contentId);
    return content;
  }

  function requireConnected(content: Awaited<ReturnType<typeof findContent>>) {
    if (content.site.connection?.status !== 'connected') {
      // 409, not SITE_NOT_CONNECTED (401): the caller's credentials are fine, the site is not.
      throw errors.conflict(
        'CONFLICT',
        `Site ${content.siteId} is not connected to WordPress: connect it from wp-admin, then publish content ${content.id}.`,
      );
    }
  }

  /** Locks the publication row and refuses while a publish or unpublish of the same content is queued or running. */
  async function lockIdle(tx: PublisherData, contentId: string) {
    const publication = await tx.lockPublication(contentId);
    if (publication.lastJobRunId) {
      const run = await tx.findJobRun(publication.lastJobRunId);
      if (run && (run.status === 'queued' || run.status === 'running')) {
        throw errors.conflict(
          'CONFLICT',
          `Content ${contentId} is already being ${run.type === unpublishJob.type ? 'unpublished' : 'published'} ` +
            `(job ${run.id}): wait for it to finish, then try again.`,
          { jobId: run.id },
        );
      }
    }
    return publication;
  }

  /**
   * Fair across accounts: pg-boss takes jobs by priority, then age. A job gets the priority minus the number of
   * publish and unpublish jobs its account already has queued or running, so each account's first job comes before
   * another account's tenth: a burst of 500 publishes from one agency does not hold back everyone else's. Counted in
   * the same transaction that enqueues the job.
   */
  async function priorityFor(tx: PublisherData, auth: AuthContext): Promise<number> {
    return -(await tx.countActiveJobs(auth.accountId));
  }

  async function existingByKey(tx: PublisherData, auth: AuthContext, type: string, key?: string) {
    if (!key) return null;
    return tx.findRunByIdempotencyKey(auth.accountId, type, key);
  }

  return {
    async publish(
      auth: AuthContext,
      requestId: string,
      contentId: string,
      body: TPublishBody,
      idempotencyKey?: string,
    ): Promise<TPublishAccepted> {
      const content = await findContent(auth, contentId);
      if (content.approvedVersion === null) {
        throw errors.conflict(
          'CONFLICT',
          `Content ${contentId} is not approved: review it and approve a version in the Writer before publishing.`,
        );
      }
      requireConnected(content);
      const version = content.approvedVersion;
      const scheduledAt = body.status === 'future' && body.scheduledAt ? new Date(body.scheduledAt) : null;
      const payload: PublishPayload = {
        contentId,
        siteId: content.siteId,
        version,
        status: body.status,
        scheduledAt: scheduledAt ? scheduledAt.toISOString() : null,
        categories: body.categories,
        tags: body.tags,
      };
      const { run, publication } = await data.transaction(async (d, tx) => {
        const repeated = await existingByKey(d, auth, publishJob.type, idempotencyKey);
        if (repeated) return { run: repeated, publication: await d.getPublicationWithTask(contentId) };
        await d.ensurePublication({
          accountId: auth.accountId,
          siteId: content.siteId,
          contentId,
          requestedStatus: body.status,
        });
        await lockIdle(d, contentId);
        const run = await queue.enqueue(tx, {
          priority: await priorityFor(d, auth),
          type: publishJob.type,
          accountId: auth.accountId,
          payload,
          requestId,
          createdById: auth.userId,
          siteId: content.siteId,
          ...(idempotencyKey ? { idempotencyKey } : {}),
        });
        const publication = await d.updatePublicationWithTask(contentId, {
          status: 'publishing',
          requestedStatus: body.status,
          scheduledAt,
          categories: body.categories,
          tags: body.tags,
          lastJobRunId: run.id,
          lastError: null,
        });
        await d.markTaskPublishing(content.taskId, run.id);
        return { run, publication };
      });
      return {
        jobId: run.id,
        status: run.status,
        pollUrl: `/api/v1/jobs/${run.id}`,
        publication: publicationView(publication),
      };
    },

    async unpublish(auth: AuthContext, requestId: string, contentId: string, idempotencyKey?: string) {
      const content = await findContent(auth, contentId);
      requireConnected(content);
      const { run, publication } = await data.transaction(async (d, tx) => {
        const repeated = await existingByKey(d, auth, unpublishJob.type, idempotencyKey);
        if (repeated) return { run: repeated, publication: await d.getPublicationWithTask(contentId) };
        const exists = await d.findPublication(contentId);
        if (!exists || exists.status === 'unpublished') {
          throw errors.conflict(
            'CONFLICT',
            exists
              ? `Content ${contentId} is already unpublished (its post is in the site's trash).`
              : `Content ${contentId} has never been published: there is nothing to unpublish.`,
          );
        }
        await lockIdle(d, contentId);
        const payload: UnpublishPayload = { contentId, siteId: content.siteId };
        const run = await queue.enqueue(tx, {
          priority: await priorityFor(d, auth),
          type: unpublishJob.type,
          accountId: auth.accountId,
          payload,
          requestId,
          createdById: auth.userId,
          siteId: content.siteId,
          ...(idempotencyKey ? { idempotencyKey } : {}),
        });
        const publication = await d.updatePublicationWithTask(contentId, { lastJobRunId: run.id, lastError: null });
        return { run, publication };
      });
      return {
        jobId: run.id,
        status: run.status,
        pollUrl: `/api/v1/jobs/${run.id}`,
        publication: publicationView(publication),
      };
    },

    async get(auth: AuthContext, contentId: string): Promise<TPublication> {
      const publication = await data.findAccountPublication(auth.accountId, contentId);
      if (publication) return publicationView(publication);
      await findContent(auth, contentId);
      throw new AppError('NOT_FOUND', `Content ${contentId} has never been published.`);
    },

    async list(auth: AuthContext, query: TPublicationsQuery) {
      if (query.siteId) {
        const site = await data.findSite(auth.accountId, query.siteId);
        if (!site) throw errors.notFound('Site', query.siteId);
      }
      const rows = await data.listPublications(auth.accountId, query);
      const page = pageFrom(rows, query.limit);
      return { items: page.rows.map(publicationView), nextCursor: page.nextCursor };
    },
  };
}

export type PublisherService = ReturnType<typeof createPublisherService>;
