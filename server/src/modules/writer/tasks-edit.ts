import type { TCreateWriterTaskBody, TUpdateWriterTaskBody, TWriterTasksQuery } from '@igny8/shared';
import { AppError, errors } from '../../errors.ts';
import type { Prisma, TaskStatus } from '../../generated/prisma/client.ts';
import { pageFrom } from '../../lib/pagination.ts';
import type { AuthContext } from '../auth/credentials.ts';
import type { WriterDataAccess } from './data/index.ts';
import type { WriterServiceDeps } from './deps.ts';
import { writerTaskView } from './versions.ts';

/** Statuses in which a task is being worked on by a job: it cannot be changed, deleted or written again. */
export const BUSY: TaskStatus[] = ['writing', 'publishing'];

export function busy(task: { id: string; status: TaskStatus }, doing: string): never {
  throw new AppError(
    'CONFLICT',
    task.status === 'writing'
      ? `Task ${task.id} is being written right now, so it cannot be ${doing}: wait for the job to finish or cancel it.`
      : `Task ${task.id} is being published right now, so it cannot be ${doing}: wait for publishing to finish.`,
    { taskId: task.id, status: task.status },
  );
}

/** The account's task with a summary of its content; 404 when it has none such. */
export async function findTask(data: WriterDataAccess, auth: AuthContext, taskId: string) {
  const task = await data.tasks.find(auth.accountId, taskId);
  if (!task) throw errors.notFound('Task', taskId);
  return task;
}

/** The Writer's tasks by hand: created, listed, read, changed and deleted. */
export function createTasksEdit({ data }: Pick<WriterServiceDeps, 'data'>) {
  return {
    async create(auth: AuthContext, body: TCreateWriterTaskBody) {
      const sector = await data.lookups.findSector(auth.accountId, body.sectorId);
      const site = await data.lookups.findSiteId(auth.accountId, body.siteId);
      if (!site) throw errors.notFound('Site', body.siteId);
      if (!sector) throw errors.notFound('Sector', body.sectorId);
      if (sector.siteId !== site.id) {
        throw errors.validation([
          {
            in: 'body',
            field: 'sectorId',
            message: `sector ${sector.id} belongs to another site: pick one of this site's`,
          },
        ]);
      }
      const task = await data.tasks.create({
        accountId: auth.accountId,
        siteId: site.id,
        sectorId: sector.id,
        title: body.title,
        primaryKeyword: body.primaryKeyword,
        secondaryKeywords: body.secondaryKeywords,
        outline: body.outline,
        contentType: body.contentType,
        targetWordCount: body.targetWordCount,
        language: body.language ?? null,
        voice: body.voice ?? null,
        imageCount: body.imageCount,
        includeFaq: body.includeFaq,
        createdById: auth.userId,
      });
      return writerTaskView(task);
    },

    async list(auth: AuthContext, query: TWriterTasksQuery) {
      if (query.siteId) {
        const site = await data.lookups.findSite(auth.accountId, query.siteId);
        if (!site) throw errors.notFound('Site', query.siteId);
      }
      const rows = await data.tasks.list(auth.accountId, query);
      const page = pageFrom(rows, query.limit);
      return { items: page.rows.map(writerTaskView), nextCursor: page.nextCursor };
    },

    async get(auth: AuthContext, taskId: string) {
      return writerTaskView(await findTask(data, auth, taskId));
    },

    async update(auth: AuthContext, taskId: string, body: TUpdateWriterTaskBody) {
      const task = await findTask(data, auth, taskId);
      if (BUSY.includes(task.status)) busy(task, 'changed');
      const updated = await data.tasks.updateUnlessIn(task.id, BUSY, body as Prisma.TaskUpdateManyMutationInput);
      if (updated.count === 0) busy({ ...task, status: 'writing' }, 'changed');
      return writerTaskView(await findTask(data, auth, taskId));
    },

    /** Deletes a task and what was written for it (a post already published on the site stays there). */
    async remove(auth: AuthContext, taskId: string) {
      const task = await findTask(data, auth, taskId);
      if (BUSY.includes(task.status)) busy(task, 'deleted');
      const deleted = await data.tasks.deleteUnlessIn(task.id, BUSY);
      if (deleted.count === 0) busy({ ...task, status: 'writing' }, 'deleted');
    },
  };
}
