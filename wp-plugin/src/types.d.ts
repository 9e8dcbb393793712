/**
 * Initial state the plugin's PHP inlines before each admin script (see includes/Admin/Assets.php).
 * It never holds a secret: the REST nonce only proves the request comes from this logged-in user's session.
 */
interface Igny8Settings {
  /** REST namespace of the plugin's routes, `igny8/v1`. */
  restNamespace: string;
  /** `wp_rest` nonce for api-fetch's nonce middleware. */
  nonce: string;
  adminUrl: string;
  /** The site's home URL. */
  siteUrl: string;
  pluginVersion: string;
}

/** What the block editor's sidebar is told (includes/Admin/EditorSidebar.php). */
interface Igny8EditorSettings {
  /** Whether this site is connected to IGNY8 (writing a draft needs it; the SEO fields do not). */
  connected: boolean;
  /** IGNY8 > Connection, for users who may connect the site; null for others. */
  connectionUrl: string | null;
  /** The account's credit balance as the server last reported it to the site; null when unknown. */
  credits?: number | null;
  /** Whether the user may add files to the media library (the featured image needs it). */
  canUpload?: boolean;
}

interface Window {
  igny8Settings?: Igny8Settings;
  igny8Editor?: Igny8EditorSettings;
}
