import type { Db } from '../../../db/client.ts';

// The content and task reads and writes of publishing (the publisher's requests and jobs call them, with their
// transaction where they run in one). The writer owns Content and Task; these are its queries for the publisher.

/** The account's content with its site's connection status, or null. */
export function findContentWithSite(db: Db, accountId: string, contentId: string) {
  return db.content.findFirst({
    where: { id: contentId, accountId },
    include: { site: { include: { connection: { select: { status: true } } } } },
  });
}

/** The account's content with the version to publish, its generated images in order and its publication, or null. */
export function findContentToPublish(db: Db, accountId: string, contentId: string, version: number) {
  return db.content.findFirst({
    where: { id: contentId, accountId },
    include: {
      versions: { where: { number: version } },
      images: { where: { status: 'generated', storageKey: { not: null } }, orderBy: { position: 'asc' } },
      publication: true,
    },
  });
}

/** The task of a content that a publish job was just queued for. */
export function markTaskPublishing(db: Db, taskId: string, jobRunId: string) {
  return db.task.update({
    where: { id: taskId },
    data: { status: 'publishing', failureReason: null, lastJobRunId: jobRunId },
  });
}

/** The task of a content whose publish failed for good (only while it is still publishing). */
export function failPublishingTask(db: Db, contentId: string, reason: string) {
  return db.task.updateMany({
    where: { content: { id: contentId }, status: 'publishing' },
    data: { status: 'failed', failureReason: reason },
  });
}

/** The task of a content that was just published. */
export function markTaskPublished(db: Db, taskId: string, jobRunId: string) {
  return db.task.update({
    where: { id: taskId },
    data: { status: 'published', failureReason: null, lastJobRunId: jobRunId },
  });
}

/** The task of an unpublished content is approved again (when it was published or failed). */
export function reapproveUnpublishedTask(db: Db, taskId: string) {
  return db.task.updateMany({
    where: { id: taskId, status: { in: ['published', 'failed'] } },
    data: { status: 'approved', failureReason: null },
  });
}
