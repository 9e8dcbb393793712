import type { TPublicationsQuery } from '@igny8/shared';
import type { Db } from '../../db/client.ts';
import type { Prisma } from '../../generated/prisma/client.ts';
import { afterCursor, newestFirst } from '../../lib/pagination.ts';
import {
  countActiveRuns,
  countRunningOnSite,
  findRunAttempts,
  findRunById,
  findRunByIdempotencyKey,
  setRunCurrentStep,
} from '../../jobs/data.ts';
import { findAccountSite } from '../sites/data.ts';
import {
  failPublishingTask,
  findContentToPublish,
  findContentWithSite,
  markTaskPublished,
  markTaskPublishing,
  reapproveUnpublishedTask,
} from '../writer/data/publishing.ts';
import { publishJob, unpublishJob } from './contracts.ts';

const withTask = { content: { select: { taskId: true } } } as const;

/** The publisher's job types (its JobRun counts are of these). */
const PUBLISHER_JOB_TYPES = [publishJob.type, unpublishJob.type];

/**
 * The publisher's queries: publications, plus the content and task they publish, the site, and the publish and
 * unpublish jobs' rows, whose queries are their owners' (writer, sites, jobs) bound here to the publisher's client or
 * transaction. Functions marked "in a transaction" run on the transaction a caller opened (`transaction(fn)`).
 */
export function publisherData(db: Db) {
  return {
    // Requests (service.ts).

    /** The account's content with its site's connection status. */
    findContentWithSite: (accountId: string, contentId: string) => findContentWithSite(db, accountId, contentId),

    findSite: (accountId: string, siteId: string) => findAccountSite(db, accountId, siteId),

    findJobRun: (id: string) => findRunById(db, id),

    /** The job of this type the account started with this Idempotency-Key, if any. */
    findRunByIdempotencyKey: (accountId: string, type: string, idempotencyKey: string) =>
      findRunByIdempotencyKey(db, accountId, type, idempotencyKey),

    /** The account's publish and unpublish jobs that are queued or running (for the queue priority). */
    countActiveJobs: (accountId: string) => countActiveRuns(db, accountId, PUBLISHER_JOB_TYPES),

    /** In a transaction: locks the content's publication row and reads it. */
    async lockPublication(contentId: string) {
      await db.$queryRaw`SELECT id FROM "Publication" WHERE "contentId" = ${contentId}::uuid FOR UPDATE`;
      return db.publication.findUniqueOrThrow({ where: { contentId } });
    },

    findPublication(contentId: string) {
      return db.publication.findUnique({ where: { contentId } });
    },

    /** The publication with its content's task id (what publicationView shows). */
    getPublicationWithTask(contentId: string) {
      return db.publication.findUniqueOrThrow({ where: { contentId }, include: withTask });
    },

    findAccountPublication(accountId: string, contentId: string) {
      return db.publication.findFirst({ where: { contentId, accountId }, include: withTask });
    },

    /** Creates the content's publication unless it has one. */
    ensurePublication(data: { accountId: string; siteId: string; contentId: string; requestedStatus: string }) {
      return db.publication.upsert({ where: { contentId: data.contentId }, create: data, update: {} });
    },

    updatePublicationWithTask(contentId: string, data: Prisma.PublicationUpdateInput) {
      return db.publication.update({ where: { contentId }, data, include: withTask });
    },

    /** The task of a content that a publish job was just queued for. */
    markTaskPublishing: (taskId: string, jobRunId: string) => markTaskPublishing(db, taskId, jobRunId),

    /** The account's publications, newest first, one more than `limit` (pageFrom splits off the cursor). */
    listPublications(accountId: string, query: TPublicationsQuery) {
      return db.publication.findMany({
        where: {
          accountId,
          ...(query.siteId ? { siteId: query.siteId } : {}),
          ...(query.status ? { status: query.status } : {}),
          ...afterCursor(query.cursor),
        },
        include: withTask,
        orderBy: newestFirst,
        take: query.limit + 1,
      });
    },

    // Jobs (jobs*.ts).

    /** The content with the version to publish, its generated images in order and its publication. */
    findContentToPublish: (accountId: string, contentId: string, version: number) =>
      findContentToPublish(db, accountId, contentId, version),

    /** Remembers the WordPress media id of an uploaded image on the publication. */
    async rememberMedia(contentId: string, imageId: string, mediaId: number) {
      await db.$executeRaw`
        UPDATE "Publication" SET media = media || jsonb_build_object(${imageId}::text, ${mediaId}::int),
               "updatedAt" = now()
        WHERE "contentId" = ${contentId}::uuid`;
    },

    /** Forgets the WordPress media id of an image (it must be uploaded anew). */
    async forgetMedia(contentId: string, imageId: string) {
      await db.$executeRaw`
        UPDATE "Publication" SET media = media - ${imageId}::text WHERE "contentId" = ${contentId}::uuid`;
    },

    /** In a transaction: under a per-site advisory lock (until the transaction ends), counts the site's publish and
     * unpublish jobs running past the slot check besides this one. */
    async lockSiteAndCountRunning(siteId: string, jobId: string, waitingStep: string): Promise<number> {
      await db.$queryRaw`SELECT 1 FROM (SELECT pg_advisory_xact_lock(hashtextextended(${`igny8:publish:${siteId}`}, 0))) l`;
      return countRunningOnSite(db, siteId, PUBLISHER_JOB_TYPES, jobId, waitingStep);
    },

    setCurrentStep: (jobId: string, currentStep: string) => setRunCurrentStep(db, jobId, currentStep),

    jobAttempts: (jobId: string) => findRunAttempts(db, jobId),

    /** The publication a job last worked on. */
    findPublicationOfJob(jobId: string) {
      return db.publication.findFirst({ where: { lastJobRunId: jobId } });
    },

    updatePublication(id: string, data: Prisma.PublicationUpdateInput) {
      return db.publication.update({ where: { id }, data });
    },

    /** The task of a content whose publish failed for good (only while it is still publishing). */
    failPublishingTask: (contentId: string, reason: string) => failPublishingTask(db, contentId, reason),

    /** In the publish job's last step: the publication's new state. */
    recordPublished(contentId: string, data: Prisma.PublicationUpdateInput) {
      return db.publication.update({ where: { contentId }, data });
    },

    markTaskPublished: (taskId: string, jobRunId: string) => markTaskPublished(db, taskId, jobRunId),

    /** In the unpublish job's last step: the publication is unpublished and its task approved again. */
    async recordUnpublished(contentId: string, wpStatus: string | null) {
      const publication = await db.publication.update({
        where: { contentId },
        data: { status: 'unpublished', wpStatus, lastError: null },
        include: { content: { select: { taskId: true } } },
      });
      // The content stays approved: it can be published again (which restores the post from the trash).
      await reapproveUnpublishedTask(db, publication.content.taskId);
    },
  };
}

export type PublisherData = ReturnType<typeof publisherData>;
