import type { TWriterEstimateBody } from '@igny8/shared';
import type { AiRunsService, StartOptions } from '../ai/runs-service.ts';
import { AppError, errors } from '../../errors.ts';
import type { TaskStatus } from '../../generated/prisma/client.ts';
import type { AuthContext } from '../auth/credentials.ts';
import {
  CATCH_UP,
  FAQ_SECTION,
  faqWords,
  outlineSectionsFor,
  outlineStrings,
  plannedSectionWords,
  SECTION_WORDS_MAX,
  type OutlineItem,
} from './article.ts';
import { generateContentJob, type TGenerateContentPayload } from './contracts.ts';
import type { WriterServiceDeps } from './deps.ts';
import { BUSY, busy, findTask } from './tasks-edit.ts';

const DONE: TaskStatus[] = ['approved', 'published'];

/** The most writing a task can cost: every section at its planned length (plus catch-up), FAQ, outline. */
async function estimate(
  runs: AiRunsService,
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

/** Writing tasks with AI: what it would hold, and starting it. */
export function createTasksWrite({ data, runs }: Pick<WriterServiceDeps, 'data' | 'runs'>) {
  async function languageOf(task: { language: string | null; sectorId: string; siteId: string }) {
    if (task.language) return task.language;
    const sector = await data.lookups.findSectorLanguage(task.sectorId);
    return sector?.language ?? sector?.site.language ?? 'en';
  }

  return {
    /** What writing a task with these fields would hold, without creating it (the same estimate as the job's). */
    async estimate(auth: AuthContext, body: TWriterEstimateBody) {
      const site = await data.lookups.findSiteId(auth.accountId, body.siteId);
      if (!site) throw errors.notFound('Site', body.siteId);
      if (body.sectorId) {
        const sector = await data.lookups.findSectorOfSite(auth.accountId, site.id, body.sectorId);
        if (!sector) throw errors.notFound('Sector', body.sectorId);
      }
      const estimated = await estimate(runs, auth, {
        siteId: site.id,
        title: body.title,
        primaryKeyword: body.primaryKeyword,
        secondaryKeywords: body.secondaryKeywords,
        outline: body.outline,
        outlineSections: outlineSectionsFor(body.targetWordCount),
        targetWordCount: body.targetWordCount,
        includeFaq: body.includeFaq,
      });
      return runs.withSiteBudget(auth.accountId, site.id, estimated);
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
      options: StartOptions = {},
    ) {
      const task = await findTask(data, auth, taskId);
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
          type: generateContentJob.type,
          operation: 'generate_content',
          siteId: task.siteId,
          body: { taskId: task.id, regenerate: body.regenerate },
          ...(idempotencyKey ? { idempotencyKey } : {}),
          ...options,
          estimate: () => estimate(runs, auth, payload),
          payload: ({ holdId }) => ({ ...payload, holdId }),
        });
      };

      // A repeated request with the same Idempotency-Key answers the job it started, whatever the task's status.
      const findRepeated = () =>
        idempotencyKey
          ? data.lookups.findJobByIdempotencyKey(auth.accountId, generateContentJob.type, idempotencyKey)
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
      const claimed = await data.tasks.claimForWriting(task);
      if (claimed.count === 0) {
        if (await awaitRepeated()) return request();
        busy({ ...task, status: 'writing' }, 'written again');
      }
      try {
        const started = await request();
        await data.tasks.setWritingJob(task.id, started.run.id);
        return started;
      } catch (error) {
        await data.tasks.releaseClaim(task.id, {
          status: stale ? 'failed' : task.status,
          lastJobRunId: task.lastJobRunId,
        });
        throw error;
      }
    },
  };
}
