import { callAi, settleStep } from '../ai/jobs.ts';
import type { Prisma } from '../../generated/prisma/client.ts';
import type { StoredStep } from '../../jobs/context.ts';
import type { JobDefinition } from '../../jobs/definition.ts';
import { defineJob } from '../../jobs/definition.ts';
import { PermanentJobError } from '../../jobs/errors.ts';
import { generateImagesJob } from './contracts.ts';
import { writerData } from './data/index.ts';
import type { WriterJobDeps } from './deps.ts';
import { markUnfinished, NOTHING, paint, reviewStep, sum, type Made, type Prompts } from './image-painting.ts';
import { regenerateImageDefinition } from './jobs-image-regenerate.ts';
import { completePrompts, imageKey, imageTitle } from './images.ts';

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

export function writerImageJobs(deps: WriterJobDeps): JobDefinition[] {
  return [
    generateImagesDefinition(deps) as unknown as JobDefinition,
    regenerateImageDefinition(deps) as unknown as JobDefinition,
  ];
}
