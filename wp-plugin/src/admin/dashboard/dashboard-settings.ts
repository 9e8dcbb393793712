/** What DashboardScreen.php inlines before the dashboard script (window.igny8Dashboard). */
export interface DashboardSettings {
  connected: boolean;
  accountName: string | null;
  /** The account's credit balance as the server last reported it to this site (its heartbeat); null when unknown. */
  credits: number | null;
  plannerUrl: string;
  connectionUrl: string;
  canManageConnection: boolean;
}

declare global {
  interface Window {
    igny8Dashboard?: DashboardSettings;
  }
}

const DEFAULTS: DashboardSettings = {
  connected: false,
  accountName: null,
  credits: null,
  plannerUrl: '',
  connectionUrl: '',
  canManageConnection: false,
};

export const dashboardSettings = (): DashboardSettings => ({ ...DEFAULTS, ...(window.igny8Dashboard ?? {}) });
