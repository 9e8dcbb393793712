import type { TSiteBulkAction, TSitesBulkResult } from '@igny8/shared';
import { Notice } from '@wordpress/components';
import { __, _n, sprintf } from '@wordpress/i18n';

const ACTION_LABELS: Record<TSiteBulkAction, () => string> = {
  check_connection: () => __('Connection check', 'igny8'),
  disconnect: () => __('Disconnect', 'igny8'),
  automation_start: () => __('Start automation', 'igny8'),
  automation_pause: () => __('Pause automation', 'igny8'),
};

/** What a bulk action did, site by site, in the server's words. */
export function BulkResults({ result, onDismiss }: { result: TSitesBulkResult; onDismiss: () => void }) {
  const status = result.failed === 0 ? 'success' : result.succeeded === 0 ? 'error' : 'warning';
  const what = ACTION_LABELS[result.action]?.() ?? result.action;
  return (
    <Notice status={status} onRemove={onDismiss} className="igny8-bulk-results">
      <p>
        {sprintf(
          /* translators: 1: the action, 2: sites where it worked, 3: sites it was run on */
          _n('%1$s: %2$d of %3$d site done.', '%1$s: %2$d of %3$d sites done.', result.results.length, 'igny8'),
          what,
          result.succeeded,
          result.results.length,
        )}
      </p>
      <ul>
        {result.results.map((r) => (
          <li key={r.siteId}>{r.message}</li>
        ))}
      </ul>
    </Notice>
  );
}
