import { ZAutomationSettings, type TAutomationStopAfter, type TAutomationStopReason } from '@igny8/shared';
import type { AutomationItem, AutomationRun } from '../../generated/prisma/client.ts';
import { AppError } from '../../errors.ts';
import type { AuthContext } from '../auth/credentials.ts';
import type { JobsService } from '../jobs/service.ts';
import { monthStartUtc } from './data.ts';
import { createSnapshots, stepEnabled } from './snapshots.ts';
import {
  createStageExecutors,
  STEPS,
  StopRun,
  type RunContext,
  type SectorPlan,
  type StageDeps,
  type Step,
  type TickMeter,
  WORDPRESS_DOWN,
} from './stages.ts';

export interface EngineDeps extends StageDeps {
  jobs: JobsService;
  /** Items of one run worked on at once: runs of many sites share the queues, none fills them. */
  runConcurrency: number;
}

/** Job error codes that stop the whole run, not just the item. */
const STOPPING_CODES: Record<string, StopRun['reason']> = {
  AI_QUOTA_EXHAUSTED: 'provider_quota_exhausted',
  AI_AUTH: 'failed',
};

/** A Writer conflict saying the task is being written (a start holds it): worth another try, not a failure. */
const claimedForWriting = (error: AppError) => (error.details as { status?: string } | undefined)?.status === 'writing';

const ACTIVE_ITEM = (i: AutomationItem) => i.status === 'running' || i.status === 'pending';

/** The request id of everything a run starts: its items' jobs carry it, so their ends can wake its driver. */
export const runRequestId = (runId: string) => `automation-${runId}`;

const STAGE_WORDS: Record<TAutomationStopAfter, string> = {
  cluster: 'clustering: review the clusters in the Planner',
  ideas: 'ideas: review and approve the ideas in the Planner',
  tasks: 'tasks: review the tasks in the Writer',
  articles: 'articles: review the articles in the Writer',
  images: 'images: review the articles and their images in the Writer',
};

/**
 * Drives automation runs. `tick` looks at a run once: settles items whose jobs ended, honours a pause or cancel, then
 * keeps up to `runConcurrency` items of the current stage in flight through the existing services (each started
 * with an idempotency key naming the run, stage and subject, so a tick repeated after a crash finds the job it
 * started instead of starting and charging another). Everything it knows is in the database; the driver job calls
 * it until it answers 'over'.
 */
export function createAutomationEngine(deps: EngineDeps) {
  const { data } = deps;
  const { steps } = createStageExecutors(deps);
  const { stageStates, snapshot, end } = createSnapshots(data);

  async function context(run: AutomationRun, meter: TickMeter = { startMs: 0 }): Promise<RunContext> {
    const settings = ZAutomationSettings.parse(run.settings);
    const site = await data.findSiteById(run.siteId);
    const userId = run.createdById ?? (await data.ownerOf(run.accountId)) ?? run.accountId;
    const auth: AuthContext = {
      userId,
      accountId: run.accountId,
      role: 'admin',
      isOperator: false,
      credential: { kind: 'user' },
    };
    const sectors: SectorPlan[] = (await data.sectorsOf(run.siteId)).map((s) => {
      const o = settings.sectorOverrides[s.id] ?? {};
      return {
        id: s.id,
        enabled: o.enabled ?? true,
        ideasPerCluster: o.ideasPerCluster ?? settings.ideasPerCluster,
        autoApprove: o.autoApprove ?? settings.autoApprove,
        autoPublish: o.autoPublish ?? settings.autoPublish,
        imageCount: o.imageCount ?? settings.imageCount,
      };
    });
    const guard = async (credits: number) => {
      if (settings.runCreditCap !== null) {
        const { used, held } = await data.creditsOfRun(run.id);
        if (used + held + credits > settings.runCreditCap) {
          throw new StopRun(
            'run_cap_reached',
            `The next item needs up to ${credits} credits; this run has used ${used} and holds ${held} of its cap of ${settings.runCreditCap}.`,
          );
        }
      }
      if (settings.monthlyCreditCap !== null) {
        const { used, held } = await data.creditsSince(run.siteId, monthStartUtc());
        if (used + held + credits > settings.monthlyCreditCap) {
          throw new StopRun(
            'monthly_cap_reached',
            `The next item needs up to ${credits} credits; automation on this site has used ${used} and holds ${held} of its monthly cap of ${settings.monthlyCreditCap}.`,
          );
        }
      }
    };
    return {
      run,
      settings,
      auth,
      requestId: runRequestId(run.id),
      timezone: site?.timezone ?? 'UTC',
      sectors,
      guard,
      meter,
    };
  }

  /**
   * Records items whose jobs ended; a failure that concerns the whole run comes back as a StopRun. `settled` says
   * whether any item changed (the caller reads them again only then).
   */
  async function settle(ctx: RunContext, items: AutomationItem[]): Promise<{ stop: StopRun | null; settled: number }> {
    let stop: StopRun | null = null;
    const running = items.filter((i) => i.status === 'running' && i.jobRunId);
    if (!running.length) return { stop, settled: 0 };
    const ended = new Map((await data.endedJobs(running.map((i) => i.jobRunId!))).map((j) => [j.id, j]));
    let settled = 0;
    for (const item of running) {
      const job = ended.get(item.jobRunId!);
      if (!job) continue;
      settled++;
      const credits = await data.capturedBy(job.id);
      if (job.status === 'succeeded') {
        const outCount = steps[item.stage as Step].out(job.result);
        await data.updateItem(item.id, { status: 'done', credits, outCount });
        continue;
      }
      const error = (job.error as { code: string; message: string } | null) ?? {
        code: 'CANCELLED',
        message: `Job ${job.id} was cancelled.`,
      };
      await data.updateItem(item.id, { status: 'failed', credits, error });
      if (stop) continue;
      const reason = STOPPING_CODES[error.code];
      if (reason) stop = new StopRun(reason, error.message);
      else if (item.stage === 'publish' && WORDPRESS_DOWN.has(error.code)) {
        stop = new StopRun('wordpress_unreachable', await wordpressDown(ctx, error.message));
      }
    }
    return { stop, settled };
  }

  /** The stop detail when publishing gave up on the site: which site, why, and what to do next. */
  async function wordpressDown(ctx: RunContext, message: string) {
    const site = await data.findSiteById(ctx.run.siteId);
    const which = site ? `${site.name} (${site.url})` : `site ${ctx.run.siteId}`;
    const why = message.replace(/\s*Publishing is retried\.$/, '');
    return `WordPress on ${which} could not be reached, even after retries: ${why} Start a new run once the site is back: it publishes the rest.`;
  }

  const keyOf = (run: AutomationRun, item: AutomationItem) => `automation:${run.id}:${item.stage}:${item.subjectId}`;

  /**
   * Once the run stops starting items: a pending item whose job did start (the driver died between starting it and
   * recording it) is recorded as running, so the run waits for it and counts its credits; the others are taken back.
   */
  async function settlePending(run: AutomationRun) {
    for (const item of await data.itemsOf(run.id)) {
      if (item.status !== 'pending') continue;
      const job = await data.findJobByKey(run.accountId, keyOf(run, item));
      if (job) await data.updateItem(item.id, { status: 'running', jobRunId: job.id });
      else await data.deleteItem(item.id);
    }
    return (await data.itemsOf(run.id)).some((i) => i.status === 'running');
  }

  /**
   * Starts one item; a StopRun (cap, 402) takes the item back, so it waits for the next run untouched. 'later' keeps
   * it pending for the next tick: its task is claimed for writing by a start that has not enqueued its job yet (the
   * driver died between the two: the Writer lets a start take such a claim over after a minute).
   */
  async function startItem(ctx: RunContext, item: AutomationItem): Promise<StopRun | 'running' | 'settled' | 'later'> {
    const key = keyOf(ctx.run, item);
    try {
      const began = performance.now();
      const started = await steps[item.stage as Step].start(ctx, item.subjectId, key).finally(() => {
        ctx.meter.startMs += performance.now() - began;
      });
      if ('jobId' in started) {
        await data.updateItem(item.id, { status: 'running', jobRunId: started.jobId, heldCredits: started.held });
        return 'running';
      }
      await data.updateItem(item.id, { status: 'done', outCount: started.outCount });
      return 'settled';
    } catch (error) {
      const stop =
        error instanceof StopRun
          ? error
          : error instanceof AppError && error.code === 'INSUFFICIENT_CREDITS'
            ? new StopRun('credits_exhausted', error.message)
            : error instanceof AppError && error.code === 'SITE_BUDGET_EXCEEDED'
              ? new StopRun('site_budget_reached', error.message)
              : null;
      if (stop) {
        await data.deleteItem(item.id);
        return stop;
      }
      if (error instanceof AppError && error.code === 'CONFLICT' && claimedForWriting(error)) return 'later';
      if (error instanceof AppError) {
        await data.updateItem(item.id, { status: 'failed', error: { code: error.code, message: error.message } });
        return 'settled';
      }
      throw error;
    }
  }

  /** Works one step: 'wait' while items run, 'done' when nothing more is to be taken, or why the run must stop. */
  async function work(ctx: RunContext, step: Step, items: AutomationItem[]): Promise<'wait' | 'done' | StopRun> {
    const limit = ctx.settings.batchSizes[step];
    let running = items.filter((i) => i.status === 'running').length;
    for (const item of items.filter((i) => i.status === 'pending')) {
      const outcome = await startItem(ctx, item);
      if (outcome instanceof StopRun) return outcome;
      if (outcome === 'running' || outcome === 'later') running++;
    }
    const taken = new Set(items.map((i) => i.subjectId));
    while (running < deps.runConcurrency && taken.size < limit) {
      const picks = await steps[step].pick(
        ctx,
        [...taken],
        Math.min(deps.runConcurrency - running, limit - taken.size),
      );
      if (!picks.length) break;
      await data.addItems(
        picks.map((p) => ({
          runId: ctx.run.id,
          accountId: ctx.run.accountId,
          siteId: ctx.run.siteId,
          stage: step,
          subjectId: p.subjectId,
          inCount: p.inCount,
        })),
      );
      const added = (await data.itemsOf(ctx.run.id, step)).filter((i) => i.status === 'pending');
      for (const item of added) {
        taken.add(item.subjectId);
        const outcome = await startItem(ctx, item);
        if (outcome instanceof StopRun) return outcome;
        if (outcome === 'running' || outcome === 'later') running++;
      }
      for (const p of picks) taken.add(p.subjectId);
    }
    return running > 0 ? 'wait' : 'done';
  }

  async function cancelInFlight(ctx: RunContext, items: AutomationItem[]) {
    for (const item of items.filter(ACTIVE_ITEM)) {
      if (!item.jobRunId) {
        await data.deleteItem(item.id);
        continue;
      }
      await deps.jobs.cancel(ctx.auth, item.jobRunId).catch((error: unknown) => {
        if (!(error instanceof AppError)) throw error;
      });
    }
  }

  /**
   * Nothing to do until one of the run's jobs ends: it runs on, with no stop asked for, no item waiting to start, and
   * every item it started still under way. (A full look would change nothing: a stage's subjects come from the
   * stages before it, which are done, and the last full look already started what it could.)
   */
  async function quiet(run: AutomationRun, items: AutomationItem[]): Promise<boolean> {
    if (run.status !== 'running' || run.stopReason) return false;
    const running = items.filter((i) => i.status === 'running' && i.jobRunId);
    if (!running.length || items.some((i) => i.status === 'pending')) return false;
    return (await data.endedJobCount(running.map((i) => i.jobRunId!))) === 0;
  }

  /**
   * One look at the run. 'over' once it ended or paused (the driver stops), 'wait' while it has work under way.
   * `meter` adds up the time spent starting items through the services (what starting them by hand costs too).
   */
  async function tick(runId: string, meter?: TickMeter): Promise<'wait' | 'over'> {
    let run = await data.findRunById(runId);
    if (!run || run.status === 'ended' || run.status === 'paused') return 'over';
    let items = await data.itemsOf(run.id);
    if (await quiet(run, items)) return 'wait';
    if (run.status === 'queued') run = await data.updateRun(run.id, { status: 'running', startedAt: new Date() });
    const ctx = await context(run, meter);
    const { stop: failure, settled } = await settle(ctx, items);
    if (failure && !run.stopReason) {
      run = await data.updateRun(run.id, { stopReason: failure.reason, stopDetail: failure.message });
    }
    if (settled) items = await data.itemsOf(run.id);

    if (run.status === 'cancelling') {
      await settlePending(run);
      await cancelInFlight(ctx, await data.itemsOf(run.id));
      if ((await data.itemsOf(run.id)).some((i) => i.status === 'running')) {
        await snapshot(run);
        return 'wait';
      }
      await end(run, 'cancelled', 'Cancelled: work under way was stopped and its credits given back.');
      return 'over';
    }
    if (run.status === 'pausing') {
      if (await settlePending(run)) {
        await snapshot(run);
        return 'wait';
      }
      await snapshot(run, { status: 'paused', stopReason: 'paused', stopDetail: 'Paused: resume it to go on.' });
      return 'over';
    }
    if (run.stopReason) {
      // A stop was decided: let what runs finish (its credits are settled by its own job), start nothing new.
      if (await settlePending(run)) {
        await snapshot(run);
        return 'wait';
      }
      await end(run, run.stopReason as TAutomationStopReason, run.stopDetail);
      return 'over';
    }

    for (let index = run.stageIndex; index < STEPS.length; index++) {
      const step = STEPS[index]!;
      if (!stepEnabled(ctx.settings, step)) continue;
      if (index !== run.stageIndex) {
        run = await data.updateRun(run.id, { stageIndex: index });
        ctx.run = run;
      }
      const outcome = await work(
        ctx,
        step,
        items.filter((i) => i.stage === step),
      );
      if (outcome instanceof StopRun) {
        run = await data.updateRun(run.id, { stopReason: outcome.reason, stopDetail: outcome.message });
        if (await settlePending(run)) {
          await snapshot(run);
          return 'wait';
        }
        await end(run, outcome.reason, outcome.message);
        return 'over';
      }
      if (outcome === 'wait') {
        await snapshot(run);
        return 'wait';
      }
    }
    const all = await data.itemsOf(run.id);
    run = await data.updateRun(run.id, { stageIndex: STEPS.length });
    if (!all.length) {
      await end(run, 'nothing_to_do', 'Nothing was waiting at any stage: import keywords or approve ideas.');
    } else if (ctx.settings.stopAfter) {
      await end(run, 'stopped_after_stage', `Stopped after ${STAGE_WORDS[ctx.settings.stopAfter]}.`);
    } else {
      await end(run, 'done', null);
    }
    return 'over';
  }

  /** The driver gave up (its job failed for good, or someone cancelled it in Jobs): the run ends with the cause. */
  async function abandon(jobId: string) {
    const run = await data.findRunOfJob(jobId);
    if (!run || run.status === 'ended') return;
    const job = await data.findJob(jobId);
    const ctx = await context(run);
    await settlePending(run);
    await cancelInFlight(ctx, await data.itemsOf(run.id));
    const cancelled = job?.status === 'cancelled';
    const error = job?.error as { message?: string } | null;
    await end(
      run,
      cancelled ? 'cancelled' : 'failed',
      cancelled
        ? 'Cancelled from the Jobs screen.'
        : `The run stopped on an error: ${error?.message ?? 'unknown'} Start it again to go on where it stopped.`,
    );
  }

  /** The step the run is at (0-6), for the driver's progress. */
  async function stageOf(runId: string): Promise<number> {
    return (await data.findRunById(runId))?.stageIndex ?? 0;
  }

  return { tick, abandon, snapshot, stageStates, stageOf };
}

export type AutomationEngine = ReturnType<typeof createAutomationEngine>;
