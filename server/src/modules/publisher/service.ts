import type { TPublication, TPublicationsQuery, TPublishAccepted, TPublishBody } from '@igny8/shared';
import { AppError, errors } from '../../errors.ts';
import type { Prisma, Publication } from '../../generated/prisma/client.ts';
import { afterCursor, newestFirst, pageFrom } from '../../lib/pagination.ts';
import { iso } from '../../lib/serialize.ts';
import type { AuthContext } from '../auth/credentials.ts';
import type { PublisherRouteDeps } from './deps.ts';
import { PUBLISH_JOB, UNPUBLISH_JOB, type PublishPayload } from './jobs.ts';

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

const withTask = { content: { select: { taskId: true } } } as const;

/** Publishing costs no credits and calls no AI: it only enqueues the publish or unpublish job. */
export function createPublisherService(deps: PublisherRouteDeps) {
  const { prisma, queue } = deps;

  async function findContent(auth: AuthContext, contentId: string) {
    const content = await prisma.content.findFirst({
      where: { id: contentId, accountId: auth.accountId },
      include: { site: { include: { connection: { select: { status: true } } } } },
    });
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
  async function lockIdle(tx: Prisma.TransactionClient, contentId: string) {
    await tx.$queryRaw`SELECT id FROM "Publication" WHERE "contentId" = ${contentId}::uuid FOR UPDATE`;
    const publication = await tx.publication.findUniqueOrThrow({ where: { contentId } });
    if (publication.lastJobRunId) {
      const run = await tx.jobRun.findUnique({ where: { id: publication.lastJobRunId } });
      if (run && (run.status === 'queued' || run.status === 'running')) {
        throw errors.conflict(
          'CONFLICT',
          `Content ${contentId} is already being ${run.type === UNPUBLISH_JOB ? 'unpublished' : 'published'} ` +
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
  async function priorityFor(tx: Prisma.TransactionClient, auth: AuthContext): Promise<number> {
    const [row] = await tx.$queryRaw<{ n: number }[]>`
      SELECT count(*)::int AS n FROM "JobRun"
      WHERE "accountId" = ${auth.accountId}::uuid AND status IN ('queued', 'running')
        AND type IN (${PUBLISH_JOB}, ${UNPUBLISH_JOB})`;
    return -(row?.n ?? 0);
  }

  async function existingByKey(tx: Prisma.TransactionClient, auth: AuthContext, type: string, key?: string) {
    if (!key) return null;
    return tx.jobRun.findUnique({
      where: { accountId_type_idempotencyKey: { accountId: auth.accountId, type, idempotencyKey: key } },
    });
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
      const { run, publication } = await prisma.$transaction(async (tx) => {
        const repeated = await existingByKey(tx, auth, PUBLISH_JOB, idempotencyKey);
        if (repeated) {
          const publication = await tx.publication.findUniqueOrThrow({ where: { contentId }, include: withTask });
          return { run: repeated, publication };
        }
        await tx.publication.upsert({
          where: { contentId },
          create: {
            accountId: auth.accountId,
            siteId: content.siteId,
            contentId,
            requestedStatus: body.status,
          },
          update: {},
        });
        await lockIdle(tx, contentId);
        const run = await queue.enqueue(tx, {
          priority: await priorityFor(tx, auth),
          type: PUBLISH_JOB,
          accountId: auth.accountId,
          payload,
          requestId,
          createdById: auth.userId,
          siteId: content.siteId,
          ...(idempotencyKey ? { idempotencyKey } : {}),
        });
        const publication = await tx.publication.update({
          where: { contentId },
          data: {
            status: 'publishing',
            requestedStatus: body.status,
            scheduledAt,
            categories: body.categories,
            tags: body.tags,
            lastJobRunId: run.id,
            lastError: null,
          },
          include: withTask,
        });
        await tx.task.update({
          where: { id: content.taskId },
          data: { status: 'publishing', failureReason: null, lastJobRunId: run.id },
        });
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
      const { run, publication } = await prisma.$transaction(async (tx) => {
        const repeated = await existingByKey(tx, auth, UNPUBLISH_JOB, idempotencyKey);
        if (repeated) {
          const publication = await tx.publication.findUniqueOrThrow({ where: { contentId }, include: withTask });
          return { run: repeated, publication };
        }
        const exists = await tx.publication.findUnique({ where: { contentId } });
        if (!exists || exists.status === 'unpublished') {
          throw errors.conflict(
            'CONFLICT',
            exists
              ? `Content ${contentId} is already unpublished (its post is in the site's trash).`
              : `Content ${contentId} has never been published: there is nothing to unpublish.`,
          );
        }
        await lockIdle(tx, contentId);
        const run = await queue.enqueue(tx, {
          priority: await priorityFor(tx, auth),
          type: UNPUBLISH_JOB,
          accountId: auth.accountId,
          payload: { contentId, siteId: content.siteId },
          requestId,
          createdById: auth.userId,
          siteId: content.siteId,
          ...(idempotencyKey ? { idempotencyKey } : {}),
        });
        const publication = await tx.publication.update({
          where: { contentId },
          data: { lastJobRunId: run.id, lastError: null },
          include: withTask,
        });
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
      const publication = await prisma.publication.findFirst({
        where: { contentId, accountId: auth.accountId },
        include: withTask,
      });
      if (publication) return publicationView(publication);
      await findContent(auth, contentId);
      throw new AppError('NOT_FOUND', `Content ${contentId} has never been published.`);
    },

    async list(auth: AuthContext, query: TPublicationsQuery) {
      if (query.siteId) {
        const site = await prisma.site.findFirst({ where: { id: query.siteId, accountId: auth.accountId } });
        if (!site) throw errors.notFound('Site', query.siteId);
      }
      const rows = await prisma.publication.findMany({
        where: {
          accountId: auth.accountId,
          ...(query.siteId ? { siteId: query.siteId } : {}),
          ...(query.status ? { status: query.status } : {}),
          ...afterCursor(query.cursor),
        },
        include: withTask,
        orderBy: newestFirst,
        take: query.limit + 1,
      });
      const page = pageFrom(rows, query.limit);
      return { items: page.rows.map(publicationView), nextCursor: page.nextCursor };
    },
  };
}
