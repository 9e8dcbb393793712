import { callAi, settleStep } from '../ai/jobs.ts';
import type { Prisma } from '../../generated/prisma/client.ts';
import type { JobDefinition } from '../../jobs/definition.ts';
import { defineJob } from '../../jobs/definition.ts';
import { PermanentJobError } from '../../jobs/errors.ts';
import { pngInfo } from '../../lib/media-storage.ts';
import { editorImageJob, rewriteBlockJob } from './contracts.ts';
import { writerData } from './data/index.ts';
import type { WriterJobDeps } from './deps.ts';
import { rewrittenMarkup } from './editor-blocks.ts';
import { editorImageKey, imagePrompt } from './images.ts';

interface Paid {
  credits: number;
  usage: Record<string, number>;
  model: string;
  demo: boolean;
}

/** "Rewriting the paragraph failed: <why>. No credits were charged." for failures that retrying cannot fix. */
function explained(error: unknown, what: string): unknown {
  if (!(error instanceof PermanentJobError)) return error;
  return new PermanentJobError(error.code, `${what} failed: ${error.message} No credits were charged.`);
}

/**
 * Rewrites one block of a post: one provider call (its sanitized markup, usage and credits stored with the step, so
 * a retry after a crash neither asks nor pays again), then the settlement of the hold. The result is the block's new
 * markup, of the same block type; an answer with no usable text fails the job and gives the credits back.
 */
export function rewriteBlockDefinition(deps: WriterJobDeps) {
  return defineJob({
    ...rewriteBlockJob,
    retryLimit: 2,
    retryDelay: 5,
    heartbeatSeconds: 30,
    handler: async (ctx, p) => {
      const what = `Rewriting the ${p.block.label}`;
      try {
        const out = (await ctx.step(
          'rewrite',
          () =>
            callAi(ctx, async (signal) => {
              const result = await deps.engine.run<{ heading: string; html: string }>(
                {
                  accountId: ctx.accountId,
                  siteId: p.siteId,
                  jobRunId: ctx.jobId,
                  signal,
                  language: p.language,
                  ...(p.voice ? { voice: p.voice } : {}),
                },
                'generate_content',
                p.input,
              );
              // Sanitized and rebuilt before it is stored anywhere, even in the job's steps.
              const markup = rewrittenMarkup(p.block, result.output);
              if (markup === null) {
                throw new PermanentJobError(
                  'AI_MALFORMED_OUTPUT',
                  `the model answered without any usable text for the ${p.block.label}. Try again.`,
                );
              }
              return {
                markup,
                usage: { ...result.usage },
                credits: result.credits,
                model: result.model,
                demo: result.demo,
              } satisfies Paid & { markup: string } as unknown as Prisma.InputJsonValue;
            }),
          { progress: 80 },
        )) as unknown as Paid & { markup: string };
        await settleStep(ctx, deps.billing, p.holdId, out);
        return { markup: out.markup, blockName: p.block.name, credits: out.credits, model: out.model, demo: out.demo };
      } catch (error) {
        throw explained(error, what);
      }
    },
    onFailure: deps.releaseHold,
  });
}

type Made =
  | (Paid & { status: 'generated'; key: string; bytes: number; width: number; height: number; mimeType: string })
  | { status: 'failed'; error: string };

/** AI failures that belong to this prompt (refused by the provider's policy, unusable answer). */
const PROMPT_ERRORS = new Set(['AI_INVALID_REQUEST', 'AI_MALFORMED_OUTPUT']);

/**
 * Makes an editor image: one step paints it and stores the file (a retry after a crash neither paints nor pays
 * again), one transaction records it on the row, then the hold is settled. A prompt the provider refuses fails the
 * image with the reason and gives the credits back.
 */
export function editorImageDefinition(deps: WriterJobDeps) {
  return defineJob({
    ...editorImageJob,
    retryLimit: 2,
    retryDelay: 5,
    heartbeatSeconds: 30,
    handler: async (ctx, p) => {
      const fail = async (reason: string) => {
        await deps.data.images.failPendingEditorImage(ctx.accountId, p.editorImageId, reason);
      };
      try {
        await deps.data.images.ensureEditorImage(ctx.accountId, p.editorImageId, {
          siteId: p.siteId,
          prompt: p.prompt,
          altText: p.altText,
          wpPostId: p.wpPostId,
        });
        const key = editorImageKey(ctx.accountId, p.editorImageId);
        const made = (await ctx.step(
          'image',
          async () => {
            let result;
            try {
              result = await callAi(ctx, (signal) =>
                deps.engine.run(
                  { accountId: ctx.accountId, siteId: p.siteId, jobRunId: ctx.jobId, signal },
                  'generate_images',
                  { prompt: imagePrompt(p.prompt), style: p.style },
                ),
              );
            } catch (error) {
              if (error instanceof PermanentJobError && PROMPT_ERRORS.has(error.code)) {
                return {
                  status: 'failed',
                  error: `The image could not be made: ${error.message}`,
                } as Made as unknown as Prisma.InputJsonValue;
              }
              throw error;
            }
            const png = Buffer.isBuffer(result.output) ? result.output : null;
            const info = png ? pngInfo(png) : null;
            if (!png || !info) {
              return {
                status: 'failed',
                error: 'The image could not be made: the provider did not answer with a PNG.',
              } as Made as unknown as Prisma.InputJsonValue;
            }
            await deps.media.put(key, png, info.mimeType);
            return {
              status: 'generated',
              key,
              bytes: png.length,
              ...info,
              credits: result.credits,
              usage: { ...result.usage },
              model: result.model,
              demo: result.demo,
            } satisfies Made as unknown as Prisma.InputJsonValue;
          },
          { progress: 80 },
        )) as unknown as Made;

        if (made.status !== 'generated') {
          await fail(`${made.error} No credits were charged.`);
          throw new PermanentJobError('IMAGE_NOT_MADE', `${made.error} No credits were charged.`);
        }
        await ctx.transactionalStep(
          'store',
          async (tx) => {
            const updated = await writerData(tx).images.recordEditorImage(ctx.accountId, p.editorImageId, {
              status: 'generated',
              storage: deps.media.kind,
              storageKey: made.key,
              mimeType: made.mimeType,
              bytes: made.bytes,
              width: made.width,
              height: made.height,
              error: null,
            });
            if (updated.count === 0) {
              throw new PermanentJobError('NOT_FOUND', `Image ${p.editorImageId} was deleted while it was made.`);
            }
            return { stored: true };
          },
          { progress: 90 },
        );
        await settleStep(ctx, deps.billing, p.holdId, made);
        return {
          editorImageId: p.editorImageId,
          fileUrl: `/api/v1/writer/editor-images/${p.editorImageId}/file`,
          width: made.width,
          height: made.height,
          credits: made.credits,
          model: made.model,
          demo: made.demo,
        };
      } catch (error) {
        if (error instanceof PermanentJobError && error.code !== 'IMAGE_NOT_MADE') {
          await fail(`The image could not be made: ${error.message} No credits were charged.`);
        }
        throw error;
      }
    },
    onFailure: async (ctx, p) => {
      await deps.releaseHold(ctx);
      const run = await deps.data.lookups.findJobCancelRequest(ctx.jobId);
      await deps.data.images.failPendingEditorImage(
        ctx.accountId,
        p.editorImageId,
        run?.cancelRequestedAt
          ? 'The image was cancelled before it was made; no credits were charged.'
          : 'The image could not be made: the job failed after its retries. No credits were charged; try again.',
      );
      // A picture painted but never recorded belongs to nobody.
      const row = await deps.data.images.findEditorImageStatus(ctx.accountId, p.editorImageId);
      if (row?.status !== 'generated') await deps.media.delete(editorImageKey(ctx.accountId, p.editorImageId));
    },
  });
}

export function writerEditorJobs(deps: WriterJobDeps): JobDefinition[] {
  return [
    rewriteBlockDefinition(deps) as unknown as JobDefinition,
    editorImageDefinition(deps) as unknown as JobDefinition,
  ];
}
