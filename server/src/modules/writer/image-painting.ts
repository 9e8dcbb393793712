import { callAi } from '../ai/jobs.ts';
import type { JobContext } from '../../jobs/context.ts';
import { PermanentJobError } from '../../jobs/errors.ts';
import { pngInfo } from '../../lib/media-storage.ts';
import { writerData } from './data/index.ts';
import type { WriterJobDeps } from './deps.ts';

/** What the image jobs share: painting one picture, what paid calls cost, and the steps that end a run. */

export type Usage = { inputTokens: number; outputTokens: number; images: number };

export interface Paid {
  credits: number;
  usage: Usage;
  model: string;
  demo: boolean;
}

export interface Prompts extends Paid {
  images: { role: 'featured' | 'inline'; prompt: string; altText: string }[];
}

/** What one image step did: made and stored the picture, failed for this image only, or found its row replaced. */
export type Made =
  | (Paid & { status: 'generated'; key: string; bytes: number; width: number; height: number; mimeType: string })
  | (Paid & { status: 'failed'; error: string })
  | (Paid & { status: 'skipped' });

export const NOTHING: Paid = {
  credits: 0,
  usage: { inputTokens: 0, outputTokens: 0, images: 0 },
  model: '',
  demo: false,
};

/** AI failures that belong to one prompt (refused by the provider's policy, unusable answer): other images go on. */
export const PER_IMAGE_ERRORS = new Set(['AI_INVALID_REQUEST', 'AI_MALFORMED_OUTPUT']);

export const sum = (runs: Paid[]): Paid => ({
  credits: runs.reduce((n, r) => n + r.credits, 0),
  usage: {
    inputTokens: runs.reduce((n, r) => n + r.usage.inputTokens, 0),
    outputTokens: runs.reduce((n, r) => n + r.usage.outputTokens, 0),
    images: runs.reduce((n, r) => n + r.usage.images, 0),
  },
  model: [...new Set(runs.map((r) => r.model).filter(Boolean))].join(', '),
  demo: runs.some((r) => r.demo),
});

/**
 * Calls generate_images for one prompt and writes the PNG under `key`. A refusal that concerns only this prompt comes
 * back as `failed` (with the provider's reason in the product's words); anything else (quota, auth, cancellation,
 * retryable errors) is thrown for the job to handle.
 */
export async function paint(
  ctx: JobContext,
  deps: WriterJobDeps,
  where: { siteId: string; sectorId: string },
  input: { prompt: string; style: string },
  key: string,
): Promise<Made> {
  let result;
  try {
    result = await callAi(ctx, (signal) =>
      deps.engine.run(
        { accountId: ctx.accountId, siteId: where.siteId, sectorId: where.sectorId, jobRunId: ctx.jobId, signal },
        'generate_images',
        { prompt: input.prompt.length >= 10 ? input.prompt : `${input.prompt} (illustration)`, style: input.style },
      ),
    );
  } catch (error) {
    if (error instanceof PermanentJobError && PER_IMAGE_ERRORS.has(error.code)) {
      return { ...NOTHING, status: 'failed', error: `The image could not be made: ${error.message}` };
    }
    throw error;
  }
  const paid: Paid = { credits: result.credits, usage: { ...result.usage }, model: result.model, demo: result.demo };
  const png = Buffer.isBuffer(result.output) ? result.output : null;
  const info = png ? pngInfo(png) : null;
  if (!png || !info) {
    return { ...paid, status: 'failed', error: 'The image could not be made: the provider did not answer with a PNG.' };
  }
  await deps.media.put(key, png, info.mimeType);
  return { ...paid, status: 'generated', key, bytes: png.length, ...info };
}

/** Rows this job left unfinished become failed with a reason (idempotent: only pending rows of this job). */
export async function markUnfinished(deps: WriterJobDeps, jobId: string, reason: string) {
  await deps.data.images.failPendingOfJob(jobId, reason);
}

/** Moves the task from written to review once every image of its content is generated. */
export function reviewStep(ctx: JobContext, payload: { contentId: string; taskId: string }) {
  return ctx.transactionalStep('review', async (tx) => {
    const db = writerData(tx);
    const [all, done] = await db.images.countOfContent(payload.contentId);
    if (all === 0 || done < all) return { review: false };
    const moved = await db.tasks.moveWrittenToReview(ctx.accountId, payload.taskId, ctx.jobId);
    return { review: moved.count > 0 };
  });
}
