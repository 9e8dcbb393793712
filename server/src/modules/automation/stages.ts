import type { TAutomationSettings } from '@igny8/shared';
import { AppError } from '../../errors.ts';
import type { AutomationRun } from '../../generated/prisma/client.ts';
import type { CreditGuard } from '../ai/runs-service.ts';
import type { AuthContext } from '../auth/credentials.ts';
import type { PlannerServices } from '../planner/index.ts';
import type { PublisherService } from '../publisher/service.ts';
import type { WriterServices } from '../writer/index.ts';
import { nextFreeSlot, startOfLocalDay } from './cadence.ts';
import type { AutomationData } from './data.ts';

/** The steps a run works through; `images` makes the prompts and the pictures (stages 5 and 6) in one job. */
export const STEPS = ['cluster', 'ideas', 'tasks', 'articles', 'images', 'publish'] as const;
export type Step = (typeof STEPS)[number];

/** A sector as a run sees it: the site's settings with the sector's overrides applied. */
export interface SectorPlan {
  id: string;
  enabled: boolean;
  ideasPerCluster: number;
  autoApprove: boolean;
  autoPublish: boolean;
  imageCount: number;
}

export interface RunContext {
  run: AutomationRun;
  settings: TAutomationSettings;
  auth: AuthContext;
  requestId: string;
  timezone: string;
  sectors: SectorPlan[];
  guard: CreditGuard;
  meter: TickMeter;
}

/** What a driver measures of its ticks. */
export interface TickMeter {
  /** Milliseconds spent in the services' start calls (estimates, holds, enqueueing; free stages' whole work). */
  startMs: number;
}

/** What publishing needs to know: who acts, for which site, in which zone, with which settings. */
export type PublishContext = Pick<RunContext, 'auth' | 'requestId' | 'timezone' | 'settings'> & { siteId: string };

/** What starting an item did: a job to wait for, or the work done on the spot. */
export type Started = { jobId: string; held: number } | { outCount: number };

export interface StepExecutor {
  /** Up to `n` subjects waiting at this step that the run has not taken yet. */
  pick(ctx: RunContext, exclude: string[], n: number): Promise<{ subjectId: string; inCount: number }[]>;
  /** Starts the work for one subject, idempotently (`key` names it for good). */
  start(ctx: RunContext, subjectId: string, key: string): Promise<Started>;
  /** What a finished job made. */
  out(result: unknown): number;
}

/** Publish job error codes (the last attempt's) that mean the site's WordPress was down, not that the post is wrong. */
export const WORDPRESS_DOWN = new Set(['SITE_UNREACHABLE', 'SITE_BUSY']);

/** Stops the run before the item that would pass a cap (thrown by the credit guard or a 402). */
export class StopRun extends Error {
  constructor(
    readonly reason:
      | 'run_cap_reached'
      | 'monthly_cap_reached'
      | 'site_budget_reached'
      | 'credits_exhausted'
      | 'provider_quota_exhausted'
      | 'wordpress_unreachable'
      | 'failed',
    message: string,
  ) {
    super(message);
  }
}

export interface StageDeps {
  data: AutomationData;
  planner: PlannerServices;
  writer: WriterServices;
  publisher: PublisherService;
}

const enabledSectors = (ctx: RunContext) => ctx.sectors.filter((s) => s.enabled).map((s) => s.id);
const sectorOf = (ctx: RunContext, id: string) => ctx.sectors.find((s) => s.id === id);
const num = (value: unknown) => (typeof value === 'number' ? value : 0);
const field = (result: unknown, name: string) =>
  result && typeof result === 'object' ? (result as Record<string, unknown>)[name] : undefined;

export function createStageExecutors(deps: StageDeps) {
  const { data, planner, writer, publisher } = deps;

  const cluster: StepExecutor = {
    async pick(ctx, exclude, n) {
      const rows = await data.sectorsWithNewKeywords(ctx.run.siteId, enabledSectors(ctx));
      return rows
        .filter((r) => !exclude.includes(r.sectorId))
        .slice(0, n)
        .map((r) => ({ subjectId: r.sectorId, inCount: Math.min(r.keywords, ctx.settings.batchSizes.cluster) }));
    },
    async start(ctx, sectorId, key) {
      const ids = await data.unclusteredKeywordIds(sectorId, ctx.settings.batchSizes.cluster);
      const started = await planner.clustersRun.startRun(
        ctx.auth,
        ctx.requestId,
        {
          siteId: ctx.run.siteId,
          sectorId,
          method: ctx.settings.clusterMethod,
          keywordIds: ids.map((k) => k.id),
        } as Parameters<PlannerServices['clustersRun']['startRun']>[2],
        key,
        { guard: ctx.guard },
      );
      return { jobId: started.jobId, held: started.heldCredits };
    },
    out: (result) => num(field(result, 'clusterCount')),
  };

  const ideas: StepExecutor = {
    async pick(ctx, exclude, n) {
      const rows = await data.clustersWithoutIdeas(ctx.run.siteId, enabledSectors(ctx), exclude, n);
      return rows.map((r) => ({ subjectId: r.id, inCount: 1 }));
    },
    async start(ctx, clusterId, key) {
      const cluster = await planner.data.ideas.findCluster(ctx.auth.accountId, clusterId);
      const count = (cluster && sectorOf(ctx, cluster.sectorId)?.ideasPerCluster) ?? ctx.settings.ideasPerCluster;
      const started = await planner.ideas.generate(ctx.auth, ctx.requestId, clusterId, { count }, key, {
        guard: ctx.guard,
      });
      return { jobId: started.run.id, held: started.heldCredits };
    },
    out: (result) => {
      const ids = field(result, 'ideaIds');
      return Array.isArray(ids) ? ids.length : 0;
    },
  };

  const tasks: StepExecutor = {
    async pick(ctx, exclude, n) {
      const on = ctx.sectors.filter((s) => s.enabled);
      const rows = await data.ideasForTasks(
        ctx.run.siteId,
        on.map((s) => s.id),
        on.filter((s) => s.autoApprove).map((s) => s.id),
        exclude,
        n,
      );
      return rows.map((r) => ({ subjectId: r.id, inCount: 1 }));
    },
    // Free and quick: approve (when the sector approves automatically), convert, and mark the task as automation's.
    async start(ctx, ideaId) {
      const idea = await planner.ideas.get(ctx.auth, ideaId);
      if (idea.status === 'new') await planner.ideas.approve(ctx.auth, ideaId);
      const [task] = await planner.ideasConvert.convert(ctx.auth, [ideaId]);
      if (!task) return { outCount: 0 };
      const imageCount = sectorOf(ctx, task.sectorId)?.imageCount ?? ctx.settings.imageCount;
      await data.markTasksAutomated([task.id], ctx.run.id, new Map([[task.sectorId, imageCount]]));
      return { outCount: 1 };
    },
    out: () => 1,
  };

  const articles: StepExecutor = {
    async pick(ctx, exclude, n) {
      const rows = await data.tasksToWrite(ctx.run.siteId, enabledSectors(ctx), exclude, n);
      return rows.map((r) => ({ subjectId: r.id, inCount: 1 }));
    },
    async start(ctx, taskId, key) {
      const started = await writer.tasks.generate(ctx.auth, ctx.requestId, taskId, { regenerate: false }, key, {
        guard: ctx.guard,
      });
      return { jobId: started.run.id, held: started.heldCredits };
    },
    out: (result) => (field(result, 'contentId') ? 1 : 0),
  };

  const images: StepExecutor = {
    async pick(ctx, exclude, n) {
      const rows = await data.contentsWithoutImages(ctx.run.siteId, enabledSectors(ctx), exclude, n);
      return rows.map((r) => ({ subjectId: r.id, inCount: 1 }));
    },
    async start(ctx, contentId, key) {
      const started = await writer.images.generate(ctx.auth, ctx.requestId, contentId, {}, key, {
        guard: ctx.guard,
      });
      return { jobId: started.run.id, held: started.heldCredits };
    },
    out: () => 1,
  };

  const publish: StepExecutor = {
    async pick(ctx, exclude, n) {
      const handled = await data.handledArticles(ctx.run.siteId);
      // Articles whose publishing gave up while WordPress was down go out again (the post is found, never doubled).
      const again = (await data.failedPublishItems(ctx.run.siteId))
        .filter((i) => WORDPRESS_DOWN.has((i.error as { code?: string } | null)?.code ?? ''))
        .map((i) => i.subjectId);
      const rows = await data.contentsToPublish(
        ctx.run.siteId,
        enabledSectors(ctx),
        ctx.settings.stages.images,
        [...exclude, ...handled],
        n,
        again,
      );
      return rows.map((r) => ({ subjectId: r.id, inCount: 1 }));
    },
    async start(ctx, contentId, key) {
      const content = await writer.contents.get(ctx.auth, contentId);
      const sector = sectorOf(ctx, content.task.sectorId);
      // Off: the article stays in the Writer's review state, listed in the review queue.
      if (!(sector?.autoPublish ?? ctx.settings.autoPublish)) return { outCount: 1 };
      const started = await publishNow({ ...ctx, siteId: ctx.run.siteId }, contentId, key);
      // Its language needs a person: left for review.
      if (!started) return { outCount: 1 };
      return { jobId: started.jobId, held: 0 };
    },
    out: () => 1,
  };

  /**
   * Approves the current version (unless it already is) and publishes it: as a draft, now, or at the cadence's next
   * free slot. Null when the article needs a person (its text does not read as the language asked for).
   */
  async function publishNow(ctx: PublishContext, contentId: string, key: string) {
    const content = await writer.contents.get(ctx.auth, contentId);
    if (content.approvedVersion !== content.currentVersion) {
      try {
        await writer.contents.approve(ctx.auth, contentId, {
          version: content.currentVersion,
          acceptLanguageMismatch: false,
        });
      } catch (error) {
        if (error instanceof AppError && error.code === 'VALIDATION_FAILED') return null;
        throw error;
      }
    }
    const { publishStatus, cadence } = ctx.settings;
    let body: { status: 'publish' | 'draft' | 'future'; scheduledAt?: string } = { status: publishStatus };
    if (publishStatus === 'publish' && cadence.postsPerDay !== null) {
      const now = new Date();
      const taken = await data.scheduledTimes(ctx.siteId, startOfLocalDay(now, ctx.timezone));
      const slot = nextFreeSlot(now, ctx.timezone, { postsPerDay: cadence.postsPerDay, time: cadence.time }, taken);
      body = { status: 'future', scheduledAt: slot.toISOString() };
    }
    const accepted = await publisher.publish(
      ctx.auth,
      ctx.requestId,
      contentId,
      { ...body, categories: [], tags: [] },
      key,
    );
    return { jobId: accepted.jobId, scheduledAt: body.scheduledAt ?? null };
  }

  const steps: Record<Step, StepExecutor> = { cluster, ideas, tasks, articles, images, publish };
  return { steps, publishNow };
}

export type StageExecutors = ReturnType<typeof createStageExecutors>;
