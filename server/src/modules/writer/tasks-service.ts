import type {
  TCreateWriterTaskBody,
  TUpdateWriterTaskBody,
  TWriterEstimateBody,
  TWriterTasksQuery,
} from '@igny8/shared';
import { z } from 'zod';
import type { AiRunsService } from '../ai/runs-service.ts';
import { AppError, errors } from '../../errors.ts';
import type { Prisma, PrismaClient, TaskStatus } from '../../generated/prisma/client.ts';
import { afterCursor, newestFirst, pageFrom } from '../../lib/pagination.ts';
import type { AuthContext } from '../auth/credentials.ts';
import { CATCH_UP, faqWords, plannedSectionWords, SECTION_WORDS_MAX, type OutlineItem } from './article.ts';
import { withContentSummary, writerTaskView } from './versions.ts';

export const GENERATE_CONTENT_JOB = 'writer.generate_content';

/** The section the FAQ is written as (the model is asked for headed questions, each followed by its answer). */
export const FAQ_SECTION = 'Frequently asked questions: each question as an <h3> heading, its answer below it';

const ZOutline = z.array(z.object({ level: z.enum(['h2', 'h3']), heading: z.string().min(1) }));

/** Everything the job writes from: a snapshot of the task when it was started, so retries write the same article. */
export const ZGenerateContentPayload = z.object({
  taskId: z.uuid(),
  siteId: z.uuid(),
  sectorId: z.uuid(),
  holdId: z.uuid(),
  title: z.string(),
  primaryKeyword: z.string(),
  secondaryKeywords: z.array(z.string()),
  /** Empty: the job writes one first (at most `outlineSections` headings). */
  outline: ZOutline,
  outlineSections: z.number().int().min(1),
  targetWordCount: z.number().int(),
  includeFaq: z.boolean(),
  /** The language asked for (task, else sector, else site). */
  language: z.string(),
  voice: z.string().nullable(),
});
export type TGenerateContentPayload = z.infer<typeof ZGenerateContentPayload>;

/** Headings an AI-written outline may have for a target length (the hold is sized for that many). */
export function outlineSectionsFor(target: number): number {
  return Math.min(12, Math.max(3, Math.round(target / 350)));
}

/** Statuses in which a task is being worked on by a job: it cannot be changed, deleted or written again. */
const BUSY: TaskStatus[] = ['writing', 'publishing'];
const DONE: TaskStatus[] = ['approved', 'published'];

function busy(task: { id: string; status: TaskStatus }, doing: string): never {
  throw new AppError(
    'CONFLICT',
    task.status === 'writing'
      ? `Task ${task.id} is being written right now, so it cannot be ${doing}: wait for the job to finish or cancel it.`
      : `Task ${task.id} is being published right now, so it cannot be ${doing}: wait for publishing to finish.`,
    { taskId: task.id, status: task.status },
  );
}

/** The words of generate_content's outline input: the headings in order. */
export const outlineStrings = (outline: OutlineItem[]) => outline.map((o) => o.heading.slice(0, 200));

export function createWriterTasksService({ prisma, runs }: { prisma: PrismaClient; runs: AiRunsService }) {
  async function findTask(auth: AuthContext, taskId: string) {
    const task = await prisma.task.findFirst({
      where: { id: taskId, accountId: auth.accountId },
      include: withContentSummary,
    });
    if (!task) throw errors.notFound('Task', taskId);
    return task;
  }

  async function languageOf(task: { language: string | null; sectorId: string; siteId: string }) {
    if (task.language) return task.language;
    const sector = await prisma.sector.findUnique({
      where: { id: task.sectorId },
      select: { language: true, site: { select: { language: true } } },
    });
    return sector?.language ?? sector?.site.language ?? 'en';
  }

  /** The most writing this task can cost: every section at its planned length (plus catch-up), FAQ, outline. */
  async function estimate(
    auth: AuthContext,
    payload: Pick<
      TGenerateContentPayload,
      | 'siteId'
      | 'title'
      | 'primaryKeyword'
      | 'secondaryKeywords'
      | 'outline'
      | 'outlineSections'
      | 'targetWordCount'
      | 'includeFaq'
    >,
  ) {
    const outline: OutlineItem[] = payload.outline.length
      ? payload.outline
      : Array.from({ length: payload.outlineSections }, (_, i) => ({
          level: 'h2' as const,
          heading: `Section ${i + 1}`,
        }));
    const planned = plannedSectionWords(outline, payload.targetWordCount, payload.includeFaq);
    const common = {
      title: payload.title,
      outline: outlineStrings(outline),
      primaryKeyword: payload.primaryKeyword,
      secondaryKeywords: payload.secondaryKeywords,
      targetWords: payload.targetWordCount,
    };
    const calls = outline.map((item, i) =>
      runs.estimate(auth.accountId, payload.siteId, 'generate_content', {
        ...common,
        section: item.heading.slice(0, 200),
        sectionWords: Math.min(SECTION_WORDS_MAX, Math.ceil(planned[i]! * CATCH_UP)),
      }),
    );
    if (payload.includeFaq) {
      calls.push(
        runs.estimate(auth.accountId, payload.siteId, 'generate_content', {
          ...common,
          section: FAQ_SECTION,
          sectionWords: Math.ceil(faqWords(payload.targetWordCount, true) * CATCH_UP),
        }),
      );
    }
    if (!payload.outline.length) {
      calls.push(
        runs.estimate(auth.accountId, payload.siteId, 'generate_ideas', {
          clusterName: payload.title,
          keywords: [payload.primaryKeyword, ...payload.secondaryKeywords],
          ideaCount: 1,
          existingTitles: [],
        }),
      );
    }
    const estimates = await Promise.all(calls);
    return { credits: estimates.reduce((sum, e) => sum + e.credits, 0), model: estimates[0]!.model };
  }

  return {
    async create(auth: AuthContext, body: TCreateWriterTaskBody) {
      const sector = await prisma.sector.findFirst({
        where: { id: body.sectorId, accountId: auth.accountId },
        select: { id: true, siteId: true },
      });
      const site = await prisma.site.findFirst({
        where: { id: body.siteId, accountId: auth.accountId },
        select: { id: true },
      });
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
      const task = await prisma.task.create({
        data: {
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
        },
        include: withContentSummary,
      });
      return writerTaskView(task);
    },

    /** What writing a task with these fields would hold, without creating it (the same estimate as the job's). */
    async estimate(auth: AuthContext, body: TWriterEstimateBody) {
      const site = await prisma.site.findFirst({
        where: { id: body.siteId, accountId: auth.accountId },
        select: { id: true },
      });
      if (!site) throw errors.notFound('Site', body.siteId);
      if (body.sectorId) {
        const sector = await prisma.sector.findFirst({
          where: { id: body.sectorId, accountId: auth.accountId, siteId: site.id },
          select: { id: true },
        });
        if (!sector) throw errors.notFound('Sector', body.sectorId);
      }
      return estimate(auth, {
        siteId: site.id,
        title: body.title,
        primaryKeyword: body.primaryKeyword,
        secondaryKeywords: body.secondaryKeywords,
        outline: body.outline,
        outlineSections: outlineSectionsFor(body.targetWordCount),
        targetWordCount: body.targetWordCount,
        includeFaq: body.includeFaq,
      });
    },

    async list(auth: AuthContext, query: TWriterTasksQuery) {
      if (query.siteId) {
        const site = await prisma.site.findFirst({ where: { id: query.siteId, accountId: auth.accountId } });
        if (!site) throw errors.notFound('Site', query.siteId);
      }
      const rows = await prisma.task.findMany({
        where: {
          accountId: auth.accountId,
          ...(query.siteId ? { siteId: query.siteId } : {}),
          ...(query.status ? { status: query.status } : {}),
          ...afterCursor(query.cursor),
        },
        include: withContentSummary,
        orderBy: newestFirst,
        take: query.limit + 1,
      });
      const page = pageFrom(rows, query.limit);
      return { items: page.rows.map(writerTaskView), nextCursor: page.nextCursor };
    },

    async get(auth: AuthContext, taskId: string) {
      return writerTaskView(await findTask(auth, taskId));
    },

    async update(auth: AuthContext, taskId: string, body: TUpdateWriterTaskBody) {
      const task = await findTask(auth, taskId);
      if (BUSY.includes(task.status)) busy(task, 'changed');
      const updated = await prisma.task.updateMany({
        where: { id: task.id, status: { notIn: BUSY } },
        data: body as Prisma.TaskUpdateManyMutationInput,
      });
      if (updated.count === 0) busy({ ...task, status: 'writing' }, 'changed');
      return writerTaskView(await findTask(auth, taskId));
    },

    /** Deletes a task and what was written for it (a post already published on the site stays there). */
    async remove(auth: AuthContext, taskId: string) {
      const task = await findTask(auth, taskId);
      if (BUSY.includes(task.status)) busy(task, 'deleted');
      const deleted = await prisma.task.deleteMany({ where: { id: task.id, status: { notIn: BUSY } } });
      if (deleted.count === 0) busy({ ...task, status: 'writing' }, 'deleted');
    },

    /**
     * Starts writing a task: credits for every section are held now (402 when short); the task is `writing` until
     * the job ends. Refused while it is being written or published, and once approved or published unless
     * `regenerate` (a new version is added then; earlier versions stay).
     */
    async generate(
      auth: AuthContext,
      requestId: string,
      taskId: string,
      body: { regenerate: boolean },
      idempotencyKey?: string,
    ) {
      const task = await findTask(auth, taskId);
      const request = async () => {
        const payload: Omit<TGenerateContentPayload, 'holdId'> = {
          taskId: task.id,
          siteId: task.siteId,
          sectorId: task.sectorId,
          title: task.title,
          primaryKeyword: task.primaryKeyword,
          secondaryKeywords: task.secondaryKeywords,
          outline: task.outline as unknown as OutlineItem[],
          outlineSections: outlineSectionsFor(task.targetWordCount),
          targetWordCount: task.targetWordCount,
          includeFaq: task.includeFaq,
          language: await languageOf(task),
          voice: task.voice,
        };
        if (payload.outline.length > 40) {
          throw errors.validation([
            {
              in: 'body',
              field: 'outline',
              message: `task ${task.id} has ${payload.outline.length} headings; the Writer writes at most 40: shorten the outline`,
            },
          ]);
        }
        return runs.startHeld(auth, requestId, {
          type: GENERATE_CONTENT_JOB,
          operation: 'generate_content',
          siteId: task.siteId,
          body: { taskId: task.id, regenerate: body.regenerate },
          ...(idempotencyKey ? { idempotencyKey } : {}),
          estimate: () => estimate(auth, payload),
          payload: ({ holdId }) => ({ ...payload, holdId }),
        });
      };

      // A repeated request with the same Idempotency-Key answers the job it started, whatever the task's status.
      const findRepeated = () =>
        idempotencyKey
          ? prisma.jobRun.findUnique({
              where: {
                accountId_type_idempotencyKey: {
                  accountId: auth.accountId,
                  type: GENERATE_CONTENT_JOB,
                  idempotencyKey,
                },
              },
              select: { id: true },
            })
          : Promise.resolve(null);
      /** The same request sent twice at once: the other one is starting the job (for up to 2 s); answer with it. */
      const awaitRepeated = async () => {
        for (let i = 0; idempotencyKey && i < 20; i++) {
          await new Promise((r) => setTimeout(r, 100));
          if (await findRepeated()) return true;
        }
        return false;
      };
      if (await findRepeated()) return request();

      // Claimed by a request whose job is not enqueued yet (no job id on the task), or a claim left by a request
      // that died before enqueueing (over a minute old): the latter may be taken over.
      const starting = task.status === 'writing' && task.lastJobRunId === null;
      const stale = starting && task.updatedAt.getTime() < Date.now() - 60_000;
      if (BUSY.includes(task.status) && !stale) {
        if (starting && (await awaitRepeated())) return request();
        busy(task, 'written again');
      }
      if (DONE.includes(task.status) && !body.regenerate) {
        throw new AppError(
          'CONFLICT',
          `Task ${task.id} is already ${task.status}: send { "regenerate": true } to write a new version (the current one stays in its history).`,
          { taskId: task.id, status: task.status },
        );
      }
      // Claim the task first, so two requests at once cannot both start writing it (and both pay).
      // Optimistic: only if nobody changed the task since it was read (updatedAt moves with every change).
      const claimed = await prisma.task.updateMany({
        where: { id: task.id, status: task.status, updatedAt: task.updatedAt },
        data: { status: 'writing', failureReason: null, lastJobRunId: null },
      });
      if (claimed.count === 0) {
        if (await awaitRepeated()) return request();
        busy({ ...task, status: 'writing' }, 'written again');
      }
      try {
        const started = await request();
        await prisma.task.updateMany({
          where: { id: task.id, status: 'writing' },
          data: { lastJobRunId: started.run.id },
        });
        return started;
      } catch (error) {
        await prisma.task.updateMany({
          where: { id: task.id, status: 'writing', lastJobRunId: null },
          data: { status: stale ? 'failed' : task.status, lastJobRunId: task.lastJobRunId },
        });
        throw error;
      }
    },
  };
}

export type WriterTasksService = ReturnType<typeof createWriterTasksService>;
