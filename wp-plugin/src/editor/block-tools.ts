/**
 * "Selected block" in the editor sidebar, without React: which blocks the AI can rewrite, why the selection cannot
 * be (in the sidebar's words), the body of `writer/blocks/estimate` and `writer/blocks/rewrite`, rewriteBlock (start
 * the paid run, follow its job, answer the new block's markup) and a plain-text preview of that markup.
 */
import type {
  BLOCK_REWRITE_LIMITS,
  REWRITABLE_BLOCKS as SERVER_REWRITABLE_BLOCKS,
  TBlockRewriteBody,
  TWriterJobAccepted,
} from '@igny8/shared';
import { __, sprintf } from '@wordpress/i18n';
import { CURRENT_SITE } from '../api/client';
import type { JobPolling } from '../store/operations';
import { chargedCredits } from './credits';
import { followRun, type RunProgress } from './job';

/** The blocks the server rewrites (the same list as shared REWRITABLE_BLOCKS: the check fails on a difference). */
export const REWRITABLE_BLOCKS = [
  'core/paragraph',
  'core/heading',
  'core/list',
  'core/quote',
] as const satisfies typeof SERVER_REWRITABLE_BLOCKS;
export type RewritableBlock = (typeof REWRITABLE_BLOCKS)[number];

/** The server's bounds (shared BLOCK_REWRITE_LIMITS). */
export const REWRITE_LIMITS = { html: 20_000, postTitle: 200, instruction: 500 } as const satisfies Pick<
  typeof BLOCK_REWRITE_LIMITS,
  'html' | 'postTitle' | 'instruction'
>;

export type RewriteMode = TBlockRewriteBody['mode'];
export const REWRITE_MODES: readonly RewriteMode[] = ['improve', 'regenerate'];

/** The block being rewritten, as read from the block editor. */
export interface SelectedBlock {
  clientId: string;
  name: string;
  /** Its saved HTML (`getBlockContent`). */
  html: string;
}

export const isRewritable = (name: string): name is RewritableBlock =>
  (REWRITABLE_BLOCKS as readonly string[]).includes(name);

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };

const decode = (text: string): string =>
  text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (entity: string, name: string) => {
    if (name.startsWith('#x') || name.startsWith('#X')) {
      return String.fromCodePoint(parseInt(name.slice(2), 16));
    }
    if (name.startsWith('#')) {
      return String.fromCodePoint(parseInt(name.slice(1), 10));
    }
    return ENTITIES[name.toLowerCase()] ?? entity;
  });

/** The text of block HTML or markup: no comments, no tags, entities decoded, spaces collapsed. */
export const textOf = (html: string): string =>
  decode(
    html
      .replace(/<!--[\s\S]*?-->/g, ' ')
      .replace(/<[^>]*>/g, ' ')
      .replace(/\s+/g, ' '),
  )
    .replace(/\s+/g, ' ')
    .trim();

/**
 * What the sidebar says instead of the buttons: nothing selected, several blocks, or a block the AI cannot
 * rewrite (named by its title). Null when one rewritable block is selected.
 */
export const selectionNote = (
  count: number,
  block: { name: string; title?: string | undefined } | null,
): string | null => {
  if (count === 0 || block === null) {
    return __('Select a paragraph, heading, list or quote in the post to improve or regenerate it with AI.', 'igny8');
  }
  if (count > 1) {
    return __('Several blocks are selected: select one paragraph, heading, list or quote at a time.', 'igny8');
  }
  if (!isRewritable(block.name)) {
    return sprintf(
      /* translators: %s: the selected block's type, such as "Image" */
      __('%s blocks cannot be rewritten with AI: select a paragraph, heading, list or quote.', 'igny8'),
      block.title || block.name,
    );
  }
  return null;
};

/** Why this block cannot be rewritten this way yet, in the sidebar's words; null when it can. */
export const rewriteProblem = (mode: RewriteMode, block: SelectedBlock, instruction: string): string | null => {
  if (block.html.length > REWRITE_LIMITS.html) {
    return sprintf(
      /* translators: %d: maximum number of characters */
      __('This block is too long to rewrite (over %d characters of HTML): split it into smaller blocks.', 'igny8'),
      REWRITE_LIMITS.html,
    );
  }
  if (instruction.trim().length > REWRITE_LIMITS.instruction) {
    /* translators: %d: maximum number of characters */
    return sprintf(
      __('The instruction is too long: keep it under %d characters.', 'igny8'),
      REWRITE_LIMITS.instruction,
    );
  }
  if (textOf(block.html) === '') {
    if (mode === 'improve') {
      return __('This block has no text to improve: write some first, or regenerate it with an instruction.', 'igny8');
    }
    if (instruction.trim() === '') {
      return __(
        'This block has no text yet: say what it should be about in the instruction to regenerate it.',
        'igny8',
      );
    }
  }
  return null;
};

/** The request for one block (this site); empty optional fields are left out. */
export const rewriteBody = (
  mode: RewriteMode,
  block: SelectedBlock,
  postTitle: string,
  instruction: string,
): TBlockRewriteBody => {
  const title = postTitle.trim().slice(0, REWRITE_LIMITS.postTitle);
  const asked = instruction.trim();
  return {
    siteId: CURRENT_SITE,
    mode,
    blockName: block.name,
    html: block.html,
    ...(title !== '' ? { postTitle: title } : {}),
    ...(asked !== '' ? { instruction: asked } : {}),
  };
};

/** The most any of the modes' estimates would hold (what "Costs up to" can truthfully say); null when none. */
export const mostCredits = (estimates: readonly ({ credits: number } | null | undefined)[]): number | null => {
  const known = estimates.filter((estimate): estimate is { credits: number } => !!estimate);
  return known.length === 0 ? null : Math.max(...known.map((estimate) => estimate.credits));
};

/** The network calls rewriteBlock makes (the writer store's, wired in selected-block-panel.tsx), replaceable in tests. */
export interface RewriteApi extends JobPolling {
  start: (body: TBlockRewriteBody, idempotencyKey: string) => Promise<TWriterJobAccepted>;
}

export interface RewrittenBlock {
  /** Serialized block markup of the same block type. */
  markup: string;
  /** What the run charged, when the job says. */
  charged: number | null;
}

/** A finished rewrite job's result as the sidebar uses it; a result without markup is an error in our words. */
export const rewrittenBlock = (result: unknown): RewrittenBlock => {
  const markup = typeof result === 'object' && result !== null ? (result as Record<string, unknown>).markup : undefined;
  if (typeof markup !== 'string' || markup.trim() === '') {
    throw new Error(__('IGNY8 finished but sent no block back. Try again.', 'igny8'));
  }
  return { markup, charged: chargedCredits(result) };
};

/**
 * Starts the paid rewrite (credits held now, the Idempotency-Key protecting a retry), follows its job and answers
 * the new block. A refusal (402 credits, 422 block...) is thrown as the server worded it.
 */
export async function rewriteBlock(
  api: RewriteApi,
  body: TBlockRewriteBody,
  idempotencyKey: string,
  onProgress: (progress: RunProgress) => void,
): Promise<RewrittenBlock> {
  onProgress({ progress: 0, step: null, heldCredits: null });
  const started = await api.start(body, idempotencyKey);
  const result = await followRun(api, started, onProgress, {
    failed: __('Rewriting the block failed; no credits were charged. Try again.', 'igny8'),
    cancelled: __('Rewriting the block was cancelled.', 'igny8'),
  });
  return rewrittenBlock(result);
}

/** A line of the preview: a paragraph, heading or list item's text. */
export interface PreviewLine {
  text: string;
  item: boolean;
}

/** The new block as plain lines (no HTML of the server's is put in the page): one per paragraph or list item. */
export const previewLines = (markup: string): PreviewLine[] =>
  markup
    .replace(/<!--[\s\S]*?-->/g, '')
    .split(/(?=<li[\s>])|<\/(?:p|h[1-6]|li|cite)>|<br\s*\/?>/i)
    .map((part) => ({ text: textOf(part), item: /^\s*<li[\s>]/i.test(part) }))
    .filter((line) => line.text !== '');
