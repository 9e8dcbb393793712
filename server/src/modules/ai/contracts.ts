import { AI_FUNCTIONS, type TAiFunction } from '@igny8/shared';
import { z } from 'zod';
import { jobContract, type JobContract, type JobPayload } from '../../jobs/definition.ts';

/** What every generic AI job carries: the function's input, where it runs, and the credit hold it settles. */
export const ZAiJobPayload = z.object({
  input: z.record(z.string(), z.unknown()),
  siteId: z.uuid().nullable(),
  sectorId: z.uuid().nullable(),
  holdId: z.uuid(),
});

/**
 * The AI module's jobs: one per AI function (AI_FUNCTIONS in @igny8/shared), typed `ai.<function>`
 * (ai.auto_cluster, ai.generate_ideas, ai.generate_content, ai.generate_image_prompts, ai.generate_images), all
 * with ZAiJobPayload. Started by POST /ai/runs (runs-service.ts), run by jobs.ts.
 */
export const aiFunctionJobs = Object.fromEntries(
  AI_FUNCTIONS.map((fn) => [fn, jobContract(`ai.${fn}`, ZAiJobPayload)]),
) as Record<TAiFunction, JobContract<typeof ZAiJobPayload>>;

export type AiJobPayload = JobPayload<(typeof aiFunctionJobs)[TAiFunction]>;

export const aiJobType = (fn: TAiFunction) => aiFunctionJobs[fn].type;
