/** What AutomationScreen.php inlines before the automation script (window.igny8Automation). */
export interface AutomationPage {
  /** Whether this site is connected to an IGNY8 account. */
  connected: boolean;
  /** Whether the user may change the settings, start and stop runs and publish from the queue (manage_options). */
  canManage: boolean;
  plannerUrl: string;
  writerUrl: string;
  settingsUrl: string;
  connectionUrl: string;
  /** Whether the user may connect the site (manage_options). */
  canManageConnection: boolean;
}

declare global {
  interface Window {
    igny8Automation?: AutomationPage;
  }
}

const DEFAULTS: AutomationPage = {
  connected: false,
  canManage: false,
  plannerUrl: '',
  writerUrl: '',
  settingsUrl: '',
  connectionUrl: '',
  canManageConnection: false,
};

export const automationPage = (): AutomationPage => ({ ...DEFAULTS, ...(window.igny8Automation ?? {}) });

/** The Writer screen with a task open (src/admin/writer/writer-screen.tsx reads `task`). */
export const writerTaskUrl = (taskId: string): string =>
  `${automationPage().writerUrl}${automationPage().writerUrl.includes('?') ? '&' : '?'}task=${encodeURIComponent(taskId)}`;
