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

interface Window {
  igny8Settings?: Igny8Settings;
}
