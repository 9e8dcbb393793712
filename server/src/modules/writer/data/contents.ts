import type { Db } from '../../../db/client.ts';
import type { ContentVersion, Prisma } from '../../../generated/prisma/client.ts';
import { withContentSummary } from './tasks.ts';

/** A new version's fields (sections and FAQ as JSON, see versionData), with where it came from. */
export type NewVersion = Omit<Prisma.ContentVersionUncheckedCreateInput, 'contentId' | 'number'>;

export class StaleVersionError extends Error {
  constructor(
    readonly expected: number,
    readonly current: number,
  ) {
    super(`Version ${expected} is no longer the current one: version ${current} is.`);
  }
}

/** The writer's queries on contents and their versions. */
export function contentsData(db: Db) {
  return {
    /** The account's content with its task (and the task's content summary), or null. */
    find(accountId: string, contentId: string) {
      return db.content.findFirst({
        where: { id: contentId, accountId },
        include: { task: { include: withContentSummary } },
      });
    },

    /** The account's content with what images need of its task, or null. */
    findForImages(accountId: string, contentId: string) {
      return db.content.findFirst({
        where: { id: contentId, accountId },
        include: { task: { select: { id: true, sectorId: true, imageCount: true } } },
      });
    },

    /** The id of the account's content of a task, or null. */
    findIdOfTask(accountId: string, taskId: string) {
      return db.content.findFirst({ where: { taskId, accountId }, select: { id: true } });
    },

    /** Whether the account has this content (its id), or null. */
    findIdOfAccount(accountId: string, contentId: string) {
      return db.content.findFirst({ where: { id: contentId, accountId }, select: { id: true } });
    },

    findVersion(contentId: string, number: number) {
      return db.contentVersion.findUnique({ where: { contentId_number: { contentId, number } } });
    },

    /** A content's versions, newest first, without their bodies. */
    listVersions(contentId: string) {
      return db.contentVersion.findMany({
        where: { contentId },
        orderBy: { number: 'desc' },
        omit: { body: true, sections: true, faq: true },
      });
    },

    /** A content with its current (newest) version, or null. */
    findWithCurrentVersion(contentId: string) {
      return db.content.findUnique({
        where: { id: contentId },
        include: { versions: { orderBy: { number: 'desc' }, take: 1 } },
      });
    },

    /** Approves version `number` only if it is still the current one (count 0 otherwise). */
    approveIfCurrent(contentId: string, number: number, approvedById: string | null) {
      return db.content.updateMany({
        where: { id: contentId, currentVersion: number },
        data: { approvedVersion: number, approvedAt: new Date(), approvedById },
      });
    },

    /** The content of a task, created for its first version. */
    create(data: { accountId: string; siteId: string; taskId: string; language: string; demo: boolean }) {
      return db.content.create({ data, select: { id: true, _count: { select: { images: true } } } });
    },

    setLanguageAndDemo(contentId: string, language: string, demo: boolean) {
      return db.content.update({ where: { id: contentId }, data: { language, demo } });
    },

    /** Slugs starting with `prefix` that other articles of the site have. */
    slugsLike(siteId: string, exceptContentId: string, prefix: string) {
      return db.contentVersion.findMany({
        where: { content: { siteId, id: { not: exceptContentId } }, slug: { startsWith: prefix } },
        select: { slug: true },
        distinct: ['slug'],
      });
    },

    /**
     * Adds the next version of a content and makes it current: run it in a transaction (`db` is the transaction
     * client). The content row is locked first, so two writers never take the same number. Any new version ends an
     * approval: the content is no longer approved and an approved task goes back to review (a published one keeps its
     * status: the publisher republishes once approved).
     */
    async addVersion(
      contentId: string,
      data: NewVersion,
      options: { expectedCurrent?: number } = {},
    ): Promise<ContentVersion> {
      const [locked] = await db.$queryRaw<{ currentVersion: number; taskId: string }[]>`
        SELECT "currentVersion", "taskId" FROM "Content" WHERE id = ${contentId}::uuid FOR UPDATE`;
      if (!locked) throw new Error(`Content ${contentId} vanished`);
      if (options.expectedCurrent !== undefined && locked.currentVersion !== options.expectedCurrent) {
        throw new StaleVersionError(options.expectedCurrent, locked.currentVersion);
      }
      const number = locked.currentVersion + 1;
      const version = await db.contentVersion.create({ data: { contentId, number, ...data } });
      await db.content.update({
        where: { id: contentId },
        data: { currentVersion: number, approvedVersion: null, approvedAt: null, approvedById: null },
      });
      await db.task.updateMany({ where: { id: locked.taskId, status: 'approved' }, data: { status: 'review' } });
      return version;
    },
  };
}
