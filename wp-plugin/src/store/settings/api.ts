/**
 * Where the Settings screen's data lives: the publishing defaults are this site's own options
 * (`igny8/v1/settings`); the site's language and voice, the balance and the usage are the server's, reached
 * through the plugin's forwarding route (src/api/client.ts).
 */
import apiFetch from '@wordpress/api-fetch';
import { CURRENT_SITE, igny8Api } from '../../api/client';
import { REST_NAMESPACE } from '../../api/connection';
import type { TCreditBalance, TUsageReport } from '@igny8/shared';
import type { PublishingChanges, PublishingSettings, SiteSettings, UsageGroupBy, WritingChanges } from './types';

export const SETTINGS_PATH = `/${REST_NAMESPACE}/settings`;

export const fetchPublishing = () => apiFetch<PublishingSettings>({ path: SETTINGS_PATH });

export const savePublishingSettings = (changes: PublishingChanges) =>
  apiFetch<PublishingSettings>({ path: SETTINGS_PATH, method: 'POST', data: changes });

export const fetchSite = () => igny8Api<SiteSettings>(`sites/${CURRENT_SITE}`);

export const patchSite = (changes: WritingChanges) =>
  igny8Api<SiteSettings>(`sites/${CURRENT_SITE}`, { method: 'PATCH', body: changes });

export const fetchBalance = async () => (await igny8Api<TCreditBalance>('billing/balance')).balance;

/** The last 30 days (the server's default range) of this site's usage. */
export const fetchUsage = (groupBy: UsageGroupBy) => igny8Api<TUsageReport>('billing/usage', { query: { groupBy } });
