import type { TSiteOverview } from '@igny8/shared';
import { __ } from '@wordpress/i18n';

/** A site's connection in one word, as the Sites table and the site page show it. */
export type SiteHealthValue = 'ok' | 'unknown' | 'unreachable' | 'error' | 'disconnected' | 'never';

export const HEALTH_LABELS: Record<SiteHealthValue, () => string> = {
  ok: () => __('Healthy', 'igny8'),
  unknown: () => __('Not checked yet', 'igny8'),
  unreachable: () => __('Unreachable', 'igny8'),
  error: () => __('Error', 'igny8'),
  disconnected: () => __('Disconnected', 'igny8'),
  never: () => __('Never connected', 'igny8'),
};

export function siteHealth(site: Pick<TSiteOverview, 'connectionState' | 'health'>): SiteHealthValue {
  if (site.connectionState !== 'connected') return site.connectionState;
  return site.health ?? 'unknown';
}
