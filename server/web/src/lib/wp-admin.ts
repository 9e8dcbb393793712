/** Links into a connected site's own wp-admin screens (the plugin's page slugs, wp-plugin/includes/Admin). */
export type WpScreen = 'dashboard' | 'planner' | 'writer' | 'automation' | 'connection' | 'settings';

const SLUGS: Record<WpScreen, string> = {
  dashboard: 'igny8',
  planner: 'igny8-planner',
  writer: 'igny8-writer',
  automation: 'igny8-automation',
  connection: 'igny8-connection',
  settings: 'igny8-settings',
};

export function wpAdminUrl(siteUrl: string, screen: WpScreen, extra: Record<string, string> = {}): string {
  const url = new URL('wp-admin/admin.php', siteUrl.endsWith('/') ? siteUrl : `${siteUrl}/`);
  url.searchParams.set('page', SLUGS[screen]);
  for (const [key, value] of Object.entries(extra)) url.searchParams.set(key, value);
  return url.toString();
}

/** The block editor for a post of the site. */
export function wpEditPostUrl(siteUrl: string, postId: number): string {
  const url = new URL('wp-admin/post.php', siteUrl.endsWith('/') ? siteUrl : `${siteUrl}/`);
  url.searchParams.set('post', String(postId));
  url.searchParams.set('action', 'edit');
  return url.toString();
}
