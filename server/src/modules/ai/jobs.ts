import { AI_FUNCTIONS, type TAiFunction } from '@igny8/shared';
import type { JobContext } from '../../jobs/context.ts';
import type { JobDefinition } from '../../jobs/definition.ts';
import { defineJob } from '../../jobs/definition.ts';
import { JobCancelledError, PermanentJobError } from '../../jobs/errors.ts';
import type { MediaStorage } from '../../lib/media-storage.ts';
import type { BillingData } from '../billing/data.ts';
import type { BillingService } from '../billing/service.ts';
import type { Prisma } from '../../generated/prisma/client.ts';
import { aiFunctionJobs } from './contracts.ts';
import type { AiEngine } from './engine.ts';
import { AiError } from './errors.ts';

interface Generated {
  output: unknown;
  usage: Record<string, number>;
  credits: number;
  model: string;
  demo: boolean;
}

/**
 * What an AI failure means for the job running it: a call dropped because the job was cancelled ends the job as
 * cancelled; errors no retry can fix (quota, auth, invalid request, malformed output) fail it for good with the
 * provider's reason; the rest (rate limits, 5xx, timeouts) let the job retry.
 */
export function asJobError(error: unknown): unknown {
  if (error instanceof AiError && error.kind === 'cancelled') return new JobCancelledError();
  if (error instanceof AiError && !error.retryable)
    return new PermanentJobError(`AI_${error.kind.toUpperCase()}`, error.message);
  return error;
}

/**
 * Runs provider calls for a job: `fn` gets a signal that aborts when the job is cancelled (so spending stops at
 * once), and AI failures come out as the job errors `asJobError` names.
 */
export async function callAi<T>(ctx: JobContext, fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const watch = ctx.watchCancellation();
  try {
    return await fn(watch.signal);
  } catch (error) {
    throw asJobError(error);
  } finally {
    watch.stop();
  }
}

/**
 * The step that charges a paid job: captures what the run used (never more than held) and releases the rest. A
 * separate step after the provider call, so a retry after a crash between them neither calls again nor pays twice.
 */
export function settleStep(
  ctx: JobContext,
  billing: BillingService,
  holdId: string,
  used: { credits: number; model: string; usage: Record<string, number> },
): Promise<void> {
  return ctx.step(
    'settle',
    async () => {
      await billing.settle(holdId, { captured: used.credits, model: used.model, usage: used.usage });
    },
    { progress: 100 },
  );
}

/** Where a paid job's credit hold is found: billing's data (billingData). */
export type JobHolds = Pick<BillingData, 'findHoldOfJob'>;

/** onFailure of every paid job: the whole hold goes back (idempotent; nothing to do when it was settled). */
export function releaseJobHold(deps: { holds: JobHolds; billing: BillingService }) {
  return async ({ jobId }: { jobId: string }) => {
    const hold = await deps.holds.findHoldOfJob(jobId);
    if (hold) await deps.billing.release(hold.id);
  };
}

export interface AiJobDeps {
  engine: AiEngine;
  billing: BillingService;
  /** The credit holds of jobs (for giving a failed job's hold back). */
  holds: JobHolds;
  /** Where generated files are stored (the media storage: local disk or an S3-compatible bucket). */
  media: MediaStorage;
}

/**
 * One job type per AI function. The provider call and the settlement are separate steps, so a retry after a crash
 * between them does not call the provider again, and the hold is settled exactly once: the run is charged once.
 * A run that fails for good, or is cancelled, gives the whole hold back.
 */
export function aiFunctionJob(fn: TAiFunction, deps: AiJobDeps) {
  return defineJob({
    ...aiFunctionJobs[fn],
    retryLimit: 2,
    retryDelay: 5,
    heartbeatSeconds: 30,
    handler: async (ctx, payload) => {
      const generated = (await ctx.step(
        'generate',
        () =>
          callAi(ctx, async (signal) => {
            const result = await deps.engine.run(
              {
                accountId: ctx.accountId,
                siteId: payload.siteId,
                sectorId: payload.sectorId,
                jobRunId: ctx.jobId,
                signal,
              },
              fn,
              payload.input,
            );
            let output = result.output as unknown;
            if (Buffer.isBuffer(output)) {
              // An image: kept in the media storage under "<accountId>/<jobId>.png"; the result names the key.
              const file = `${ctx.accountId}/${ctx.jobId}.png`;
              await deps.media.put(file, output, 'image/png');
              output = { file, bytes: output.length, mimeType: 'image/png', storage: deps.media.kind };
            }
            return {
              output,
              usage: { ...result.usage },
              credits: result.credits,
              model: result.model,
              demo: result.demo,
            } as Prisma.InputJsonValue;
          }),
        { progress: 80 },
      )) as unknown as Generated;
      await settleStep(ctx, deps.billing, payload.holdId, generated);
      return {
        output: generated.output,
        usage: generated.usage,
        credits: generated.credits,
        model: generated.model,
        // Demo output is filler from a stand-in provider; whoever uses it must show it as such.
        demo: generated.demo,
      };
    },
    onFailure: releaseJobHold(deps),
  });
}

export function aiJobs(deps: AiJobDeps): JobDefinition[] {
  return AI_FUNCTIONS.map((fn) => aiFunctionJob(fn, deps) as unknown as JobDefinition);
}
