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
// re-serialized here from a tiny allowlist of our own: every text node and attribute value is escaped, so the only
// `<!--` in the output are the block delimiters this file writes.
import { parseFragment, type DefaultTreeAdapterTypes as T } from 'parse5';
import { safeUrl, sanitizeFragment } from './sanitize.ts';

export { sanitizeFragment, safeUrl } from './sanitize.ts';

export interface Block {
  /** Block name without the `core/` prefix for core blocks (e.g. `paragraph`, `list-item`). */
  name: string;
  attrs: Record<string, unknown>;
  /** HTML before the inner blocks (or the whole HTML of a block without inner blocks). */
  before: string;
  innerBlocks: Block[];
  /** HTML after the inner blocks. */
  after: string;
}

export interface ImageBlockInput {
  /** WordPress attachment id, once the media is uploaded; omitted for an external URL. */
  id?: number;
  url: string;
  alt: string;
  caption?: string;
}

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

// ---------------------------------------------------------------------------------------------------------------
// Serialization

/** Escapes text for an HTML text node or a double-quoted attribute value. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Block comment attributes as @wordpress/blocks serializes them (JSON safe inside an HTML comment). */
export function serializeAttributes(attrs: Record<string, unknown>): string {
  return JSON.stringify(attrs)
    .replace(/--/g, '\\u002d\\u002d')
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\\"/g, '\\u0022');
}

export function serializeBlock(block: Block): string {
  const attrs = Object.keys(block.attrs).length > 0 ? `${serializeAttributes(block.attrs)} ` : '';
  const inner = block.innerBlocks.map(serializeBlock).join('\n\n');
  const html = block.before + inner + block.after;
  return `<!-- wp:${block.name} ${attrs}-->\n${html}\n<!-- /wp:${block.name} -->`;
}

export function serializeBlocks(blocks: Block[]): string {
  return blocks.map(serializeBlock).join('\n\n');
}

function leaf(name: string, html: string, attrs: Record<string, unknown> = {}): Block {
  return { name, attrs, before: html, innerBlocks: [], after: '' };
}

export function paragraphBlock(innerHtml: string): Block {
  return leaf('paragraph', `<p>${innerHtml}</p>`);
}

export function headingBlock(innerHtml: string, level: number): Block {
  const l = Math.min(Math.max(Math.trunc(level), 2), 4);
  return leaf('heading', `<h${l}>${innerHtml}</h${l}>`, l === 2 ? {} : { level: l });
}

/** A core/image block; the URL must be http(s) (anything else throws: callers pass URLs they produced). */
export function imageBlock(input: ImageBlockInput): string {
  return serializeBlock(imageBlockOf(input));
}

export function imageBlockOf(input: ImageBlockInput): Block {
  const url = safeUrl(input.url, 'image');
  if (url === null) throw new Error(`imageBlock: the image URL must be http(s), got ${JSON.stringify(input.url)}`);
  const id = input.id !== undefined && Number.isSafeInteger(input.id) && input.id > 0 ? input.id : undefined;
  const cls = id === undefined ? '' : ` class="wp-image-${id}"`;
  const caption = input.caption ? inlineFromHtml(input.caption) : '';
  const figcaption = caption === '' ? '' : `<figcaption class="wp-element-caption">${caption}</figcaption>`;
  const html =
    `<figure class="wp-block-image size-large"><img src="${escapeHtml(url)}" alt="${escapeHtml(input.alt)}"${cls}/>` +
    `${figcaption}</figure>`;
  return leaf('image', html, id === undefined ? { sizeSlug: 'large' } : { id, sizeSlug: 'large' });
}

// ---------------------------------------------------------------------------------------------------------------
// Tree walking (parse5 default tree adapter)

type Node = T.ChildNode;
type Element = T.Element;

const INLINE_TAGS = new Set(['a', 'strong', 'em', 'code', 'sup', 'sub', 'br']);
const BLOCK_TAGS = new Set(['p', 'h2', 'h3', 'h4', 'ul', 'ol', 'li', 'blockquote', 'table', 'figure', 'img']);

function isElement(node: Node): node is Element {
  return 'tagName' in node;
}

function isText(node: Node): node is T.TextNode {
  return node.nodeName === '#text';
}

function attr(el: Element, name: string): string | undefined {
  return el.attrs.find((a) => a.name === name)?.value;
}

/** Collapses whitespace like HTML rendering does (WordPress's block validator ignores such differences too). */
function collapse(text: string): string {
  return text.replace(/[\t\n\f\r ]+/g, ' ');
}

/** Serializes inline content (text + allowed inline elements); block-level descendants are flattened to text. */
function inlineHtml(nodes: Node[]): string {
  let out = '';
  for (const node of nodes) {
    if (isText(node)) {
      out += escapeHtml(collapse(node.value));
      continue;
    }
    if (!isElement(node)) continue; // comments and anything else: gone
    const tag = node.tagName;
    if (tag === 'br') {
      out += '<br/>';
      continue;
    }
    if (tag === 'img') continue; // images are hoisted into image blocks by the caller
    const inner = inlineHtml(node.childNodes);
    if (tag === 'a') {
      const href = attr(node, 'href');
      const safe = href === undefined ? null : safeUrl(href, 'link');
      if (safe === null || inner.trim() === '') {
        out += inner; // a link without a usable target (or without text) is just its text
        continue;
      }
      const title = attr(node, 'title');
      const blank = attr(node, 'target') === '_blank';
      out +=
        `<a href="${escapeHtml(safe)}"` +
        (title ? ` title="${escapeHtml(title)}"` : '') +
        (blank ? ' target="_blank" rel="noopener"' : '') +
        `>${inner}</a>`;
      continue;
    }
    if (INLINE_TAGS.has(tag)) {
      out += inner === '' ? '' : `<${tag}>${inner}</${tag}>`;
      continue;
    }
    // A block element inside inline content (e.g. a <p> inside <li>): keep its content, separated by a space.
    out += BLOCK_TAGS.has(tag) ? ` ${inner} ` : inner;
  }
  return out;
}

/** Trims collapsed whitespace (and stray <br/>) at both ends of a serialized inline run. */
function trimInline(html: string): string {
  return html
    .replace(/^(?:\s|<br\/>)+/, '')
    .replace(/(?:\s|<br\/>)+$/, '')
    .replace(/ {2,}/g, ' ');
}

function inlineFromHtml(html: string): string {
  return trimInline(inlineHtml(parseFragment(sanitizeFragment(html)).childNodes));
}

function findImages(node: Node, out: Element[] = []): Element[] {
  if (!isElement(node)) return out;
  if (node.tagName === 'img') out.push(node);
  else for (const child of node.childNodes) findImages(child, out);
  return out;
}

function imageFromElement(img: Element, caption?: string): Block | null {
  const src = attr(img, 'src');
  const url = src === undefined ? null : safeUrl(src, 'image');
  if (url === null) return null;
  return imageBlockOf({ url, alt: attr(img, 'alt') ?? '', ...(caption ? { caption } : {}) });
}

interface Ctx {
  /** Lowest heading level allowed inside this content (section heading level + 1). */
  minHeading: number;
}

/** Converts a list of sibling nodes into blocks; runs of inline content become paragraphs. */
function nodesToBlocks(nodes: Node[], ctx: Ctx): Block[] {
  const blocks: Block[] = [];
  let run: Node[] = [];
  const flush = () => {
    if (run.length === 0) return;
    const nodesRun = run;
    run = [];
    blocks.push(...paragraphsWithImages(nodesRun));
  };
  for (const node of nodes) {
    if (isElement(node) && (BLOCK_TAGS.has(node.tagName) || node.tagName === 'tr')) {
      flush();
      blocks.push(...elementToBlocks(node, ctx));
    } else {
      run.push(node);
    }
  }
  flush();
  return blocks;
}

/** A paragraph of inline nodes, with any images inside hoisted out as image blocks (in order). */
function paragraphsWithImages(nodes: Node[]): Block[] {
  const blocks: Block[] = [];
  let run: Node[] = [];
  const flush = () => {
    const html = trimInline(inlineHtml(run));
    if (html !== '') blocks.push(paragraphBlock(html));
    run = [];
  };
  for (const node of nodes) {
    const images = findImages(node);
    if (images.length === 0) {
      run.push(node);
      continue;
    }
    run.push(node); // its text (images skipped by inlineHtml)
    flush();
    for (const img of images) {
      const block = imageFromElement(img);
      if (block) blocks.push(block);
    }
  }
  flush();
  return blocks;
}

function elementToBlocks(el: Element, ctx: Ctx): Block[] {
  switch (el.tagName) {
    case 'p':
      return paragraphsWithImages(el.childNodes);
    case 'h2':
    case 'h3':
    case 'h4': {
      const html = trimInline(inlineHtml(el.childNodes));
      if (html === '') return [];
      const level = Math.max(Number(el.tagName[1]), ctx.minHeading);
      return [headingBlock(html, level)];
    }
    case 'ul':
    case 'ol': {
      const list = listBlock(el);
      return list ? [list] : [];
    }
    case 'li': // a stray <li> outside a list (parse5 keeps it): its content as a paragraph
      return paragraphsWithImages(el.childNodes);
    case 'blockquote': {
      const inner = nodesToBlocks(el.childNodes, ctx);
      if (inner.length === 0) return [];
      return [
        {
          name: 'quote',
          attrs: {},
          before: '<blockquote class="wp-block-quote">',
          innerBlocks: inner,
          after: '</blockquote>',
        },
      ];
    }
    case 'table': {
      const table = tableBlock(el);
      return table ? [table] : [];
    }
    case 'tr': // a row outside a table cannot happen with parse5, but be total: keep the text
      return paragraphsWithImages(el.childNodes);
    case 'figure': {
      const images = findImages(el);
      const captionEl = el.childNodes.find((n): n is Element => isElement(n) && n.tagName === 'figcaption');
      const caption = captionEl ? trimInline(inlineHtml(captionEl.childNodes)) : '';
      if (images.length === 0) return caption === '' ? [] : [paragraphBlock(caption)];
      const out: Block[] = [];
      images.forEach((img, i) => {
        const block = imageFromElement(img, i === images.length - 1 ? caption : undefined);
        if (block) out.push(block);
      });
      return out;
    }
    case 'img': {
      const block = imageFromElement(el);
      return block ? [block] : [];
    }
    default:
      return paragraphsWithImages(el.childNodes);
  }
}

function listBlock(el: Element): Block | null {
  const items: Block[] = [];
  let loose: Node[] = [];
  const flushLoose = () => {
    const html = trimInline(inlineHtml(loose));
    if (html !== '') items.push(leaf('list-item', `<li>${html}</li>`));
    loose = [];
  };
  for (const child of el.childNodes) {
    if (isElement(child) && child.tagName === 'li') {
      flushLoose();
      const item = listItemBlock(child);
      if (item) items.push(item);
    } else if (isElement(child) && (child.tagName === 'ul' || child.tagName === 'ol')) {
      // A list directly inside a list (invalid HTML, common in AI output): nest it under the previous item.
      flushLoose();
      const nested = listBlock(child);
      if (!nested) continue;
      const prev = items[items.length - 1];
      if (prev) {
        prev.innerBlocks.push(nested);
        if (prev.after === '') {
          prev.before = prev.before.replace(/<\/li>$/, '');
          prev.after = '</li>';
        }
      } else {
        items.push({ name: 'list-item', attrs: {}, before: '<li>', innerBlocks: [nested], after: '</li>' });
      }
    } else {
      loose.push(child);
    }
  }
  flushLoose();
  if (items.length === 0) return null;
  const ordered = el.tagName === 'ol';
  const tag = ordered ? 'ol' : 'ul';
  return {
    name: 'list',
    attrs: ordered ? { ordered: true } : {},
    before: `<${tag}>`,
    innerBlocks: items,
    after: `</${tag}>`,
  };
}

function listItemBlock(li: Element): Block | null {
  const own: Node[] = [];
  const nested: Block[] = [];
  for (const child of li.childNodes) {
    if (isElement(child) && (child.tagName === 'ul' || child.tagName === 'ol')) {
      const list = listBlock(child);
      if (list) nested.push(list);
    } else {
      own.push(child);
    }
  }
  const content = trimInline(inlineHtml(own));
  if (content === '' && nested.length === 0) return null;
  if (nested.length === 0) return leaf('list-item', `<li>${content}</li>`);
  return { name: 'list-item', attrs: {}, before: `<li>${content}`, innerBlocks: nested, after: '</li>' };
}

function tableBlock(table: Element): Block | null {
  const sections: Record<'thead' | 'tbody' | 'tfoot', string[]> = { thead: [], tbody: [], tfoot: [] };
  const addRows = (section: 'thead' | 'tbody' | 'tfoot', container: Element) => {
    for (const row of container.childNodes) {
      if (!isElement(row) || row.tagName !== 'tr') continue;
      const cells: string[] = [];
      for (const cell of row.childNodes) {
        if (!isElement(cell) || (cell.tagName !== 'td' && cell.tagName !== 'th')) continue;
        cells.push(`<${cell.tagName}>${trimInline(inlineHtml(cell.childNodes))}</${cell.tagName}>`);
      }
      if (cells.length > 0) sections[section].push(`<tr>${cells.join('')}</tr>`);
    }
  };
  for (const child of table.childNodes) {
    if (!isElement(child)) continue;
    if (child.tagName === 'thead' || child.tagName === 'tbody' || child.tagName === 'tfoot')
      addRows(child.tagName, child);
    else if (child.tagName === 'tr') addRows('tbody', table);
  }
  const parts = (['thead', 'tbody', 'tfoot'] as const)
    .filter((s) => sections[s].length > 0)
    .map((s) => `<${s}>${sections[s].join('')}</${s}>`);
  if (parts.length === 0) return null;
  return leaf('table', `<figure class="wp-block-table"><table>${parts.join('')}</table></figure>`);
}

// ---------------------------------------------------------------------------------------------------------------
// Public API

/** Sanitizes an HTML fragment and converts it into block objects (not serialized). */
export function htmlToBlocks(html: string, opts: { minHeading?: number } = {}): Block[] {
  const fragment = parseFragment(sanitizeFragment(html));
  return nodesToBlocks(fragment.childNodes, { minHeading: opts.minHeading ?? 2 });
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
