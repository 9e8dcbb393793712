/** What PlannerScreen.php inlines before the planner script (window.igny8Planner). */
export interface PlannerSettings {
  /** Whether this site is connected to an IGNY8 account. */
  connected: boolean;
  /** The largest keyword file this site accepts, in bytes (PHP's upload and POST limits). */
  maxImportBytes: number;
  connectionUrl: string;
  /** Whether the user may connect the site (manage_options). */
  canManageConnection: boolean;
}

declare global {
  interface Window {
    igny8Planner?: PlannerSettings;
  }
}

const DEFAULTS: PlannerSettings = {
  connected: false,
  maxImportBytes: 8 * 1024 * 1024,
  connectionUrl: '',
  canManageConnection: false,
};

export const plannerSettings = (): PlannerSettings => ({ ...DEFAULTS, ...(window.igny8Planner ?? {}) });
