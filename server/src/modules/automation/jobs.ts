import { defineJob } from '../../jobs/definition.ts';
import { jobEnds } from '../../jobs/job-ends.ts';
import { automationRunJob, automationScheduledJob } from './contracts.ts';
import { runRequestId, type AutomationEngine } from './engine.ts';
import type { AutomationRunsService } from './runs-service.ts';

export interface AutomationJobsDeps {
  engine: AutomationEngine;
  runs: AutomationRunsService;
  pollMs: number;
  runsPerWorker: number;
}

/**
 * Wakes the driver when a job of its run ends in this process (its items' jobs carry the run's request id), or after
 * `ms` at the latest (jobs that ran in another worker process, a pause or cancel asked for), or when the job is
 * given up (the worker then sees the abort). An end announced while the driver was busy makes the next wait return
 * at once, so none is missed.
 */
function alarm(requestId: string, signal: AbortSignal) {
  let rang = false;
  let wake: (() => void) | undefined;
  const stop = jobEnds.listen(requestId, () => {
    rang = true;
    wake?.();
  });
  return {
    wait(ms: number) {
      if (rang || signal.aborted) {
        rang = false;
        return Promise.resolve();
      }
      return new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          signal.removeEventListener('abort', done);
          wake = undefined;
          rang = false;
          resolve();
        };
        const timer = setTimeout(done, ms);
        wake = done;
        signal.addEventListener('abort', done, { once: true });
      });
    },
    stop,
  };
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
        // The driver's own cost, in its result (Jobs screen, bench:automation): looks taken, time spent in them, and the
        // part of it spent starting items through the services.
        let ticks = 0;
        let busyMs = 0;
        const meter = { startMs: 0 };
        const ends = alarm(runRequestId(payload.runId), ctx.signal);
        try {
          for (;;) {
            await ctx.throwIfCancelled();
            const began = performance.now();
            const state = await deps.engine.tick(payload.runId, meter);
            ticks++;
            if (state === 'over') {
              busyMs += performance.now() - began;
              return { runId: payload.runId, ticks, busyMs: Math.round(busyMs), startMs: Math.round(meter.startMs) };
            }
            const stage = await deps.engine.stageOf(payload.runId);
            if (stage !== lastStage) {
              lastStage = stage;
              await ctx.progress(Math.round((stage / 6) * 100), `stage ${stage + 1} of 6`);
            }
            busyMs += performance.now() - began;
            await ends.wait(deps.pollMs);
          }
        } finally {
          ends.stop();
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
