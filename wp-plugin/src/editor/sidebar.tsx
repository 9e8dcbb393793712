import { PluginSidebar, PluginSidebarMoreMenuItem } from '@wordpress/edit-post';
import { __ } from '@wordpress/i18n';
import { SeoPanel } from './seo-panel';
import { WriteDraftPanel } from './write-draft-panel';

export const SIDEBAR_NAME = 'igny8-sidebar';
const ICON = 'edit-page';

/** IGNY8's sidebar in the block editor: write a draft for this post, its SEO title and description. */
export function Igny8Sidebar() {
  const title = __('IGNY8', 'igny8');
  return (
    <>
      <PluginSidebarMoreMenuItem target={SIDEBAR_NAME} icon={ICON}>
        {title}
      </PluginSidebarMoreMenuItem>
      <PluginSidebar name={SIDEBAR_NAME} title={title} icon={ICON} className="igny8-sidebar">
        <WriteDraftPanel />
        <SeoPanel />
      </PluginSidebar>
    </>
  );
}
