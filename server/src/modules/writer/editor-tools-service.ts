import type { TBlockRewriteBody, TEditorImage, TEditorImageBody } from '@igny8/shared';
import { z } from 'zod';
import type { TBlockRewriteInput } from '../ai/functions/definitions.ts';
import type { AiRunsService } from '../ai/runs-service.ts';
import { errors } from '../../errors.ts';
import type { EditorImage, PrismaClient } from '../../generated/prisma/client.ts';
import type { MediaStorage } from '../../lib/media-storage.ts';
import { isUniqueViolation } from '../../lib/prisma-errors.ts';
import type { AuthContext } from '../auth/credentials.ts';
import { readBlock } from './editor-blocks.ts';
import { cleanAltText, DEFAULT_IMAGE_STYLE, storedImageFile } from './images-service.ts';

/**
 * The block editor's AI tools: rewriting one block of a post (improve or regenerate) and making a featured image for
 * any post of a connected site. Both are paid jobs started like the Writer's others: estimate, hold, enqueue, with
 * 402 when short and Idempotency-Key honoured.
 */

export const REWRITE_BLOCK_JOB = 'writer.rewrite_block';
export const EDITOR_IMAGE_JOB = 'writer.editor_image';

/** Everything the rewrite job needs: the exact AI input (so a retry asks the same) and how to rebuild the block. */
export const ZRewriteBlockPayload = z.object({
  siteId: z.uuid(),
  holdId: z.uuid(),
  language: z.string(),
  voice: z.string().nullable(),
  block: z.object({
    name: z.enum(['core/paragraph', 'core/heading', 'core/list', 'core/quote']),
    level: z.number().int().min(1).max(6),
    ordered: z.boolean(),
    citation: z.string(),
    label: z.string(),
  }),
  /** generate_content's input, with the block to rewrite. */
  input: z.record(z.string(), z.unknown()),
});
export type TRewriteBlockPayload = z.infer<typeof ZRewriteBlockPayload>;

export const ZEditorImagePayload = z.object({
  editorImageId: z.uuid(),
  siteId: z.uuid(),
  prompt: z.string(),
  altText: z.string(),
  wpPostId: z.number().int().nullable(),
  style: z.string(),
  holdId: z.uuid(),
});
export type TEditorImagePayload = z.infer<typeof ZEditorImagePayload>;

/** Where an editor image's file is kept (one file per image; a new image is a new id). */
export const editorImageKey = (accountId: string, editorImageId: string) => `${accountId}/editor/${editorImageId}.png`;

export function editorImageView(image: EditorImage): TEditorImage {
  return {
    id: image.id,
    siteId: image.siteId,
    wpPostId: image.wpPostId,
    status: image.status,
    altText: image.altText,
    mimeType: image.mimeType,
    width: image.width,
    height: image.height,
    error: image.error,
    createdAt: image.createdAt.toISOString(),
  };
}

/** generate_images wants at least 10 characters: a short prompt is asked as an illustration of it. */
export const imagePrompt = (prompt: string) => (prompt.length >= 10 ? prompt : `${prompt} (illustration)`);

/** Creates an editor image's row unless it exists (the route and the job both make sure; the job id is its id). */
export async function ensureEditorImageRow(
  prisma: PrismaClient,
  accountId: string,
  id: string,
  fields: { siteId: string; prompt: string; altText: string; wpPostId: number | null },
) {
  try {
    await prisma.editorImage.createMany({
      data: [{ id, accountId, ...fields, status: 'pending', jobRunId: id }],
      skipDuplicates: true,
    });
  } catch (error) {
    if (!isUniqueViolation(error)) throw error;
  }
}

export function createEditorToolsService(deps: { prisma: PrismaClient; runs: AiRunsService; media: MediaStorage }) {
  const { prisma, runs, media } = deps;

  async function findSite(auth: AuthContext, siteId: string) {
    const site = await prisma.site.findFirst({
      where: { id: siteId, accountId: auth.accountId },
      select: { id: true, language: true, voice: true },
    });
    if (!site) throw errors.notFound('Site', siteId);
    return site;
  }

  async function findImage(auth: AuthContext, editorImageId: string) {
    const image = await prisma.editorImage.findFirst({ where: { id: editorImageId, accountId: auth.accountId } });
    if (!image) throw errors.notFound('Image', editorImageId);
    return image;
  }

  /** The rewrite's AI input and job payload (without the hold), or 422 naming what is wrong with the block. */
  async function rewriteRequest(auth: AuthContext, body: TBlockRewriteBody) {
    const site = await findSite(auth, body.siteId);
    const original = readBlock(body.blockName as TRewritableName, body.html);
    if (original.words === 0 && (body.mode === 'improve' || !body.instruction)) {
      throw errors.validation([
        {
          in: 'body',
          field: 'html',
          message:
            body.mode === 'improve'
              ? `the ${original.label} has no text to improve: write some first, or regenerate it with an instruction`
              : `the ${original.label} has no text: say what it should be about in "instruction"`,
        },
      ]);
    }
    const title = body.postTitle?.trim() || 'Untitled post';
    const rewrite: TBlockRewriteInput = {
      mode: body.mode,
      block: original.label,
      shape: original.shape,
      html: original.html || '<p></p>',
      words: original.words,
      instruction: body.instruction?.trim() ?? '',
    };
    const input = {
      title: title.slice(0, 200),
      outline: [title.slice(0, 200)],
      section: `${body.mode === 'improve' ? 'Improve' : 'Rewrite'} a ${original.label}`,
      primaryKeyword: body.keyword?.trim() || 'none',
      secondaryKeywords: [],
      targetWords: Math.min(8000, Math.max(100, original.words)),
      sectionWords: Math.min(3000, Math.max(50, original.words)),
      rewrite,
    };
    const payload: Omit<TRewriteBlockPayload, 'holdId'> = {
      siteId: site.id,
      language: body.language ?? site.language,
      voice: site.voice || null,
      block: {
        name: original.name,
        level: original.level,
        ordered: original.ordered,
        citation: original.citation,
        label: original.label,
      },
      input,
    };
    return { site, input, payload };
  }

  async function estimateImage(accountId: string, siteId: string, prompt: string) {
    return runs.estimate(accountId, siteId, 'generate_images', {
      prompt: imagePrompt(prompt),
      style: DEFAULT_IMAGE_STYLE,
    });
  }

  return {
    /** What rewriting this block would hold (the same estimate the job holds). */
    async estimateRewrite(auth: AuthContext, body: TBlockRewriteBody) {
      const { site, input } = await rewriteRequest(auth, body);
      return runs.estimate(auth.accountId, site.id, 'generate_content', input);
    },

    /** Starts rewriting one block: credits held now (402 when short); the job's result is the block's markup. */
    async rewrite(auth: AuthContext, requestId: string, body: TBlockRewriteBody, idempotencyKey?: string) {
      const { site, input, payload } = await rewriteRequest(auth, body);
      return runs.startHeld(auth, requestId, {
        type: REWRITE_BLOCK_JOB,
        // Its own name in the ledger (usage reports show block rewrites apart from whole articles), though it runs
        // with the generate_content model and prompt.
        operation: 'rewrite_block',
        siteId: site.id,
        body,
        ...(idempotencyKey ? { idempotencyKey } : {}),
        estimate: () => runs.estimate(auth.accountId, site.id, 'generate_content', input),
        payload: ({ holdId }) => ({ ...payload, holdId }) satisfies TRewriteBlockPayload,
      });
    },

    async estimateImage(auth: AuthContext, body: TEditorImageBody) {
      const site = await findSite(auth, body.siteId);
      return estimateImage(auth.accountId, site.id, body.prompt);
    },

    /**
     * Starts making a featured image from a prompt with the account's image model (one picture, credits held now).
     * The image's id is the job's: the same Idempotency-Key answers the same image.
     */
    async generateImage(auth: AuthContext, requestId: string, body: TEditorImageBody, idempotencyKey?: string) {
      const site = await findSite(auth, body.siteId);
      const prompt = body.prompt.replace(/\s+/g, ' ').trim();
      const fields = {
        siteId: site.id,
        prompt,
        altText: body.altText?.replace(/\s+/g, ' ').trim() || cleanAltText(undefined, prompt),
        wpPostId: body.wpPostId ?? null,
      };
      const started = await runs.startHeld(auth, requestId, {
        type: EDITOR_IMAGE_JOB,
        operation: 'generate_images',
        siteId: site.id,
        body,
        ...(idempotencyKey ? { idempotencyKey } : {}),
        estimate: () => estimateImage(auth.accountId, site.id, prompt),
        payload: ({ holdId, jobId }) =>
          ({
            editorImageId: jobId,
            ...fields,
            style: DEFAULT_IMAGE_STYLE,
            holdId,
          }) satisfies TEditorImagePayload,
      });
      await ensureEditorImageRow(prisma, auth.accountId, started.run.id, fields);
      return { started, editorImageId: started.run.id };
    },

    async getImage(auth: AuthContext, editorImageId: string) {
      return editorImageView(await findImage(auth, editorImageId));
    },

    /** The image's bytes; 404 until it is made (or when its file is gone from the storage). */
    async imageFile(auth: AuthContext, editorImageId: string) {
      return storedImageFile(media, await findImage(auth, editorImageId), 'make a new one');
    },
  };
}

type TRewritableName = Parameters<typeof readBlock>[0];

export type EditorToolsService = ReturnType<typeof createEditorToolsService>;
