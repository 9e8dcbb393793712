// Inline HTML re-serialized from our own allowlist (parse5 default tree adapter): every text node and attribute value
// escaped, links kept only with a safe URL, block-level descendants flattened to text.
import { parseFragment, type DefaultTreeAdapterTypes as T } from 'parse5';
import { escapeHtml } from './block-markup.ts';
import { safeUrl, sanitizeFragment } from './sanitize.ts';

export type Node = T.ChildNode;
export type Element = T.Element;

const INLINE_TAGS = new Set(['a', 'strong', 'em', 'code', 'sup', 'sub', 'br']);
export const BLOCK_TAGS = new Set(['p', 'h2', 'h3', 'h4', 'ul', 'ol', 'li', 'blockquote', 'table', 'figure', 'img']);

export function isElement(node: Node): node is Element {
  return 'tagName' in node;
}

export function isText(node: Node): node is T.TextNode {
  return node.nodeName === '#text';
}

export function attr(el: Element, name: string): string | undefined {
  return el.attrs.find((a) => a.name === name)?.value;
}

/** Collapses whitespace like HTML rendering does (WordPress's block validator ignores such differences too). */
export function collapse(text: string): string {
  return text.replace(/[\t\n\f\r ]+/g, ' ');
}

/** Serializes inline content (text + allowed inline elements); block-level descendants are flattened to text. */
export function inlineHtml(nodes: Node[]): string {
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
export function trimInline(html: string): string {
  return html
    .replace(/^(?:\s|<br\/>)+/, '')
    .replace(/(?:\s|<br\/>)+$/, '')
    .replace(/ {2,}/g, ' ');
}

export function inlineFromHtml(html: string): string {
  return trimInline(inlineHtml(parseFragment(sanitizeFragment(html)).childNodes));
}

export function findImages(node: Node, out: Element[] = []): Element[] {
  if (!isElement(node)) return out;
  if (node.tagName === 'img') out.push(node);
  else for (const child of node.childNodes) findImages(child, out);
  return out;
}
