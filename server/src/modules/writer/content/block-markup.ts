// WordPress block objects and their serialization, as @wordpress/blocks' serializer writes them (see blocks.ts for
// the formats of each block).

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

export function leaf(name: string, html: string, attrs: Record<string, unknown> = {}): Block {
  return { name, attrs, before: html, innerBlocks: [], after: '' };
}

export function paragraphBlock(innerHtml: string): Block {
  return leaf('paragraph', `<p>${innerHtml}</p>`);
}

export function headingBlock(innerHtml: string, level: number): Block {
  const l = Math.min(Math.max(Math.trunc(level), 2), 4);
  return leaf('heading', `<h${l}>${innerHtml}</h${l}>`, l === 2 ? {} : { level: l });
}
