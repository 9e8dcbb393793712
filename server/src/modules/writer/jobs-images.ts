import { callAi, settleStep } from '../ai/jobs.ts';
import type { Prisma } from '../../generated/prisma/client.ts';
import type { JobContext, StoredStep } from '../../jobs/context.ts';
import type { JobDefinition } from '../../jobs/definition.ts';
import { defineJob } from '../../jobs/definition.ts';
import { PermanentJobError } from '../../jobs/errors.ts';
import { pngInfo } from '../../lib/media-storage.ts';
import { generateImagesJob, regenerateImageJob } from './contracts.ts';
import { writerData } from './data/index.ts';
import type { WriterJobDeps } from './deps.ts';
import { completePrompts, imageKey, imageTitle } from './images.ts';

type Usage = { inputTokens: number; outputTokens: number; images: number };

interface Paid {
  credits: number;
  usage: Usage;
  model: string;
  demo: boolean;
}

interface Prompts extends Paid {
  images: { role: 'featured' | 'inline'; prompt: string; altText: string }[];
}

/** What one image step did: made and stored the picture, failed for this image only, or found its row replaced. */
type Made =
  | (Paid & { status: 'generated'; key: string; bytes: number; width: number; height: number; mimeType: string })
  | (Paid & { status: 'failed'; error: string })
  | (Paid & { status: 'skipped' });

const NOTHING: Paid = { credits: 0, usage: { inputTokens: 0, outputTokens: 0, images: 0 }, model: '', demo: false };

/** AI failures that belong to one prompt (refused by the provider's policy, unusable answer): other images go on. */
const PER_IMAGE_ERRORS = new Set(['AI_INVALID_REQUEST', 'AI_MALFORMED_OUTPUT']);

const sum = (runs: Paid[]): Paid => ({
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
async function paint(
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
async function markUnfinished(deps: WriterJobDeps, jobId: string, reason: string) {
  await deps.data.images.failPendingOfJob(jobId, reason);
}

/** Moves the task from written to review once every image of its content is generated. */
function reviewStep(ctx: JobContext, payload: { contentId: string; taskId: string }) {
  return ctx.transactionalStep('review', async (tx) => {
    const db = writerData(tx);
    const [all, done] = await db.images.countOfContent(payload.contentId);
    if (all === 0 || done < all) return { review: false };
    const moved = await db.tasks.moveWrittenToReview(ctx.accountId, payload.taskId, ctx.jobId);
    return { review: moved.count > 0 };
  });
}

/**
 * Makes a content's images: one call writes the prompts and alt text, one transaction replaces the content's image
 * rows with pending ones, then one step per image paints it, stores the file and marks the row generated (a retry
 * after a crash skips finished images, so none is painted or paid twice), the replaced files are deleted, the hold is
 * settled with what the calls cost, and the task moves from written to review.
 */
export function generateImagesDefinition(deps: WriterJobDeps) {
  return defineJob({
    ...generateImagesJob,
    retryLimit: 2,
    retryDelay: 5,
    heartbeatSeconds: 30,
    handler: async (ctx, p) => {
      try {
        const prompts = (await ctx.step(
          'prompts',
          () =>
            callAi(ctx, async (signal) => {
              const result = await deps.engine.run<Pick<Prompts, 'images'>>(
                { accountId: ctx.accountId, siteId: p.siteId, sectorId: p.sectorId, jobRunId: ctx.jobId, signal },
                'generate_image_prompts',
                p.input,
              );
              return {
                // The first is the featured image, the rest in-article, at most as many as asked for.
                images: completePrompts(result.output.images, p.input.imageCount, {
                  title: p.input.title,
                  headings: p.headings,
                }),
                credits: result.credits,
                usage: { ...result.usage },
                model: result.model,
                demo: result.demo,
              } satisfies Prompts as unknown as Prisma.InputJsonValue;
            }),
          { progress: 15 },
        )) as unknown as Prompts;

        const stored = await ctx.transactionalStep(
          'store',
          async (tx) => {
            const db = writerData(tx);
            const content = await db.contents.findIdOfAccount(ctx.accountId, p.contentId);
            if (!content) {
              throw new PermanentJobError(
                'NOT_FOUND',
                `Content ${p.contentId} was deleted while its images were made.`,
              );
            }
            const { old, rows } = await db.images.replaceOfContent(
              p.contentId,
              prompts.images.map((image, position) => ({
                accountId: ctx.accountId,
                contentId: p.contentId,
                role: image.role,
                position,
                prompt: image.prompt,
                altText: image.altText,
                title: imageTitle(p.input.title, position),
                status: 'pending' as const,
                jobRunId: ctx.jobId,
              })),
            );
            await db.tasks.setLastJobOfAccount(ctx.accountId, p.taskId, ctx.jobId);
            return {
              images: rows.sort((a, b) => a.position - b.position),
              // Files of the replaced images: deleted once the new ones are stored.
              replaced: old.filter((o) => o.storageKey).map((o) => o.storageKey!),
            };
          },
          { progress: 20 },
        );

        const made: Made[] = [];
        for (const [i, image] of stored.images.entries()) {
          const key = imageKey(ctx.accountId, p.contentId, image.id);
          // Painting and storing the file is one step, recording it on the row another (in one transaction with the
          // step's record): a crash between them neither paints again nor loses the picture.
          const result = (await ctx.step(
            `image:${image.position}`,
            async () => {
              // Replaced by a newer generation or regeneration meanwhile: nothing to paint.
              const row = await deps.data.images.findPending(image.id);
              if (!row) return { ...NOTHING, status: 'skipped' } as unknown as Prisma.InputJsonValue;
              return (await paint(
                ctx,
                deps,
                p,
                { prompt: image.prompt, style: p.style },
                key,
              )) as unknown as Prisma.InputJsonValue;
            },
            { progress: 20 + Math.round((70 * (i + 1)) / stored.images.length) },
          )) as unknown as Made;
          if (result.status !== 'skipped') {
            const { recorded } = await ctx.transactionalStep(`stored:${image.position}`, async (tx) => {
              const updated = await writerData(tx).images.recordPending(
                image.id,
                result.status === 'generated'
                  ? {
                      status: 'generated',
                      storage: deps.media.kind,
                      storageKey: result.key,
                      mimeType: result.mimeType,
                      bytes: result.bytes,
                      width: result.width,
                      height: result.height,
                      error: null,
                    }
                  : { status: 'failed', error: result.error },
              );
              return { recorded: updated.count > 0 };
            });
            // The row was replaced while the picture was made: the file belongs to nobody.
            if (!recorded && result.status === 'generated') await deps.media.delete(key);
          }
          made.push(result);
        }

        await ctx.step(
          'cleanup',
          async () => {
            for (const key of stored.replaced) await deps.media.delete(key);
          },
          { progress: 92 },
        );

        const used = sum([prompts, ...made]);
        await settleStep(ctx, deps.billing, p.holdId, used);
        const { review } = await reviewStep(ctx, p);
        return {
          contentId: p.contentId,
          version: p.version,
          imageIds: stored.images.map((i) => i.id),
          generated: made.filter((m) => m.status === 'generated').length,
          failed: made.filter((m) => m.status === 'failed').length,
          taskStatus: review ? 'review' : null,
          credits: used.credits,
          model: used.model,
          // Demo output is filler from a stand-in provider: show it as such.
          demo: used.demo,
        };
      } catch (error) {
        if (error instanceof PermanentJobError) await markUnfinished(deps, ctx.jobId, `Not made: ${error.message}`);
        throw error;
      }
    },
    onFailure: async (ctx) => {
      await deps.releaseHold(ctx);
      await markUnfinished(
        deps,
        ctx.jobId,
        'Not made: the image job failed or was cancelled before this image. Regenerate it.',
      );
      // The rows of the images it replaced are gone: so are their files, even though the job did not finish.
      const run = await deps.data.lookups.findJobSteps(ctx.jobId);
      const steps = (Array.isArray(run?.steps) ? run.steps : []) as unknown as StoredStep[];
      const store = steps.find((step) => step.name === 'store')?.output as { replaced?: string[] } | undefined;
      const cleaned = steps.some((step) => step.name === 'cleanup');
      if (!cleaned) for (const key of store?.replaced ?? []) await deps.media.delete(key);
    },
  });
}

/**
 * Makes one image again: paints it under a new id (the job's), then in one transaction swaps the old row for the new
 * one at the same position, so the old picture stays until the new one exists; the old file is deleted after.
 */
export function regenerateImageDefinition(deps: WriterJobDeps) {
  return defineJob({
    ...regenerateImageJob,
    retryLimit: 2,
    retryDelay: 5,
    heartbeatSeconds: 30,
    handler: async (ctx, p) => {
      const key = imageKey(ctx.accountId, p.contentId, ctx.jobId);
      const made = (await ctx.step(
        'image',
        async () => {
          const row = await deps.data.images.findIdOfAccount(ctx.accountId, p.imageId);
          if (!row) throw new PermanentJobError('NOT_FOUND', `Image ${p.imageId} was deleted or replaced meanwhile.`);
          return (await paint(ctx, deps, p, p, key)) as unknown as Prisma.InputJsonValue;
        },
        { progress: 80 },
      )) as unknown as Made;

      if (made.status !== 'generated') {
        const reason = made.status === 'failed' ? made.error : 'The image was not made.';
        // The old picture stays when there was one; an image without one records why this attempt failed.
        await deps.data.images.failUnlessGenerated(ctx.accountId, p.imageId, reason);
        throw new PermanentJobError('IMAGE_NOT_MADE', reason);
      }

      const swapped = await ctx.transactionalStep(
        'swap',
        async (tx) => {
          const db = writerData(tx);
          const old = await db.images.find(ctx.accountId, p.imageId);
          if (!old) return { replaced: null };
          await db.images.delete(old.id);
          await db.images.create({
            id: ctx.jobId,
            accountId: ctx.accountId,
            contentId: old.contentId,
            role: old.role,
            position: old.position,
            prompt: p.prompt,
            altText: old.altText,
            title: old.title,
            status: 'generated',
            storage: deps.media.kind,
            storageKey: made.key,
            mimeType: made.mimeType,
            bytes: made.bytes,
            width: made.width,
            height: made.height,
            jobRunId: ctx.jobId,
          });
          return { replaced: old.storageKey ?? '' };
        },
        { progress: 90 },
      );
      if (swapped.replaced === null) {
        await deps.media.delete(key);
        throw new PermanentJobError(
          'IMAGE_REPLACED',
          `Image ${p.imageId} was replaced by a newer image generation while it was made again; nothing was charged.`,
        );
      }
      await ctx.step('cleanup', async () => {
        if (swapped.replaced) await deps.media.delete(swapped.replaced);
      });

      await settleStep(ctx, deps.billing, p.holdId, made);
      const { review } = await reviewStep(ctx, p);
      return {
        contentId: p.contentId,
        replacedImageId: p.imageId,
        imageId: ctx.jobId,
        taskStatus: review ? 'review' : null,
        credits: made.credits,
        model: made.model,
        demo: made.demo,
      };
    },
    onFailure: async (ctx, p) => {
      await deps.releaseHold(ctx);
      // A picture painted but never swapped in belongs to nobody.
      const swappedIn = await deps.data.images.findIdOf(ctx.jobId);
      if (!swappedIn) await deps.media.delete(imageKey(ctx.accountId, p.contentId, ctx.jobId));
    },
  });
}

export function writerImageJobs(deps: WriterJobDeps): JobDefinition[] {
  return [
    generateImagesDefinition(deps) as unknown as JobDefinition,
    regenerateImageDefinition(deps) as unknown as JobDefinition,
  ];
}
