/** What WriterScreen.php inlines before the writer script (window.igny8Writer). */
export interface WriterSettings {
  /** Whether this site is connected to an IGNY8 account. */
  connected: boolean;
  /** Whether the user may publish (publish_posts). */
  canPublish: boolean;
  connectionUrl: string;
  plannerUrl: string;
  /** Whether the user may connect the site (manage_options). */
  canManageConnection: boolean;
  /** The image route's base URL (igny8/v1/images/), to which an image id is appended. */
  imageUrl: string;
  /** What the publish form starts with (IGNY8 > Settings): the post status and a category name ('' for none). */
  publish: { status: 'publish' | 'draft'; category: string };
}

declare global {
  interface Window {
    igny8Writer?: WriterSettings;
  }
}

const DEFAULTS: WriterSettings = {
  connected: false,
  canPublish: false,
  connectionUrl: '',
  plannerUrl: '',
  canManageConnection: false,
  imageUrl: '',
  publish: { status: 'publish', category: '' },
};

export const writerSettings = (): WriterSettings => ({ ...DEFAULTS, ...(window.igny8Writer ?? {}) });

/**
 * Where an image's bytes are read: the plugin's image route with the REST nonce (an <img> cannot send the
 * X-WP-Nonce header, WordPress accepts `_wpnonce` in the query instead).
 */
export const imageSrc = (imageId: string): string => {
  const { imageUrl } = writerSettings();
  const nonce = window.igny8Settings?.nonce ?? '';
  // An image made again gets a new id (the server's rule), so one URL's picture never changes.
  return `${imageUrl}${encodeURIComponent(imageId)}${imageUrl.includes('?') ? '&' : '?'}_wpnonce=${encodeURIComponent(nonce)}`;
};
