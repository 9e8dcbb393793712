import type { TUsageReport } from '@igny8/shared';
import type {
  PublishingSettings,
  SettingsError,
  SettingsSection,
  SettingsState,
  SiteSettings,
  UsageGroupBy,
} from './types';

/** The publishing defaults; null until loaded (the resolver fetches them). */
export const getPublishing = (state: SettingsState): PublishingSettings | null => state.publishing;

/** The server's site (language, voice); null until loaded. */
export const getSite = (state: SettingsState): SiteSettings | null => state.site;

/** The account's credit balance; null until loaded. */
export const getBalance = (state: SettingsState): number | null => state.balance;

/** This site's usage over the last 30 days; undefined until loaded. */
export const getUsage = (state: SettingsState, groupBy: UsageGroupBy): TUsageReport | undefined => state.usage[groupBy];

export const getSaving = (state: SettingsState): SettingsSection | null => state.saving;

export const getError = (state: SettingsState, section: SettingsSection): SettingsError | null =>
  state.errors[section] ?? null;
