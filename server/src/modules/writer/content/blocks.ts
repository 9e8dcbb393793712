// AI section HTML -> serialized WordPress blocks, in the form WordPress 6.1 stores in post_content.
//
// The formats follow the save() functions of WordPress 6.1.9's block library (wp-includes/js/dist/block-library.js):
//   core/paragraph  <p>…</p>                                        (supports.className false: no class)
//   core/heading    <h2>…</h2>, attrs {"level":3} when not 2          (no wp-block-heading class: that arrived in 6.2)
//   core/list       <ul>/<ol> of core/list-item inner blocks, {"ordered":true} for <ol> (List v2 is on in 6.1)
//   core/list-item  <li>content[nested core/list]</li>
//   core/quote      <blockquote class="wp-block-quote"> of inner blocks (Quote v2 is on in 6.1)
//   core/table      <figure class="wp-block-table"><table><thead/tbody/tfoot>…</table></figure>
//   core/image      <figure class="wp-block-image size-large"><img src alt class="wp-image-N"/>
//                   <figcaption class="wp-element-caption">…</figcaption></figure>, attrs {"id":N,"sizeSlug":"large"}
// Blocks are serialized like @wordpress/blocks' serializer: `<!-- wp:name {attrs} -->\n{html}\n<!-- /wp:name -->`,
// inner blocks joined by a blank line, attribute JSON with `--`, `<`, `>`, `&` and `\"` escaped as \uXXXX.
//
// Security: the HTML goes through sanitizeFragment (sanitize-html allowlist) first, then is re-parsed with parse5 and
// re-serialized from a tiny allowlist of our own (inline.ts, html-to-blocks.ts): every text node and attribute value is
// escaped, so the only `<!--` in the output are the block delimiters block-markup.ts writes.
//
// This file turns sections and whole articles into blocks, and is the entry point of the parts: block-markup.ts (block
// objects, serialization), inline.ts (inline HTML), html-to-blocks.ts (HTML -> block objects).
import { parseFragment } from 'parse5';
import { headingBlock, serializeBlocks, type Block, type ImageBlockInput } from './block-markup.ts';
import { htmlToBlocks, imageBlockOf } from './html-to-blocks.ts';
import { collapse, inlineHtml, trimInline } from './inline.ts';
import { sanitizeFragment } from './sanitize.ts';

export {
  escapeHtml,
  headingBlock,
  paragraphBlock,
  serializeAttributes,
  serializeBlock,
  serializeBlocks,
  type Block,
  type ImageBlockInput,
} from './block-markup.ts';
export { htmlToBlocks, imageBlock, imageBlockOf } from './html-to-blocks.ts';
export { sanitizeFragment, safeUrl } from './sanitize.ts';

export interface SectionInput {
  heading: string;
  html: string;
}

export interface BlockOptions {
  /** Level of the section heading (2 by default). Headings inside the section are kept below it. */
  headingLevel?: 2 | 3;
}

export interface ArticleOptions extends BlockOptions {
  /** In-article images, each placed after the section with that index (0-based); out-of-range ones go last. */
  images?: Array<ImageBlockInput & { afterSection: number }>;
}

function plainHeading(text: string): string {
  // The heading is meant as plain text; any markup in it is reduced to its text.
  return trimInline(inlineHtml(parseFragment(sanitizeFragment(collapse(text))).childNodes).replace(/<[^>]*>/g, ''));
}

function sectionBlocks(section: SectionInput, opts: BlockOptions): Block[] {
  const level = opts.headingLevel ?? 2;
  const blocks: Block[] = [];
  const heading = plainHeading(section.heading);
  if (heading !== '') blocks.push(headingBlock(heading, level));
  const body = htmlToBlocks(section.html, { minHeading: level + 1 });
  // Models often repeat the section heading at the top of the body: drop that duplicate.
  const first = body[0];
  if (first?.name === 'heading' && textOfHtml(first.before).toLowerCase() === textOfHtml(heading).toLowerCase())
    body.shift();
  blocks.push(...body);
  return blocks;
}

function textOfHtml(html: string): string {
  return collapse(
    html
      .replace(/<[^>]*>/g, '')
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&quot;/g, '"')
      .replace(/&amp;/g, '&'),
  ).trim();
}

/** One section (its heading plus its sanitized body) as serialized WordPress blocks. */
export function sectionToBlocks(section: SectionInput, opts: BlockOptions = {}): string {
  return serializeBlocks(sectionBlocks(section, opts));
}

/** A whole article: every section in order, in-article images placed after their section. */
export function articleToBlocks(sections: SectionInput[], opts: ArticleOptions = {}): string {
  const blocks: Block[] = [];
  const images = opts.images ?? [];
  sections.forEach((section, i) => {
    blocks.push(...sectionBlocks(section, opts));
    for (const image of images) if (image.afterSection === i) blocks.push(imageBlockOf(image));
  });
  for (const image of images) {
    if (!Number.isInteger(image.afterSection) || image.afterSection < 0 || image.afterSection >= sections.length) {
      blocks.push(imageBlockOf(image));
    }
  }
  return serializeBlocks(blocks);
}
