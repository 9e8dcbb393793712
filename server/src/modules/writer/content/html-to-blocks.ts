// Sanitized section HTML -> WordPress block objects: paragraphs, headings, lists, quotes, tables and images (the
// formats are described in blocks.ts).
import { parseFragment } from 'parse5';
import {
  escapeHtml,
  headingBlock,
  leaf,
  paragraphBlock,
  serializeBlock,
  type Block,
  type ImageBlockInput,
} from './block-markup.ts';
import {
  attr,
  BLOCK_TAGS,
  findImages,
  inlineFromHtml,
  inlineHtml,
  isElement,
  trimInline,
  type Element,
  type Node,
} from './inline.ts';
import { safeUrl, sanitizeFragment } from './sanitize.ts';

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

/** Sanitizes an HTML fragment and converts it into block objects (not serialized). */
export function htmlToBlocks(html: string, opts: { minHeading?: number } = {}): Block[] {
  const fragment = parseFragment(sanitizeFragment(html));
  return nodesToBlocks(fragment.childNodes, { minHeading: opts.minHeading ?? 2 });
}
