import type { TPublishStatus, TSite, TUpdateSiteBody, TUsageGroupBy, TUsageReport } from '@igny8/shared';

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

/** The statuses the server's publish request accepts without a date. */
export type PostStatus = Exclude<TPublishStatus, 'future'>;

export interface Choice {
  id: number;
  name: string;
}

export type PublishingChanges = Partial<
  Pick<PublishingSettings, 'defaultPostStatus' | 'defaultAuthor' | 'defaultCategory'>
>;

/** The part of the server's site (GET /api/v1/sites/:siteId) this screen shows and changes. */
export type SiteSettings = Pick<TSite, 'id' | 'name' | 'language' | 'timezone' | 'voice'>;

export type WritingChanges = Pick<TUpdateSiteBody, 'language' | 'voice'>;

/** The usage views the screen offers. */
export type UsageGroupBy = Extract<TUsageGroupBy, 'operation' | 'day'>;

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
  usage: Partial<Record<UsageGroupBy, TUsageReport>>;
  /** The panel being saved, if any. */
  saving: SettingsSection | null;
  errors: Partial<Record<SettingsSection, SettingsError>>;
}

export type SettingsAction =
  | { type: 'RECEIVE_PUBLISHING'; settings: PublishingSettings }
  | { type: 'RECEIVE_SITE'; site: SiteSettings }
  | { type: 'RECEIVE_BALANCE'; balance: number }
  | { type: 'RECEIVE_USAGE'; groupBy: UsageGroupBy; report: TUsageReport }
  | { type: 'START_SAVE'; section: SettingsSection }
  | { type: 'FAIL'; error: SettingsError }
  | { type: 'CLEAR_ERROR'; section: SettingsSection };

/** The part of @wordpress/data's thunk arguments these thunks use. */
export interface SettingsThunkArgs {
  dispatch: (action: SettingsAction) => unknown;
}
