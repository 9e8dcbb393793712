import type { TCreateIdeaBody, TIdea, TIdeasQuery, TTask, TTasksQuery, TUpdateIdeaBody } from '@igny8/shared';
import { z } from 'zod';
import { AppError, errors } from '../../errors.ts';
import type { ContentIdea, Prisma, PrismaClient, Task } from '../../generated/prisma/client.ts';
import { afterCursor, newestFirst, pageFrom } from '../../lib/pagination.ts';
import type { AiRunsService } from '../ai/runs-service.ts';
import type { AuthContext } from '../auth/credentials.ts';

export const GENERATE_IDEAS_JOB = 'planner.generate_ideas';

export const ZGenerateIdeasPayload = z.object({
  clusterId: z.uuid(),
  siteId: z.uuid(),
  sectorId: z.uuid(),
  input: z.object({
    clusterName: z.string(),
    keywords: z.array(z.string()),
    ideaCount: z.number().int(),
    existingTitles: z.array(z.string()),
  }),
  holdId: z.uuid(),
});

type Outline = { level: 'h2' | 'h3'; heading: string }[];

export function ideaView(idea: ContentIdea & { task?: { id: string } | null }): TIdea {
  return {
    id: idea.id,
    siteId: idea.siteId,
    sectorId: idea.sectorId,
    clusterId: idea.clusterId,
    title: idea.title,
    angle: idea.angle,
    contentType: idea.contentType,
    outline: idea.outline as Outline,
    primaryKeyword: idea.primaryKeyword,
    secondaryKeywords: idea.secondaryKeywords,
    intent: idea.intent,
    targetWordCount: idea.targetWordCount,
    status: idea.status,
    jobId: idea.jobRunId,
    demo: idea.demo,
    taskId: idea.task?.id ?? null,
    createdAt: idea.createdAt.toISOString(),
    updatedAt: idea.updatedAt.toISOString(),
  };
}

export function taskView(task: Task): TTask {
  return {
    id: task.id,
    siteId: task.siteId,
    sectorId: task.sectorId,
    ideaId: task.ideaId,
    clusterId: task.clusterId,
    title: task.title,
    primaryKeyword: task.primaryKeyword,
    secondaryKeywords: task.secondaryKeywords,
    outline: task.outline as Outline,
    contentType: task.contentType,
    targetWordCount: task.targetWordCount,
    status: task.status,
    createdAt: task.createdAt.toISOString(),
    updatedAt: task.updatedAt.toISOString(),
  };
}

const withTask = { task: { select: { id: true } } } as const;

export function createIdeasService({ prisma, runs }: { prisma: PrismaClient; runs: AiRunsService }) {
  async function findSite(auth: AuthContext, siteId: string) {
    const site = await prisma.site.findFirst({
      where: { id: siteId, accountId: auth.accountId },
      select: { id: true },
    });
    if (!site) throw errors.notFound('Site', siteId);
  }

  async function findCluster(auth: AuthContext, clusterId: string) {
    const cluster = await prisma.keywordCluster.findFirst({ where: { id: clusterId, accountId: auth.accountId } });
    if (!cluster) throw errors.notFound('Cluster', clusterId);
    return cluster;
  }

  async function findIdea(auth: AuthContext, ideaId: string) {
    const idea = await prisma.contentIdea.findFirst({
      where: { id: ideaId, accountId: auth.accountId },
      include: withTask,
    });
    if (!idea) throw errors.notFound('Idea', ideaId);
    return idea;
  }

  function notConverted(idea: ContentIdea, doing: string) {
    if (idea.status === 'converted') {
      throw new AppError(
        'CONFLICT',
        `Idea ${idea.id} was already turned into a Writer task, so it cannot be ${doing}: change the task instead.`,
        { ideaId: idea.id, status: idea.status },
      );
    }
  }

  /** Moves an idea to approved or rejected (not once converted); approving again is a no-op. */
  async function setStatus(auth: AuthContext, ideaId: string, status: 'approved' | 'rejected') {
    const idea = await findIdea(auth, ideaId);
    notConverted(idea, status);
    const updated = await prisma.contentIdea.updateMany({
      where: { id: idea.id, status: { not: 'converted' } },
      data: { status },
    });
    if (updated.count === 0) notConverted({ ...idea, status: 'converted' }, status);
    return ideaView(await findIdea(auth, ideaId));
  }

  return {
    /**
     * Starts idea generation for a cluster: input from its top keywords (by volume, at most 200) and the titles of
     * its existing ideas (so they are not repeated); credits held now, 402 when short; Idempotency-Key honoured.
     */
    async generate(
      auth: AuthContext,
      requestId: string,
      clusterId: string,
      body: { count: number },
      idempotencyKey?: string,
    ) {
      let payload: z.infer<typeof ZGenerateIdeasPayload> | undefined;
      const cluster = await findCluster(auth, clusterId);
      return runs.startHeld(auth, requestId, {
        type: GENERATE_IDEAS_JOB,
        operation: 'generate_ideas',
        siteId: cluster.siteId,
        body: { clusterId, count: body.count },
        ...(idempotencyKey ? { idempotencyKey } : {}),
        estimate: async () => {
          const keywords = await prisma.keyword.findMany({
            where: { clusterId },
            orderBy: [{ volume: { sort: 'desc', nulls: 'last' } }, { normalized: 'asc' }],
            take: 200,
            select: { keyword: true },
          });
          if (keywords.length === 0) {
            throw errors.validation([
              {
                in: 'params',
                field: 'clusterId',
                message: `cluster "${cluster.name}" has no keywords yet: add keywords to it before generating ideas`,
              },
            ]);
          }
          const existing = await prisma.contentIdea.findMany({
            where: { clusterId },
            orderBy: { createdAt: 'desc' },
            take: 200,
            select: { title: true },
          });
          const input = {
            clusterName: cluster.name.slice(0, 200),
            keywords: keywords.map((k) => k.keyword),
            ideaCount: body.count,
            existingTitles: existing.map((i) => i.title),
          };
          payload = { clusterId, siteId: cluster.siteId, sectorId: cluster.sectorId, input, holdId: '' };
          return runs.estimate(auth.accountId, cluster.siteId, 'generate_ideas', input);
        },
        payload: ({ holdId }) => ({ ...payload!, holdId }),
      });
    },

    async list(auth: AuthContext, query: TIdeasQuery) {
      await findSite(auth, query.siteId);
      const rows = await prisma.contentIdea.findMany({
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
      const page = pageFrom(rows, query.limit);
      return { items: page.rows.map(ideaView), nextCursor: page.nextCursor };
    },

    async get(auth: AuthContext, ideaId: string) {
      return ideaView(await findIdea(auth, ideaId));
    },

    async create(auth: AuthContext, body: TCreateIdeaBody) {
      const cluster = await findCluster(auth, body.clusterId);
      const idea = await prisma.contentIdea.create({
        data: {
          accountId: auth.accountId,
          siteId: cluster.siteId,
          sectorId: cluster.sectorId,
          clusterId: cluster.id,
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
      return ideaView(idea);
    },

    async update(auth: AuthContext, ideaId: string, body: TUpdateIdeaBody) {
      const idea = await findIdea(auth, ideaId);
      notConverted(idea, 'edited');
      const updated = await prisma.contentIdea.updateMany({
        where: { id: idea.id, status: { not: 'converted' } },
        data: body as Prisma.ContentIdeaUpdateManyMutationInput,
      });
      if (updated.count === 0) notConverted({ ...idea, status: 'converted' }, 'edited');
      return ideaView(await findIdea(auth, ideaId));
    },

    approve: (auth: AuthContext, ideaId: string) => setStatus(auth, ideaId, 'approved'),
    reject: (auth: AuthContext, ideaId: string) => setStatus(auth, ideaId, 'rejected'),

    /** Deletes an idea; a task made from it stays (it keeps its own copy of the title, outline and keywords). */
    async remove(auth: AuthContext, ideaId: string) {
      const idea = await findIdea(auth, ideaId);
      await prisma.contentIdea.delete({ where: { id: idea.id } });
    },

    /**
     * One Writer task per approved idea, in one transaction: the ideas become converted and their clusters'
     * keywords queued. An idea already converted answers its existing task (converting twice never makes two).
     * Ideas not approved are refused (422 naming them) and nothing is converted.
     */
    async convert(auth: AuthContext, ideaIds: string[]) {
      const ids = [...new Set(ideaIds)];
      return prisma.$transaction(async (tx) => {
        // Locking the ideas makes concurrent conversions of the same idea take turns.
        const locked = await tx.$queryRaw<{ id: string }[]>`
          SELECT id FROM "ContentIdea" WHERE id = ANY(${ids}::uuid[]) AND "accountId" = ${auth.accountId}::uuid
          ORDER BY id FOR UPDATE`;
        if (locked.length < ids.length) {
          const have = new Set(locked.map((l) => l.id));
          throw errors.notFound(
            'Idea',
            ids.find((id) => !have.has(id)),
          );
        }
        const ideas = await tx.contentIdea.findMany({ where: { id: { in: ids } }, include: { task: true } });
        const refused = ideas.filter((i) => i.status !== 'approved' && i.status !== 'converted');
        if (refused.length) {
          throw errors.validation(
            refused.map((i) => ({
              in: 'body',
              field: `ideaIds.${ideaIds.indexOf(i.id)}`,
              message: `idea "${i.title}" (${i.id}) is ${i.status}: approve it before turning it into a task`,
            })),
          );
        }
        const tasks: Task[] = [];
        for (const id of ids) {
          const idea = ideas.find((i) => i.id === id)!;
          if (idea.task) {
            tasks.push(idea.task);
            continue;
          }
          tasks.push(
            await tx.task.create({
              data: {
                accountId: idea.accountId,
                siteId: idea.siteId,
                sectorId: idea.sectorId,
                ideaId: idea.id,
                clusterId: idea.clusterId,
                title: idea.title,
                primaryKeyword: idea.primaryKeyword,
                secondaryKeywords: idea.secondaryKeywords,
                outline: idea.outline as Prisma.InputJsonValue,
                contentType: idea.contentType,
                targetWordCount: idea.targetWordCount,
                createdById: auth.userId,
              },
            }),
          );
          await tx.contentIdea.update({ where: { id: idea.id }, data: { status: 'converted' } });
        }
        const clusterIds = [...new Set(ideas.map((i) => i.clusterId).filter((c): c is string => !!c))];
        if (clusterIds.length) {
          // Keywords already used or ignored keep their status.
          await tx.keyword.updateMany({
            where: { clusterId: { in: clusterIds }, status: { in: ['new', 'clustered'] } },
            data: { status: 'queued' },
          });
        }
        return tasks.map(taskView);
      });
    },

    async tasks(auth: AuthContext, query: TTasksQuery) {
      await findSite(auth, query.siteId);
      const rows = await prisma.task.findMany({
        where: {
          siteId: query.siteId,
          ...(query.status ? { status: query.status } : {}),
          ...afterCursor(query.cursor),
        },
        orderBy: newestFirst,
        take: query.limit + 1,
      });
      const page = pageFrom(rows, query.limit);
      return { items: page.rows.map(taskView), nextCursor: page.nextCursor };
    },
  };
}

export type IdeasService = ReturnType<typeof createIdeasService>;
