import { PluginSidebar, PluginSidebarMoreMenuItem } from '@wordpress/edit-post';
import { useState } from '@wordpress/element';
import { __ } from '@wordpress/i18n';
import { balanceAfter } from './credits';
import { FeaturedImagePanel } from './featured-image-panel';
import { SelectedBlockPanel } from './selected-block-panel';
import { SeoPanel } from './seo-panel';
import { WriteDraftPanel } from './write-draft-panel';

export const SIDEBAR_NAME = 'igny8-sidebar';
const ICON = 'edit-page';

/**
 * IGNY8's sidebar in the block editor: write a draft for this post, improve or regenerate the selected block, make
 * its featured image, and its SEO title and description. The paid panels share the credit balance the site knows
 * (lowered by what each run charged).
 */
export function Igny8Sidebar() {
  const title = __('IGNY8', 'igny8');
  const connected = window.igny8Editor?.connected === true;
  const [balance, setBalance] = useState<number | null>(window.igny8Editor?.credits ?? null);
  const onCharged = (charged: number | null) => setBalance((current) => balanceAfter(current, charged));
  return (
    <>
      <PluginSidebarMoreMenuItem target={SIDEBAR_NAME} icon={ICON}>
        {title}
      </PluginSidebarMoreMenuItem>
      <PluginSidebar name={SIDEBAR_NAME} title={title} icon={ICON} className="igny8-sidebar">
        <WriteDraftPanel />
        {connected && <SelectedBlockPanel balance={balance} onCharged={onCharged} />}
        {connected && <FeaturedImagePanel balance={balance} onCharged={onCharged} />}
        <SeoPanel />
      </PluginSidebar>
    </>
  );
}
