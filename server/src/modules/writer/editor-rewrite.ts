import type { TBlockRewriteBody } from '@igny8/shared';
import type { TBlockRewriteInput } from '../ai/functions/definitions.ts';
import { errors } from '../../errors.ts';
import type { AuthContext } from '../auth/credentials.ts';
import { rewriteBlockJob, type TRewriteBlockPayload } from './contracts.ts';
import type { WriterDataAccess } from './data/index.ts';
import type { WriterServiceDeps } from './deps.ts';
import { readBlock } from './editor-blocks.ts';

/**
 * The block editor's AI tools: rewriting one block of a post (improve or regenerate) here, and making a featured
 * image for any post of a connected site (editor-images.ts). Both are paid jobs started like the Writer's others:
 * estimate, hold, enqueue, with 402 when short and Idempotency-Key honoured.
 */

type TRewritableName = Parameters<typeof readBlock>[0];

/** The account's site with its language and voice; 404 when it has none such. */
export async function findEditorSite(data: WriterDataAccess, auth: AuthContext, siteId: string) {
  const site = await data.lookups.findSiteVoice(auth.accountId, siteId);
  if (!site) throw errors.notFound('Site', siteId);
  return site;
}

export function createEditorRewrite({ data, runs }: Pick<WriterServiceDeps, 'data' | 'runs'>) {
  /** The rewrite's AI input and job payload (without the hold), or 422 naming what is wrong with the block. */
  async function rewriteRequest(auth: AuthContext, body: TBlockRewriteBody) {
    const site = await findEditorSite(data, auth, body.siteId);
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

  return {
    /** What rewriting this block would hold (the same estimate the job holds). */
    async estimateRewrite(auth: AuthContext, body: TBlockRewriteBody) {
      const { site, input } = await rewriteRequest(auth, body);
      const estimated = await runs.estimate(auth.accountId, site.id, 'generate_content', input);
      return runs.withSiteBudget(auth.accountId, site.id, estimated);
    },

    /** Starts rewriting one block: credits held now (402 when short); the job's result is the block's markup. */
    async rewrite(auth: AuthContext, requestId: string, body: TBlockRewriteBody, idempotencyKey?: string) {
      const { site, input, payload } = await rewriteRequest(auth, body);
      return runs.startHeld(auth, requestId, {
        type: rewriteBlockJob.type,
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
  };
}
