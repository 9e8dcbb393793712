/**
 * The WordPress packages the editor sidebar uses that are not installed from npm (their current versions do not
 * install here): webpack's dependency extraction turns each import into the script WordPress ships (`wp.plugins`,
 * `wp.editPost`, `wp.blocks`), so only the few names used are declared, as WordPress 6.1 has them.
 */
declare module '@wordpress/plugins' {
  import type { ComponentType } from 'react';

  export function registerPlugin(
    name: string,
    settings: { render: ComponentType; icon?: string | JSX.Element | undefined },
  ): unknown;
}

declare module '@wordpress/edit-post' {
  import type { ReactNode } from 'react';

  interface SidebarProps {
    name: string;
    title: string;
    icon?: string | JSX.Element | undefined;
    className?: string | undefined;
    children?: ReactNode;
  }

  /** A sidebar of the block editor, opened from its toolbar button (pinned) or the "More" menu. */
  export function PluginSidebar(props: SidebarProps): JSX.Element;
  /** The sidebar's entry in the editor's "More" menu. */
  export function PluginSidebarMoreMenuItem(props: {
    target: string;
    icon?: string | JSX.Element | undefined;
    children?: ReactNode;
  }): JSX.Element;
}

declare module '@wordpress/blocks' {
  export interface BlockInstance {
    clientId: string;
    name: string;
    isValid: boolean;
    attributes: Record<string, unknown>;
    innerBlocks: BlockInstance[];
  }

  /** Block markup (`<!-- wp:paragraph -->...`) into block objects. */
  export function parse(content: string): BlockInstance[];
  /** A block's saved HTML (inner blocks serialized with their comments). */
  export function getBlockContent(block: BlockInstance): string;
  /** A registered block type (its title, for messages). */
  export function getBlockType(name: string): { title?: string } | undefined;
}
