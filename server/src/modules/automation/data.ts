import type { Db } from '../../db/client.ts';
import type { AutomationRunStatus, Prisma } from '../../generated/prisma/client.ts';
import { afterCursor, newestFirst } from '../../lib/pagination.ts';

/** Statuses of a run that has not ended (at most one per site). */
export const ACTIVE_RUN: AutomationRunStatus[] = ['queued', 'running', 'pausing', 'paused', 'cancelling'];

/** The first instant of the current calendar month in UTC (the month caps and budgets count). */
export function monthStartUtc(now = new Date()): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1));
}

/** Sectors a stage may take work from (those not turned off by an override). */
type SectorIds = string[];

/** The automation module's queries: settings, runs and items, and the work waiting at each stage of a site. */
export function automationData(db: Db) {
  /** Credits used by finished items and held by items still running. */
  async function sumCredits(where: Prisma.AutomationItemWhereInput): Promise<{ used: number; held: number }> {
    const rows = await db.automationItem.groupBy({ by: ['status'], where, _sum: { credits: true, heldCredits: true } });
    let used = 0;
    let held = 0;
    for (const r of rows) {
      used += r._sum.credits ?? 0;
      if (r.status === 'running' || r.status === 'pending') held += r._sum.heldCredits ?? 0;
    }
    return { used, held };
  }

  return {
    findSite(accountId: string, siteId: string) {
      return db.site.findFirst({
        where: { id: siteId, accountId },
        select: { id: true, accountId: true, timezone: true, name: true, url: true },
      });
    },

    findSiteById(siteId: string) {
      return db.site.findUnique({
        where: { id: siteId },
        select: { id: true, accountId: true, timezone: true, name: true, url: true },
      });
    },

    sectorsOf(siteId: string) {
      return db.sector.findMany({ where: { siteId }, select: { id: true, name: true }, orderBy: { createdAt: 'asc' } });
    },

    /** Who automation acts as when nobody pressed a button: whoever last saved the settings, else the owner. */
    async ownerOf(accountId: string): Promise<string | null> {
      const owner = await db.membership.findFirst({
        where: { accountId, role: 'owner' },
        orderBy: { createdAt: 'asc' },
        select: { userId: true },
      });
      return owner?.userId ?? null;
    },

    findSettings(siteId: string) {
      return db.automationSettings.findUnique({ where: { siteId } });
    },

    upsertSettings(row: {
      siteId: string;
      accountId: string;
      settings: Prisma.InputJsonValue;
      scheduleEnabled: boolean;
      updatedById: string | null;
    }) {
      const { siteId, ...rest } = row;
      return db.automationSettings.upsert({ where: { siteId }, create: row, update: rest });
    },

    createRun(data: Prisma.AutomationRunUncheckedCreateInput) {
      return db.automationRun.create({ data });
    },

    findRun(accountId: string, runId: string) {
      return db.automationRun.findFirst({ where: { id: runId, accountId } });
    },

    findRunById(runId: string) {
      return db.automationRun.findUnique({ where: { id: runId } });
    },

    activeRun(siteId: string) {
      return db.automationRun.findFirst({ where: { siteId, status: { in: ACTIVE_RUN } } });
    },

    lastEndedRun(siteId: string) {
      return db.automationRun.findFirst({ where: { siteId, status: 'ended' }, orderBy: newestFirst });
    },

    listRuns(
      accountId: string,
      q: { siteId?: string | undefined; status?: 'active' | 'ended' | undefined },
      cursor: string | undefined,
      take: number,
    ) {
      return db.automationRun.findMany({
        where: {
          accountId,
          ...(q.siteId ? { siteId: q.siteId } : {}),
          ...(q.status === 'active' ? { status: { in: ACTIVE_RUN } } : q.status === 'ended' ? { status: 'ended' } : {}),
          ...afterCursor(cursor),
        },
        orderBy: newestFirst,
        take,
      });
    },

    updateRun(runId: string, data: Prisma.AutomationRunUncheckedUpdateInput) {
      return db.automationRun.update({ where: { id: runId }, data });
    },

    /** Changes the run only while it is in one of `from` (a pause and a cancel at once: one of them wins). */
    updateRunIf(runId: string, from: AutomationRunStatus[], data: Prisma.AutomationRunUncheckedUpdateInput) {
      return db.automationRun.updateMany({ where: { id: runId, status: { in: from } }, data });
    },

    itemsOf(runId: string, stage?: string) {
      return db.automationItem.findMany({
        where: { runId, ...(stage ? { stage } : {}) },
        orderBy: { createdAt: 'asc' },
      });
    },

    /** Adds the items (skipping subjects the run already has at that stage). */
    addItems(rows: Prisma.AutomationItemCreateManyInput[]) {
      return db.automationItem.createMany({ data: rows, skipDuplicates: true });
    },

    updateItem(id: string, data: Prisma.AutomationItemUncheckedUpdateInput) {
      return db.automationItem.update({ where: { id }, data });
    },

    deleteItem(id: string) {
      return db.automationItem.deleteMany({ where: { id, status: 'pending' } });
    },

    /** The job an item started, found by the key it was started with (for an item a crash left pending). */
    findJobByKey(accountId: string, key: string) {
      return db.jobRun.findFirst({ where: { accountId, idempotencyKey: key }, select: { id: true } });
    },

    /** How many of these jobs ended (succeeded, failed or cancelled). */
    endedJobCount(jobIds: string[]) {
      return db.jobRun.count({ where: { id: { in: jobIds }, status: { notIn: ['queued', 'running'] } } });
    },

    /** These jobs, those that ended only (one query for all of a run's items). */
    endedJobs(jobIds: string[]) {
      return db.jobRun.findMany({
        where: { id: { in: jobIds }, status: { notIn: ['queued', 'running'] } },
        select: { id: true, status: true, result: true, error: true },
      });
    },

    findJob(jobId: string) {
      return db.jobRun.findUnique({
        where: { id: jobId },
        select: { id: true, status: true, result: true, error: true },
      });
    },

    /** Credits the job captured (0 for free jobs, and while its hold is open). */
    async capturedBy(jobId: string): Promise<number> {
      const hold = await db.creditHold.findUnique({ where: { jobRunId: jobId }, select: { captured: true } });
      return hold?.captured ?? 0;
    },

    /** Credits automation used and holds on the site since `since`: what the monthly cap counts. */
    creditsSince(siteId: string, since: Date) {
      return sumCredits({ siteId, createdAt: { gte: since } });
    },

    /** Credits the run's items used, and hold while they run: what the run cap counts. */
    creditsOfRun(runId: string) {
      return sumCredits({ runId });
    },

    findRunOfJob(jobId: string) {
      return db.automationRun.findFirst({ where: { jobRunId: jobId } });
    },

    // -- What waits at each stage ------------------------------------------------------------------------------

    /** Sectors with new keywords no cluster has, and how many. */
    async sectorsWithNewKeywords(siteId: string, sectorIds: SectorIds) {
      const rows = await db.keyword.groupBy({
        by: ['sectorId'],
        where: { sectorId: { in: sectorIds }, clusterId: null, status: 'new', sector: { siteId } },
        _count: { _all: true },
      });
      return rows.map((r) => ({ sectorId: r.sectorId, keywords: r._count._all }));
    },

    unclusteredKeywordIds(sectorId: string, limit: number) {
      return db.keyword.findMany({
        where: { sectorId, clusterId: null, status: 'new' },
        orderBy: [{ volume: { sort: 'desc', nulls: 'last' } }, { id: 'asc' }],
        take: limit,
        select: { id: true },
      });
    },

    /** Clusters without ideas, biggest first. */
    clustersWithoutIdeas(siteId: string, sectorIds: SectorIds, exclude: string[], take: number) {
      return db.keywordCluster.findMany({
        where: {
          siteId,
          sectorId: { in: sectorIds },
          ideas: { none: {} },
          id: { notIn: exclude },
          keywordCount: { gt: 0 },
        },
        orderBy: [{ totalVolume: 'desc' }, { id: 'asc' }],
        take,
        select: { id: true, sectorId: true },
      });
    },

    /** Ideas ready to become tasks: approved ones, and new ones in sectors that approve automatically. */
    ideasForTasks(siteId: string, approved: SectorIds, autoApproved: SectorIds, exclude: string[], take: number) {
      return db.contentIdea.findMany({
        where: {
          siteId,
          task: null,
          id: { notIn: exclude },
          OR: [
            { status: 'approved', sectorId: { in: approved } },
            { status: 'new', sectorId: { in: autoApproved } },
          ],
        },
        orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
        take,
        select: { id: true, sectorId: true, status: true },
      });
    },

    markTasksAutomated(taskIds: string[], runId: string, imageCountBySector: Map<string, number>) {
      return Promise.all(
        [...imageCountBySector].map(([sectorId, imageCount]) =>
          db.task.updateMany({
            where: { id: { in: taskIds }, sectorId, automationRunId: null },
            data: { automationRunId: runId, imageCount },
          }),
        ),
      );
    },

    tasksOfIdeas(ideaIds: string[]) {
      return db.task.findMany({ where: { ideaId: { in: ideaIds } }, select: { id: true, ideaId: true } });
    },

    /** Tasks automation made that wait to be written. */
    tasksToWrite(siteId: string, sectorIds: SectorIds, exclude: string[], take: number) {
      return db.task.findMany({
        where: {
          siteId,
          sectorId: { in: sectorIds },
          automationRunId: { not: null },
          status: 'queued',
          id: { notIn: exclude },
        },
        orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
        take,
        select: { id: true, sectorId: true },
      });
    },

    /** Articles automation wrote that have no images yet. */
    contentsWithoutImages(siteId: string, sectorIds: SectorIds, exclude: string[], take: number) {
      return db.content.findMany({
        where: {
          siteId,
          id: { notIn: exclude },
          currentVersion: { gt: 0 },
          images: { none: {} },
          task: { automationRunId: { not: null }, status: { in: ['written', 'review'] }, sectorId: { in: sectorIds } },
        },
        orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
        take,
        select: { id: true, task: { select: { sectorId: true } } },
      });
    },

    /** Articles automation wrote that are ready to publish or to queue for review. */
    contentsToPublish(
      siteId: string,
      sectorIds: SectorIds,
      needImages: boolean,
      exclude: string[],
      take: number,
      again: string[] = [],
    ) {
      return db.content.findMany({
        where: {
          siteId,
          id: { notIn: exclude },
          currentVersion: { gt: 0 },
          ...(needImages ? { images: { some: { status: 'generated' } } } : {}),
          task: { automationRunId: { not: null }, sectorId: { in: sectorIds } },
          // Never published, or (`again`) given up on while the site was down.
          OR: [
            { publication: null, task: { status: { in: ['review', 'approved'] } } },
            ...(again.length ? [{ id: { in: again }, publication: { status: 'failed' as const } }] : []),
          ],
        },
        orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
        take,
        select: {
          id: true,
          currentVersion: true,
          approvedVersion: true,
          taskId: true,
          task: { select: { sectorId: true } },
        },
      });
    },

    /** How many prompts and finished images the contents have (stages 5 and 6). */
    async imageCounts(contentIds: string[]) {
      if (!contentIds.length) return { prompts: 0, ready: 0, failed: 0 };
      const rows = await db.contentImage.groupBy({
        by: ['status'],
        where: { contentId: { in: contentIds } },
        _count: { _all: true },
      });
      let prompts = 0;
      let ready = 0;
      let failed = 0;
      for (const r of rows) {
        prompts += r._count._all;
        if (r.status === 'generated') ready += r._count._all;
        if (r.status === 'failed') failed += r._count._all;
      }
      return { prompts, ready, failed };
    },

    /** Articles stage 7 already handled on the site (published, or left in the review queue): never taken again. */
    /** Publish items of the site that failed, with their errors (stage 7 publishes those WordPress stopped again). */
    failedPublishItems(siteId: string) {
      return db.automationItem.findMany({
        where: { siteId, stage: 'publish', status: 'failed' },
        select: { subjectId: true, error: true },
      });
    },

    async handledArticles(siteId: string): Promise<string[]> {
      const rows = await db.automationItem.findMany({
        where: { siteId, stage: 'publish', status: 'done' },
        select: { subjectId: true },
        distinct: ['subjectId'],
      });
      return rows.map((r) => r.subjectId);
    },

    /** Times already taken by the site's scheduled posts from `since` on (the cadence fills the gaps). */
    async scheduledTimes(siteId: string, since: Date): Promise<Date[]> {
      const rows = await db.publication.findMany({
        where: { siteId, scheduledAt: { gte: since }, status: { notIn: ['failed', 'unpublished'] } },
        select: { scheduledAt: true },
      });
      return rows.map((r) => r.scheduledAt!).filter(Boolean);
    },

    /** Articles stage 7 left for review (auto-publish off) that nobody has approved yet. */
    reviewQueue(siteId: string, queued: string[], cursor: string | undefined, take: number) {
      return db.content.findMany({
        where: { siteId, id: { in: queued }, task: { status: 'review' }, ...afterCursor(cursor) },
        orderBy: newestFirst,
        take,
        include: {
          task: { select: { id: true, title: true, primaryKeyword: true } },
          versions: { orderBy: { number: 'desc' }, take: 1, select: { title: true, wordCount: true } },
          _count: { select: { images: true } },
        },
      });
    },

    reviewCount(siteId: string, queued: string[]) {
      return db.content.count({ where: { siteId, id: { in: queued }, task: { status: 'review' } } });
    },

    findReviewContent(siteId: string, contentId: string) {
      return db.content.findFirst({
        where: { id: contentId, siteId, task: { automationRunId: { not: null }, status: 'review' } },
        select: { id: true, currentVersion: true, taskId: true },
      });
    },
  };
}

export type AutomationData = ReturnType<typeof automationData>;
