import { defineJob } from '../../jobs/definition.ts';
import { automationRunJob, automationScheduledJob } from './contracts.ts';
import type { AutomationEngine } from './engine.ts';
import type { AutomationRunsService } from './runs-service.ts';

export interface AutomationJobsDeps {
  engine: AutomationEngine;
  runs: AutomationRunsService;
  pollMs: number;
  runsPerWorker: number;
}

/** Waits `ms`, or less when the job is given up (the worker then sees the abort). */
function pause(ms: number, signal: AbortSignal) {
  return new Promise<void>((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

export function automationJobs(deps: AutomationJobsDeps) {
  return [
    defineJob({
      ...automationRunJob,
      // A driver that dies (worker killed) is delivered again and picks the run up from the database.
      retryLimit: 20,
      retryDelay: 1,
      retryDelayMax: 30,
      expireInSeconds: 24 * 3_600,
      concurrency: deps.runsPerWorker,
      handler: async (ctx, payload) => {
        let lastStage = -1;
        for (;;) {
          await ctx.throwIfCancelled();
          const state = await deps.engine.tick(payload.runId);
          if (state === 'over') return { runId: payload.runId };
          const stage = await deps.engine.stageOf(payload.runId);
          if (stage !== lastStage) {
            lastStage = stage;
            await ctx.progress(Math.round((stage / 6) * 100), `stage ${stage + 1} of 6`);
          }
          await pause(deps.pollMs, ctx.signal);
        }
      },
      onFailure: async ({ jobId }) => deps.engine.abandon(jobId),
    }),
    defineJob({
      ...automationScheduledJob,
      retryLimit: 3,
      scheduled: true,
      handler: async (ctx, payload) => {
        const run = await deps.runs.startScheduled(payload.siteId, ctx.requestId ?? `schedule-${ctx.jobId}`);
        return run ? { runId: run.id } : { skipped: 'A run of this site was still under way.' };
      },
    }),
  ];
}
