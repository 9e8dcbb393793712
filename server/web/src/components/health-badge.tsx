import type { TSiteOverview } from '@igny8/shared';
import { HEALTH_LABELS, siteHealth } from '../lib/site-health';

/** A coloured dot and a word: the colour is never the only signal. */
export function HealthBadge({ site }: { site: Pick<TSiteOverview, 'connectionState' | 'health' | 'healthDetail'> }) {
  const value = siteHealth(site);
  return (
    <span className={`igny8-health igny8-health--${value}`} title={site.healthDetail ?? undefined}>
      {HEALTH_LABELS[value]()}
    </span>
  );
}
