import type { TTasksQuery } from '@igny8/shared';
import { errors } from '../../errors.ts';
import type { Prisma, Task } from '../../generated/prisma/client.ts';
import { pageFrom } from '../../lib/pagination.ts';
import type { AuthContext } from '../auth/credentials.ts';
import type { PlannerData } from './data/index.ts';
import { checkSite, taskView } from './ideas-service.ts';

/** Turns approved ideas into Writer tasks, and lists the tasks. */
export function createIdeasConvertService({ data }: { data: PlannerData }) {
  return {
    /**
     * One Writer task per approved idea, in one transaction: the ideas become converted and their clusters'
     * keywords queued. An idea already converted answers its existing task (converting twice never makes two).
     * Ideas not approved are refused (422 naming them) and nothing is converted.
     */
    async convert(auth: AuthContext, ideaIds: string[]) {
      const ids = [...new Set(ideaIds)];
      return data.transaction(async (d) => {
        // Locking the ideas makes concurrent conversions of the same idea take turns.
        const locked = await d.ideas.lockIdeas(auth.accountId, ids);
        if (locked.length < ids.length) {
          const have = new Set(locked);
          throw errors.notFound(
            'Idea',
            ids.find((id) => !have.has(id)),
          );
        }
        const ideas = await d.ideas.ideasWithTasks(ids);
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
            await d.ideas.createTask({
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
            }),
          );
          await d.ideas.markConverted(idea.id);
        }
        const clusterIds = [...new Set(ideas.map((i) => i.clusterId).filter((c): c is string => !!c))];
        if (clusterIds.length) {
          // Keywords already used or ignored keep their status.
          await d.ideas.queueClusterKeywords(clusterIds);
        }
        return tasks.map(taskView);
      });
    },

    async tasks(auth: AuthContext, query: TTasksQuery) {
      await checkSite(data, auth, query.siteId);
      const rows = await data.ideas.listTasks(query);
      const page = pageFrom(rows, query.limit);
      return { items: page.rows.map(taskView), nextCursor: page.nextCursor };
    },
  };
}

export type IdeasConvertService = ReturnType<typeof createIdeasConvertService>;
