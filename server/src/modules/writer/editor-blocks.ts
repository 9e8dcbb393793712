// One block of the block editor, rewritten by the AI: what the block is (read from its saved HTML), and the AI's
// answer turned back into serialized markup of the same block type.
//
// Everything that leaves this module went through htmlToBlocks (sanitize-html allowlist, then parse5 and our own
// escaping serializer, see content/blocks.ts), so no markup of the model's or the user's survives unescaped. The
// formats are WordPress 6.1's, as in content/blocks.ts: a heading keeps its level (1-6, attrs {"level":N} when not 2),
// a list whether it is ordered, a quote its citation.
import type { TRewritableBlock } from '@igny8/shared';
import { htmlToBlocks, sanitizeFragment, serializeBlock, type Block } from './content/blocks.ts';
import { countWords } from './content/words.ts';

export interface RewrittenBlockInfo {
  name: TRewritableBlock;
  /** 1-6, for core/heading. */
  level: number;
  /** For core/list: <ol> rather than <ul>. */
  ordered: boolean;
  /** For core/quote: the citation's inline HTML (kept as it is), '' for none. */
  citation: string;
}

export interface OriginalBlock extends RewrittenBlockInfo {
  /** The block's HTML, sanitized (what the model is shown). */
  html: string;
  words: number;
  /** The block in words, for the prompt and messages: "paragraph", "heading (H3)", "numbered list", "quote". */
  label: string;
  /** How the model must shape its answer. */
  shape: string;
}

/** The inline content of a leaf block's own element (`<p>x</p>` -> `x`; `<li>x` of an item with a nested list). */
function ownInline(block: Block): string {
  const m = /^<(p|h[1-6]|li)>([\s\S]*?)(?:<\/\1>)?$/.exec(block.before);
  return m ? m[2]!.trim() : '';
}

/** The inline runs of blocks in reading order: each paragraph, heading and list item's text (images and tables out). */
function inlineRuns(blocks: Block[]): string[] {
  const out: string[] = [];
  for (const block of blocks) {
    if (block.name === 'paragraph' || block.name === 'heading' || block.name === 'list-item') {
      const own = ownInline(block);
      if (own !== '') out.push(own);
    }
    out.push(...inlineRuns(block.innerBlocks));
  }
  return out;
}

/** Inline HTML of any fragment: its runs joined by a space ('' when there is no text). */
export function inlineOf(html: string): string {
  return inlineRuns(htmlToBlocks(html)).join(' ').trim();
}

function label(info: RewrittenBlockInfo): string {
  switch (info.name) {
    case 'core/paragraph':
      return 'paragraph';
    case 'core/heading':
      return `heading (H${info.level})`;
    case 'core/list':
      return info.ordered ? 'numbered list' : 'bulleted list';
    case 'core/quote':
      return 'quote';
  }
}

function shape(info: RewrittenBlockInfo): string {
  switch (info.name) {
    case 'core/paragraph':
      return 'one <p> element (links, <strong> and <em> allowed)';
    case 'core/heading':
      return `one <h${info.level}> element, with the same heading text in the heading field`;
    case 'core/list':
      return `one <${info.ordered ? 'ol' : 'ul'}> element with one <li> per item`;
    case 'core/quote':
      return 'one or more <p> elements with the quoted text only (its citation is kept as it is)';
  }
}

/** What a block is, from its name and saved HTML (block comment delimiters, if sent, are read too). */
export function readBlock(name: TRewritableBlock, raw: string): OriginalBlock {
  const level = Number(/<h([1-6])[\s>/]/i.exec(raw)?.[1] ?? /"level"\s*:\s*([1-6])\b/.exec(raw)?.[1] ?? 2);
  const ordered = /<ol[\s>/]/i.test(raw) || /"ordered"\s*:\s*true\b/.test(raw);
  const cite = name === 'core/quote' ? /<cite\b[^>]*>([\s\S]*?)<\/cite>/i.exec(raw)?.[1] : undefined;
  const citation = cite ? inlineOf(`<p>${cite}</p>`) : '';
  // The citation is not part of what is rewritten.
  const body = name === 'core/quote' ? raw.replace(/<cite\b[^>]*>[\s\S]*?<\/cite>/gi, '') : raw;
  const html = sanitizeFragment(body).trim();
  const info: RewrittenBlockInfo = { name, level, ordered, citation };
  return { ...info, html, words: countWords(html), label: label(info), shape: shape(info) };
}

function headingBlock(inline: string, level: number): Block {
  return {
    name: 'heading',
    attrs: level === 2 ? {} : { level },
    before: `<h${level}>${inline}</h${level}>`,
    innerBlocks: [],
    after: '',
  };
}

function listItems(blocks: Block[]): Block[] {
  for (const block of blocks) {
    if (block.name === 'list') return block.innerBlocks;
    const inner = listItems(block.innerBlocks);
    if (inner.length) return inner;
  }
  return [];
}

/**
 * The model's answer as serialized markup of the block's type, or null when it holds no usable text. The html field
 * is the answer; a heading takes the heading field first (what the schema names it), else the html's first text.
 */
export function rewrittenMarkup(info: RewrittenBlockInfo, output: { heading: string; html: string }): string | null {
  const blocks = htmlToBlocks(output.html);
  switch (info.name) {
    case 'core/paragraph': {
      const inline = inlineRuns(blocks).join(' ').trim();
      return inline === ''
        ? null
        : serializeBlock({ name: 'paragraph', attrs: {}, before: `<p>${inline}</p>`, innerBlocks: [], after: '' });
    }
    case 'core/heading': {
      const inline = inlineOf(`<p>${output.heading}</p>`) || (inlineRuns(blocks)[0] ?? '');
      return inline === '' ? null : serializeBlock(headingBlock(inline, info.level));
    }
    case 'core/list': {
      let items = listItems(blocks);
      if (items.length === 0) {
        // No list in the answer: each paragraph (or line of text) becomes an item.
        items = inlineRuns(blocks).map((run) => ({
          name: 'list-item',
          attrs: {},
          before: `<li>${run}</li>`,
          innerBlocks: [],
          after: '',
        }));
      }
      if (items.length === 0) return null;
      const tag = info.ordered ? 'ol' : 'ul';
      return serializeBlock({
        name: 'list',
        attrs: info.ordered ? { ordered: true } : {},
        before: `<${tag}>`,
        innerBlocks: items,
        after: `</${tag}>`,
      });
    }
    case 'core/quote': {
      const quoted = blocks.length === 1 && blocks[0]!.name === 'quote' ? blocks[0]!.innerBlocks : blocks;
      const inner: Block[] = [];
      for (const block of quoted) {
        if (block.name === 'paragraph' || block.name === 'list') inner.push(block);
        else if (block.name === 'heading' || block.name === 'quote') {
          const inline = inlineRuns([block]).join(' ');
          if (inline)
            inner.push({ name: 'paragraph', attrs: {}, before: `<p>${inline}</p>`, innerBlocks: [], after: '' });
        }
      }
      if (inner.length === 0) return null;
      const cite = info.citation ? `<cite>${info.citation}</cite>` : '';
      return serializeBlock({
        name: 'quote',
        attrs: {},
        before: '<blockquote class="wp-block-quote">',
        innerBlocks: inner,
        after: `${cite}</blockquote>`,
      });
    }
  }
}
