// Test helpers: parse our output the way WordPress does (block delimiters) and the way a browser does (parse5), and
// list everything in it that is not on the allowlist. Used by the content tests only.
import { parse as parseBlocks } from '@wordpress/block-serialization-default-parser';
import { parseFragment, type DefaultTreeAdapterTypes as T } from 'parse5';

export type ParsedBlock = ReturnType<typeof parseBlocks>[number];

export const ALLOWED_BLOCKS = new Set([
  'core/paragraph',
  'core/heading',
  'core/list',
  'core/list-item',
  'core/quote',
  'core/table',
  'core/image',
]);

const ALLOWED_ELEMENTS: Record<string, string[]> = {
  p: [],
  h2: [],
  h3: [],
  h4: [],
  ul: [],
  ol: [],
  li: [],
  blockquote: ['class'],
  figure: ['class'],
  figcaption: ['class'],
  table: [],
  thead: [],
  tbody: [],
  tfoot: [],
  tr: [],
  th: [],
  td: [],
  img: ['src', 'alt', 'class'],
  a: ['href', 'title', 'target', 'rel'],
  strong: [],
  em: [],
  code: [],
  br: [],
  sup: [],
  sub: [],
};
const ALLOWED_CLASSES = new Set([
  'wp-block-quote',
  'wp-block-table',
  'wp-block-image',
  'size-large',
  'wp-element-caption',
]);
const DELIMITER = /^ \/?wp:(paragraph|heading|list|list-item|quote|table|image)( \{[^]*\})? \/?$/;

/** Top-level blocks without the whitespace-only "freeform" pieces between them. */
export function blocksOf(markup: string): ParsedBlock[] {
  const strip = (blocks: ParsedBlock[]): ParsedBlock[] =>
    blocks
      .filter((b) => b.blockName !== null || b.innerHTML.trim() !== '')
      .map((b) => ({ ...b, innerBlocks: strip(b.innerBlocks) }));
  return strip(parseBlocks(markup));
}

export function allBlocks(blocks: ParsedBlock[]): ParsedBlock[] {
  return blocks.flatMap((b) => [b, ...allBlocks(b.innerBlocks)]);
}

/**
 * Everything in the markup that would be a problem in a browser or in WordPress: a block outside the allowlist or
 * freeform HTML between blocks, a comment that is not one of our delimiters, an element or attribute outside the
 * allowlist, a URL with a scheme other than http(s)/mailto, a class we do not emit. Empty means safe.
 */
export function problemsIn(markup: string, opts: { fragment?: boolean } = {}): string[] {
  const problems: string[] = [];
  for (const block of opts.fragment ? [] : allBlocks(parseBlocks(markup))) {
    if (block.blockName === null) {
      if (block.innerHTML.trim() !== '') problems.push(`freeform HTML outside blocks: ${block.innerHTML.slice(0, 80)}`);
    } else if (!ALLOWED_BLOCKS.has(block.blockName)) problems.push(`block ${block.blockName}`);
  }
  const walk = (nodes: T.ChildNode[]) => {
    for (const node of nodes) {
      if (node.nodeName === '#comment') {
        const data = (node as T.CommentNode).data;
        if (!DELIMITER.test(data)) problems.push(`comment <!--${data}-->`);
        continue;
      }
      if (!('tagName' in node)) continue;
      const allowedAttrs = ALLOWED_ELEMENTS[node.tagName];
      if (allowedAttrs === undefined || node.namespaceURI !== 'http://www.w3.org/1999/xhtml') {
        problems.push(`element <${node.tagName}>`);
      }
      for (const a of node.attrs) {
        if (!allowedAttrs?.includes(a.name) || a.prefix) problems.push(`attribute ${a.name} on <${node.tagName}>`);
        if (a.name === 'href' || a.name === 'src') {
          // eslint-disable-next-line no-control-regex
          const compact = a.value.replace(/[\u0000-\u0020\u007f-\u009f]+/g, '').toLowerCase();
          const scheme = /^([a-z][a-z0-9+.-]*):/.exec(compact)?.[1];
          const ok =
            scheme === undefined
              ? a.name === 'href' && !compact.startsWith('//')
              : ['http', 'https', 'mailto'].includes(scheme);
          if (!ok || (a.name === 'src' && scheme !== 'http' && scheme !== 'https'))
            problems.push(`${a.name}="${a.value}"`);
        }
        if (a.name === 'class') {
          for (const c of a.value.split(/\s+/))
            if (!ALLOWED_CLASSES.has(c) && !/^wp-image-\d+$/.test(c)) problems.push(`class ${c}`);
        }
        if (a.name === 'target' && a.value !== '_blank') problems.push(`target=${a.value}`);
        if (a.name === 'rel' && a.value !== 'noopener') problems.push(`rel=${a.value}`);
      }
      walk(node.childNodes);
    }
  };
  walk(parseFragment(markup).childNodes);
  return problems;
}
