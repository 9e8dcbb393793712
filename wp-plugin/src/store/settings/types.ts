/** What `GET|POST igny8/v1/settings` answers (includes/Rest/SettingsController.php). */
export interface PublishingSettings {
  defaultPostStatus: PostStatus;
  /** A user id; 0 for the IGNY8 publishing user. */
  defaultAuthor: number;
  /** A category's term id; 0 for none. */
  defaultCategory: number;
  choices: {
    postStatuses: PostStatus[];
    authors: Choice[];
    categories: Choice[];
  };
}

/** The statuses the server's publish request accepts without a date (shared/src/publisher.ts). */
export type PostStatus = 'publish' | 'draft';

export interface Choice {
  id: number;
  name: string;
}

export type PublishingChanges = Partial<
  Pick<PublishingSettings, 'defaultPostStatus' | 'defaultAuthor' | 'defaultCategory'>
>;

/** The part of the server's site (GET /api/v1/sites/:siteId) this screen shows and changes. */
export interface SiteSettings {
  id: string;
  name: string;
  /** BCP 47, such as "en" or "pt-BR". */
  language: string;
  timezone: string;
  /** How articles should sound; '' for no preference. */
  voice: string;
}

export type WritingChanges = Partial<Pick<SiteSettings, 'language' | 'voice'>>;

export type UsageGroupBy = 'operation' | 'day';

/** ZUsageReport (shared/src/billing.ts). */
export interface UsageReport {
  from: string;
  to: string;
  groupBy: string;
  total: { credits: number; count: number };
  groups: { key: string | null; credits: number; count: number }[];
}

/** Which part of the screen a request belongs to (each panel shows its own errors). */
export type SettingsSection = 'publishing' | 'writing' | 'usage';

/** A failed request: `message` is shown as is; `fields` holds each refused field's own message. */
export interface SettingsError {
  section: SettingsSection;
  /** A load or a save. */
  operation: 'load' | 'save';
  code: string;
  message: string;
  fields: Record<string, string>;
}

export interface SettingsState {
  publishing: PublishingSettings | null;
  site: SiteSettings | null;
  balance: number | null;
  usage: Partial<Record<UsageGroupBy, UsageReport>>;
  /** The panel being saved, if any. */
  saving: SettingsSection | null;
  errors: Partial<Record<SettingsSection, SettingsError>>;
}

export type SettingsAction =
  | { type: 'RECEIVE_PUBLISHING'; settings: PublishingSettings }
  | { type: 'RECEIVE_SITE'; site: SiteSettings }
  | { type: 'RECEIVE_BALANCE'; balance: number }
  | { type: 'RECEIVE_USAGE'; groupBy: UsageGroupBy; report: UsageReport }
  | { type: 'START_SAVE'; section: SettingsSection }
  | { type: 'FAIL'; error: SettingsError }
  | { type: 'CLEAR_ERROR'; section: SettingsSection };

/** The part of @wordpress/data's thunk arguments these thunks use. */
export interface SettingsThunkArgs {
  dispatch: (action: SettingsAction) => unknown;
}
