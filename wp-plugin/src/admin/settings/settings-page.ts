/** What SettingsScreen.php inlines before the settings script (window.igny8SettingsScreen). */
export interface SettingsPage {
  /** The connection as the plugin knows it (refreshed by a heartbeat when older than a minute). */
  connection: {
    connected: boolean;
    accountName: string | null;
    serverUrl: string | null;
    siteUrl: string;
    /** ISO 8601 date of the last signed exchange with the server. */
    lastContactAt: string | null;
    /** The WordPress user the server publishes as. */
    publisherUser: string | null;
  };
  connectionUrl: string;
  canManageConnection: boolean;
}

declare global {
  interface Window {
    igny8SettingsScreen?: SettingsPage;
  }
}

const DEFAULTS: SettingsPage = {
  connection: {
    connected: false,
    accountName: null,
    serverUrl: null,
    siteUrl: '',
    lastContactAt: null,
    publisherUser: null,
  },
  connectionUrl: '',
  canManageConnection: false,
};

export const settingsPage = (): SettingsPage => ({ ...DEFAULTS, ...(window.igny8SettingsScreen ?? {}) });
