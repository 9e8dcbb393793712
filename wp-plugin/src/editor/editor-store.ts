/**
 * The few block-editor selectors and actions the sidebar uses, typed: WordPress's `core/editor` and
 * `core/block-editor` stores are reached by name (their packages are scripts WordPress ships, not npm installs).
 */
import type { BlockInstance } from '@wordpress/blocks';

export type PostMeta = Record<string, unknown>;

export interface EditorSelectors {
  getEditedPostAttribute(attribute: 'meta'): PostMeta | undefined;
  getEditedPostAttribute(attribute: 'title'): string | undefined;
  getEditedPostAttribute(attribute: 'featured_media'): number | undefined;
  getCurrentPostType(): string;
  getCurrentPostId(): number | null;
}

export interface EditorActions {
  editPost(edits: { title?: string; meta?: PostMeta; featured_media?: number }): void;
}

export interface BlockEditorSelectors {
  getSelectedBlock(): BlockInstance | null;
  getSelectedBlockCount(): number;
  getBlock(clientId: string): BlockInstance | null;
  getBlockIndex(clientId: string): number;
  getBlockRootClientId(clientId: string): string | null;
}

export interface BlockEditorActions {
  /** Inserts at the end of the post, or at `index` of `rootClientId`'s blocks. */
  insertBlocks(blocks: BlockInstance[], index?: number, rootClientId?: string | null): void;
  /** One undoable change: the editor's Undo puts the replaced blocks back. */
  replaceBlocks(clientIds: string | string[], blocks: BlockInstance[]): void;
}

export const EDITOR_STORE = 'core/editor';
export const BLOCK_EDITOR_STORE = 'core/block-editor';

/** The post meta keys IGNY8 registers (includes/Publishing/PostMeta.php). */
export const META = { seoTitle: '_igny8_seo_title', seoDescription: '_igny8_seo_description' } as const;

/** A meta value as a string ('' when unset or not a string). */
export const metaString = (meta: PostMeta | undefined, key: string): string => {
  const value = meta?.[key];
  return typeof value === 'string' ? value : '';
};
