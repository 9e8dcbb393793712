import type { TCreateIdeaBody, TIdea, TIdeasQuery, TTask, TUpdateIdeaBody } from '@igny8/shared';
import { AppError, errors } from '../../errors.ts';
import type { ContentIdea, Task } from '../../generated/prisma/client.ts';
import { pageFrom } from '../../lib/pagination.ts';
import type { AiRunsService, StartOptions } from '../ai/runs-service.ts';
import type { AuthContext } from '../auth/credentials.ts';
import { generateIdeasJob, type GenerateIdeasPayload } from './contracts.ts';
import type { PlannerData } from './data/index.ts';

export type Outline = { level: 'h2' | 'h3'; heading: string }[];

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

/** The account's site (404 otherwise). */
export async function checkSite(data: PlannerData, auth: AuthContext, siteId: string) {
  const site = await data.scope.findSite(auth.accountId, siteId);
  if (!site) throw errors.notFound('Site', siteId);
}

/** Ideas of clusters: generated (a paid AI job) or written by hand, then approved or rejected. */
export function createIdeasService({ data, runs }: { data: PlannerData; runs: AiRunsService }) {
  async function findCluster(auth: AuthContext, clusterId: string) {
    const cluster = await data.ideas.findCluster(auth.accountId, clusterId);
    if (!cluster) throw errors.notFound('Cluster', clusterId);
    return cluster;
  }

  async function findIdea(auth: AuthContext, ideaId: string) {
    const idea = await data.ideas.findIdea(auth.accountId, ideaId);
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
    const updated = await data.ideas.updateUnconverted(idea.id, { status });
    if (updated === 0) notConverted({ ...idea, status: 'converted' }, status);
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
      options: StartOptions = {},
    ) {
      let payload: GenerateIdeasPayload | undefined;
      const cluster = await findCluster(auth, clusterId);
      return runs.startHeld(auth, requestId, {
        type: generateIdeasJob.type,
        operation: 'generate_ideas',
        siteId: cluster.siteId,
        body: { clusterId, count: body.count },
        ...(idempotencyKey ? { idempotencyKey } : {}),
        ...options,
        estimate: async () => {
          const keywords = await data.ideas.topKeywords(clusterId, 200);
          if (keywords.length === 0) {
            throw errors.validation([
              {
                in: 'params',
                field: 'clusterId',
                message: `cluster "${cluster.name}" has no keywords yet: add keywords to it before generating ideas`,
              },
            ]);
          }
          const existing = await data.ideas.recentTitles(clusterId, 200);
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
      await checkSite(data, auth, query.siteId);
      const rows = await data.ideas.listIdeas(query);
      const page = pageFrom(rows, query.limit);
      return { items: page.rows.map(ideaView), nextCursor: page.nextCursor };
    },

    async get(auth: AuthContext, ideaId: string) {
      return ideaView(await findIdea(auth, ideaId));
    },

    async create(auth: AuthContext, body: TCreateIdeaBody) {
      const cluster = await findCluster(auth, body.clusterId);
      const idea = await data.ideas.createIdea(
        { accountId: auth.accountId, siteId: cluster.siteId, sectorId: cluster.sectorId, clusterId: cluster.id },
        body,
      );
      return ideaView(idea);
    },

    async update(auth: AuthContext, ideaId: string, body: TUpdateIdeaBody) {
      const idea = await findIdea(auth, ideaId);
      notConverted(idea, 'edited');
      const updated = await data.ideas.updateUnconverted(idea.id, body);
      if (updated === 0) notConverted({ ...idea, status: 'converted' }, 'edited');
      return ideaView(await findIdea(auth, ideaId));
    },

    approve: (auth: AuthContext, ideaId: string) => setStatus(auth, ideaId, 'approved'),
    reject: (auth: AuthContext, ideaId: string) => setStatus(auth, ideaId, 'rejected'),

    /** Deletes an idea; a task made from it stays (it keeps its own copy of the title, outline and keywords). */
    async remove(auth: AuthContext, ideaId: string) {
      const idea = await findIdea(auth, ideaId);
      await data.ideas.deleteIdea(idea.id);
    },
  };
}

export type IdeasService = ReturnType<typeof createIdeasService>;
