import type { TAutomationRun, TAutomationRunsQuery } from '@igny8/shared';
import { AppError, errors } from '../../errors.ts';
import type { AutomationRunStatus, Prisma } from '../../generated/prisma/client.ts';
import type { JobQueue } from '../../jobs/queue.ts';
import { pageFrom } from '../../lib/pagination.ts';
import { isUniqueViolation } from '../../lib/prisma-errors.ts';
import type { AuthContext } from '../auth/credentials.ts';
import { siteOf } from '../auth/site-principal.ts';
import { automationRunJob } from './contracts.ts';
import type { AutomationData } from './data.ts';
import type { AutomationEngine } from './engine.ts';
import { DEFAULT_SETTINGS, findSite, storedSettings } from './settings-service.ts';
import { runView } from './views.ts';

export interface RunsDeps {
  data: AutomationData & {
    transaction<R>(fn: (data: AutomationData, tx: Prisma.TransactionClient) => Promise<R>): Promise<R>;
  };
  queue: JobQueue;
  engine: AutomationEngine;
}

const conflict = (message: string, details?: Record<string, unknown>) => new AppError('CONFLICT', message, details);

/** Starting, pausing, resuming and cancelling runs, and reading them. */
export function createRunsService(deps: RunsDeps) {
  const { data, queue } = deps;

  async function findRun(auth: AuthContext, runId: string) {
    const run = await data.findRun(auth.accountId, runId);
    const own = siteOf(auth);
    if (!run || (own && run.siteId !== own)) throw errors.notFound('Automation run', runId);
    return run;
  }

  /** Enqueues the run's next driver in the caller's transaction (its key names the run and the driver's number). */
  async function drive(
    tx: Prisma.TransactionClient,
    d: AutomationData,
    run: { id: string; accountId: string; siteId: string; drivers: number },
    requestId: string,
  ) {
    const job = await queue.enqueue(tx, {
      type: automationRunJob.type,
      accountId: run.accountId,
      siteId: run.siteId,
      requestId,
      payload: { runId: run.id, siteId: run.siteId },
      idempotencyKey: `automation:${run.id}:driver:${run.drivers + 1}`,
    });
    return d.updateRun(run.id, { jobRunId: job.id, drivers: run.drivers + 1 });
  }

  /** Creates a run with the site's current settings and its driver, in one transaction; 409 while one is active. */
  async function create(
    site: { id: string; accountId: string },
    trigger: 'schedule' | 'manual',
    createdById: string | null,
    requestId: string,
  ) {
    const row = await data.findSettings(site.id);
    const settings = row ? storedSettings(row.settings) : DEFAULT_SETTINGS;
    const id = crypto.randomUUID();
    try {
      const run = await data.transaction(async (d, tx) => {
        const created = await d.createRun({
          id,
          accountId: site.accountId,
          siteId: site.id,
          trigger,
          settings: settings as unknown as Prisma.InputJsonValue,
          createdById: createdById ?? row?.updatedById ?? null,
        });
        return drive(tx, d, created, requestId);
      });
      return deps.engine.snapshot(run);
    } catch (error) {
      if (!isUniqueViolation(error)) throw error;
      const active = await data.activeRun(site.id);
      throw conflict(
        `An automation run of this site is already ${active?.status ?? 'under way'} (run ${active?.id ?? 'unknown'}): ` +
          'wait for it to end, or pause or cancel it, before starting another.',
        { runId: active?.id },
      );
    }
  }

  async function move(
    auth: AuthContext,
    runId: string,
    from: AutomationRunStatus[],
    data_: Prisma.AutomationRunUncheckedUpdateInput,
    doing: string,
  ) {
    const run = await findRun(auth, runId);
    const moved = await data.updateRunIf(run.id, from, data_);
    if (moved.count === 0) {
      const now = await findRun(auth, runId);
      throw conflict(
        `Run ${runId} is ${now.status}${now.stopReason ? ` (${now.stopReason})` : ''}, so it cannot be ${doing}.`,
        {
          status: now.status,
        },
      );
    }
    return runView(await findRun(auth, runId));
  }

  return {
    /** Run now: a run with the current settings, driven at once. */
    async start(auth: AuthContext, requestId: string, siteId: string): Promise<TAutomationRun> {
      const site = await findSite(data, auth, siteId);
      return runView(await create(site, 'manual', auth.userId, requestId));
    },

    /** What the scheduler starts; nothing (null) while a run of the site is under way. */
    async startScheduled(siteId: string, requestId: string) {
      const site = await data.findSiteById(siteId);
      if (!site) return null;
      if (await data.activeRun(site.id)) return null;
      try {
        return await create(site, 'schedule', null, requestId);
      } catch (error) {
        if (error instanceof AppError && error.code === 'CONFLICT') return null;
        throw error;
      }
    },

    get: async (auth: AuthContext, runId: string) => runView(await findRun(auth, runId)),

    async list(auth: AuthContext, query: TAutomationRunsQuery) {
      const siteId = siteOf(auth) ?? query.siteId;
      if (siteId) await findSite(data, auth, siteId);
      const rows = await data.listRuns(auth.accountId, { siteId, status: query.status }, query.cursor, query.limit + 1);
      const page = pageFrom(rows, query.limit);
      return { items: page.rows.map(runView), nextCursor: page.nextCursor };
    },

    /** Stops starting items; what runs finishes, then the run is paused (its driver ends). */
    pause: (auth: AuthContext, runId: string) =>
      move(auth, runId, ['queued', 'running'], { status: 'pausing' }, 'paused'),

    /** A paused run goes on where it stopped, with a new driver. */
    async resume(auth: AuthContext, requestId: string, runId: string) {
      const run = await findRun(auth, runId);
      const resumed = await data.transaction(async (d, tx) => {
        const moved = await d.updateRunIf(run.id, ['paused'], {
          status: 'running',
          stopReason: null,
          stopDetail: null,
        });
        if (moved.count === 0) return null;
        return drive(tx, d, run, requestId);
      });
      if (!resumed)
        throw conflict(`Run ${runId} is ${run.status}, not paused, so it cannot be resumed.`, { status: run.status });
      return runView(await deps.engine.snapshot(resumed));
    },

    /**
     * Stops at the next item: jobs under way are cancelled (their holds given back) and the run ends as cancelled. A
     * paused run (no driver) ends at once.
     */
    async cancel(auth: AuthContext, runId: string) {
      const run = await findRun(auth, runId);
      const ended = await data.updateRunIf(run.id, ['paused'], {
        status: 'ended',
        stopReason: 'cancelled',
        stopDetail: 'Cancelled while paused.',
        endedAt: new Date(),
      });
      if (ended.count) return runView(await findRun(auth, runId));
      return move(auth, runId, ['queued', 'running', 'pausing'], { status: 'cancelling' }, 'cancelled');
    },

    /** Pauses the site's active run if it has one (the Sites table's bulk action); null when none is running. */
    async pauseActive(auth: AuthContext, siteId: string) {
      const site = await findSite(data, auth, siteId);
      const active = await data.activeRun(site.id);
      if (!active || !['queued', 'running'].includes(active.status)) return null;
      await data.updateRunIf(active.id, ['queued', 'running'], { status: 'pausing' });
      return runView(await findRun(auth, active.id));
    },
  };
}

export type AutomationRunsService = ReturnType<typeof createRunsService>;
