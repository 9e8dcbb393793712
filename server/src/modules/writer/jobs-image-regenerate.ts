import { settleStep } from '../ai/jobs.ts';
import type { Prisma } from '../../generated/prisma/client.ts';
import { defineJob } from '../../jobs/definition.ts';
import { PermanentJobError } from '../../jobs/errors.ts';
import { regenerateImageJob } from './contracts.ts';
import { writerData } from './data/index.ts';
import type { WriterJobDeps } from './deps.ts';
import { paint, reviewStep, type Made } from './image-painting.ts';
import { imageKey } from './images.ts';

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
