import type { TTasksQuery } from '@igny8/shared';
import type { Db } from '../../../db/client.ts';
import type { Prisma, TaskStatus } from '../../../generated/prisma/client.ts';
import { afterCursor, newestFirst } from '../../../lib/pagination.ts';

/** What a task view needs of its content: the content row and its newest (= current) version's numbers. */
export const withContentSummary = {
  content: {
    include: {
      versions: { orderBy: { number: 'desc' }, take: 1, select: { wordCount: true, languageMatches: true } },
    },
  },
} as const satisfies Prisma.TaskInclude;

/** The writer's queries on tasks. */
export function tasksData(db: Db) {
  return {
    /** The account's task with a summary of its content, or null. */
    find(accountId: string, taskId: string) {
      return db.task.findFirst({ where: { id: taskId, accountId }, include: withContentSummary });
    },

    /** Whether the account has this task (the row without its content). */
    findBare(accountId: string, taskId: string) {
      return db.task.findFirst({ where: { id: taskId, accountId } });
    },

    create(data: Prisma.TaskUncheckedCreateInput) {
      return db.task.create({ data, include: withContentSummary });
    },

    /** One page (limit + 1 rows, newest first) of the account's tasks. */
    list(accountId: string, query: { siteId?: string; status?: TaskStatus; cursor?: string; limit: number }) {
      return db.task.findMany({
        where: {
          accountId,
          ...(query.siteId ? { siteId: query.siteId } : {}),
          ...(query.status ? { status: query.status } : {}),
          ...afterCursor(query.cursor),
        },
        include: withContentSummary,
        orderBy: newestFirst,
        take: query.limit + 1,
      });
    },

    /** Changes a task unless it is in one of `busy` (count 0 then). */
    updateUnlessIn(taskId: string, busy: TaskStatus[], data: Prisma.TaskUpdateManyMutationInput) {
      return db.task.updateMany({ where: { id: taskId, status: { notIn: busy } }, data });
    },

    /** Deletes a task unless it is in one of `busy` (count 0 then). */
    deleteUnlessIn(taskId: string, busy: TaskStatus[]) {
      return db.task.deleteMany({ where: { id: taskId, status: { notIn: busy } } });
    },

    /** Marks a task `writing` only if nobody changed it since it was read (updatedAt moves with every change). */
    claimForWriting(task: { id: string; status: TaskStatus; updatedAt: Date }) {
      return db.task.updateMany({
        where: { id: task.id, status: task.status, updatedAt: task.updatedAt },
        data: { status: 'writing', failureReason: null, lastJobRunId: null },
      });
    },

    /** Records the job writing a task (once it is enqueued). */
    setWritingJob(taskId: string, jobRunId: string) {
      return db.task.updateMany({ where: { id: taskId, status: 'writing' }, data: { lastJobRunId: jobRunId } });
    },

    /** Gives back a claim whose job was never enqueued. */
    releaseClaim(taskId: string, back: { status: TaskStatus; lastJobRunId: string | null }) {
      return db.task.updateMany({
        where: { id: taskId, status: 'writing', lastJobRunId: null },
        data: { status: back.status, lastJobRunId: back.lastJobRunId },
      });
    },

    setLastJob(taskId: string, jobRunId: string) {
      return db.task.updateMany({ where: { id: taskId }, data: { lastJobRunId: jobRunId } });
    },

    /** Approves a task unless a job holds it in one of `locked` (count 0 then). */
    approveUnlessIn(taskId: string, locked: TaskStatus[]) {
      return db.task.updateMany({
        where: { id: taskId, status: { notIn: locked } },
        data: { status: 'approved', failureReason: null },
      });
    },

    // --- For the writing jobs ---

    /** Why the job `jobRunId` stopped, kept on the task while that job is still its last. */
    recordFailureReason(taskId: string, jobRunId: string, failureReason: string) {
      return db.task.updateMany({ where: { id: taskId, lastJobRunId: jobRunId }, data: { failureReason } });
    },

    findFailureReason(taskId: string) {
      return db.task.findUnique({ where: { id: taskId }, select: { failureReason: true } });
    },

    /** A writing job that ended without success: the task becomes failed (if the job is still its last). */
    markWritingFailed(taskId: string, jobRunId: string, failureReason: string) {
      return db.task.updateMany({
        where: { id: taskId, status: 'writing', lastJobRunId: jobRunId },
        data: { status: 'failed', failureReason },
      });
    },

    /**
     * The job takes the task (unless it was deleted or is being published). A retry of a job whose earlier attempt
     * already stored the article (and died before it was recorded as done) leaves the task as that attempt left it:
     * the store step is skipped on a retry, so a task marked writing again would stay so for good.
     */
    async markWriting(accountId: string, taskId: string, jobRunId: string) {
      const finished = await db.task.count({
        where: { id: taskId, accountId, lastJobRunId: jobRunId, status: { in: ['written', 'review'] } },
      });
      if (finished) return { count: finished };
      return db.task.updateMany({
        where: { id: taskId, accountId, status: { not: 'publishing' } },
        data: { status: 'writing', lastJobRunId: jobRunId },
      });
    },

    /** Keeps an AI-written outline on a task that has none. */
    keepOutline(taskId: string, outline: Prisma.InputJsonValue) {
      return db.task.updateMany({ where: { id: taskId, outline: { equals: [] } }, data: { outline } });
    },

    /** What storing an article needs of its task: its image count and its content (with how many images it has). */
    findForStore(taskId: string) {
      return db.task.findUnique({
        where: { id: taskId },
        select: { imageCount: true, content: { select: { id: true, _count: { select: { images: true } } } } },
      });
    },

    /** The status a written article leaves its task in (if the job is still the task's last). */
    finishWriting(taskId: string, jobRunId: string, status: TaskStatus) {
      return db.task.updateMany({
        where: { id: taskId, lastJobRunId: jobRunId },
        data: { status, failureReason: null },
      });
    },

    clearFailureReason(taskId: string) {
      return db.task.updateMany({ where: { id: taskId }, data: { failureReason: null } });
    },

    /** An image job takes the task's last job (for the account's task). */
    setLastJobOfAccount(accountId: string, taskId: string, jobRunId: string) {
      return db.task.updateMany({ where: { id: taskId, accountId }, data: { lastJobRunId: jobRunId } });
    },

    /** Moves a written task to review (count 0 when it is not written). */
    moveWrittenToReview(accountId: string, taskId: string, jobRunId: string) {
      return db.task.updateMany({
        where: { id: taskId, accountId, status: 'written' },
        data: { status: 'review', lastJobRunId: jobRunId },
      });
    },
  };
}

// The planner's queries on tasks (converting ideas into tasks, listing a site's). Each takes the client or a caller's
// transaction.

/** A task made from a content idea (the bare row). */
export function createIdeaTask(db: Db, data: Prisma.TaskUncheckedCreateInput) {
  return db.task.create({ data });
}

/** One page (limit + 1 rows, newest first) of a site's tasks (the caller checked the site is the account's). */
export function listSiteTasks(db: Db, query: TTasksQuery) {
  return db.task.findMany({
    where: {
      siteId: query.siteId,
      ...(query.status ? { status: query.status } : {}),
      ...afterCursor(query.cursor),
    },
    orderBy: newestFirst,
    take: query.limit + 1,
  });
}
