import type { TCreateIdeaBody, TIdeasQuery, TTasksQuery, TUpdateIdeaBody } from '@igny8/shared';
import type { Db } from '../../../db/client.ts';
import type { Prisma } from '../../../generated/prisma/client.ts';
import { afterCursor, newestFirst } from '../../../lib/pagination.ts';
import { createIdeaTask, listSiteTasks } from '../../writer/data/tasks.ts';

const withTask = { task: { select: { id: true } } } as const;

/** A stored idea of a generation run. */
export type NewIdea = Omit<Prisma.ContentIdeaCreateManyInput, 'id' | 'createdAt' | 'updatedAt'>;

/** Content ideas, and the Writer tasks made from them (the Task queries are the writer's, bound here). */
export function ideasData(db: Db) {
  return {
    findCluster(accountId: string, clusterId: string) {
      return db.keywordCluster.findFirst({ where: { id: clusterId, accountId } });
    },

    /** The cluster's id if it still exists. */
    async clusterStillThere(accountId: string, clusterId: string): Promise<string | null> {
      const cluster = await db.keywordCluster.findFirst({ where: { id: clusterId, accountId }, select: { id: true } });
      return cluster?.id ?? null;
    },

    findIdea(accountId: string, ideaId: string) {
      return db.contentIdea.findFirst({ where: { id: ideaId, accountId }, include: withTask });
    },

    /** The cluster's top keywords by volume (the input of idea generation). */
    topKeywords(clusterId: string, take: number) {
      return db.keyword.findMany({
        where: { clusterId },
        orderBy: [{ volume: { sort: 'desc', nulls: 'last' } }, { normalized: 'asc' }],
        take,
        select: { keyword: true },
      });
    },

    /** The titles of the cluster's newest ideas. */
    recentTitles(clusterId: string, take: number) {
      return db.contentIdea.findMany({
        where: { clusterId },
        orderBy: { createdAt: 'desc' },
        take,
        select: { title: true },
      });
    },

    listIdeas(query: TIdeasQuery) {
      return db.contentIdea.findMany({
        where: {
          siteId: query.siteId,
          ...(query.clusterId ? { clusterId: query.clusterId } : {}),
          ...(query.status ? { status: query.status } : {}),
          ...afterCursor(query.cursor),
        },
        include: withTask,
        orderBy: newestFirst,
        take: query.limit + 1,
      });
    },

    createIdea(
      scope: { accountId: string; siteId: string; sectorId: string; clusterId: string },
      body: TCreateIdeaBody,
    ) {
      return db.contentIdea.create({
        data: {
          ...scope,
          title: body.title,
          angle: body.angle,
          contentType: body.contentType,
          outline: body.outline,
          primaryKeyword: body.primaryKeyword,
          secondaryKeywords: body.secondaryKeywords,
          intent: body.intent,
          targetWordCount: body.targetWordCount,
        },
        include: withTask,
      });
    },

    /** Stores generated ideas; answers their ids. */
    async createIdeas(rows: NewIdea[]): Promise<string[]> {
      const created = await db.contentIdea.createManyAndReturn({ data: rows, select: { id: true } });
      return created.map((r) => r.id);
    },

    /** Changes an idea unless it was converted meanwhile; answers how many rows changed (0 or 1). */
    async updateUnconverted(ideaId: string, data: TUpdateIdeaBody | { status: 'approved' | 'rejected' }) {
      const updated = await db.contentIdea.updateMany({
        where: { id: ideaId, status: { not: 'converted' } },
        data: data as Prisma.ContentIdeaUpdateManyMutationInput,
      });
      return updated.count;
    },

    async deleteIdea(ideaId: string) {
      await db.contentIdea.delete({ where: { id: ideaId } });
    },

    /** Locks the account's ideas (FOR UPDATE, in the caller's transaction); answers the ids found. */
    async lockIdeas(accountId: string, ids: string[]): Promise<string[]> {
      const locked = await db.$queryRaw<{ id: string }[]>`
        SELECT id FROM "ContentIdea" WHERE id = ANY(${ids}::uuid[]) AND "accountId" = ${accountId}::uuid
        ORDER BY id FOR UPDATE`;
      return locked.map((l) => l.id);
    },

    ideasWithTasks(ids: string[]) {
      return db.contentIdea.findMany({ where: { id: { in: ids } }, include: { task: true } });
    },

    createTask: (data: Prisma.TaskUncheckedCreateInput) => createIdeaTask(db, data),

    async markConverted(ideaId: string) {
      await db.contentIdea.update({ where: { id: ideaId }, data: { status: 'converted' } });
    },

    /** The clusters' keywords become queued (those already used or ignored keep their status). */
    async queueClusterKeywords(clusterIds: string[]) {
      await db.keyword.updateMany({
        where: { clusterId: { in: clusterIds }, status: { in: ['new', 'clustered'] } },
        data: { status: 'queued' },
      });
    },

    listTasks: (query: TTasksQuery) => listSiteTasks(db, query),
  };
}
