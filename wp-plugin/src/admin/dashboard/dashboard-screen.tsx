import { Button, Spinner } from '@wordpress/components';
import { useDispatch, useSelect } from '@wordpress/data';
import { useEffect, useState } from '@wordpress/element';
import { __, sprintf } from '@wordpress/i18n';
import { igny8Api } from '../../api/client';
import { EmptyState } from '../../components/empty-state';
import { ErrorNotice } from '../../components/error-notice';
import { NotConnected } from '../../components/not-connected';
import type { TKeywordImport } from '@igny8/shared';
import { store as plannerStore, type PipelineCount } from '../../store/planner';
import { dashboardSettings } from './dashboard-settings';
import { RecentJobs } from './recent-jobs';

const countText = ({ count, more }: PipelineCount): string =>
  /* translators: %s: a number; "200+" means more than 200 */
  more ? sprintf(__('%s+', 'igny8'), count.toLocaleString()) : count.toLocaleString();

const importStatusText = (keywordImport: TKeywordImport): string =>
  ({
    uploaded: __('Uploaded', 'igny8'),
    needs_mapping: __('Waiting for its columns to be chosen', 'igny8'),
    queued: __('Waiting to start', 'igny8'),
    importing: __('Importing', 'igny8'),
    succeeded: sprintf(
      /* translators: 1: new keywords, 2: updated keywords */
      __('Done: %1$d new, %2$d updated', 'igny8'),
      keywordImport.rowsInserted,
      keywordImport.rowsUpdated,
    ),
    failed: keywordImport.error?.message ?? __('Failed', 'igny8'),
  })[keywordImport.status];

/** IGNY8 > Dashboard: credits, how far planning has come, the latest keyword imports and the latest jobs. */
export function DashboardScreen() {
  const settings = dashboardSettings();
  if (!settings.connected) {
    return (
      <div className="igny8-dashboard">
        <NotConnected
          title={__('Connect this site to IGNY8 to start', 'igny8')}
          intro={__(
            'IGNY8 groups the keywords you import into topic clusters, suggests article ideas, writes the articles you approve and publishes them here.',
            'igny8',
          )}
          canManageConnection={settings.canManageConnection}
          connectionUrl={settings.connectionUrl}
        />
      </div>
    );
  }
  return <ConnectedDashboard />;
}

/**
 * The balance to show: the one the server last reported to the site (its heartbeat, up to a minute old), replaced by
 * the server's current one for those who may read it (administrators: `billing/balance`).
 */
function useBalance(): number | null {
  const settings = dashboardSettings();
  const [live, setLive] = useState<number | null>(null);
  useEffect(() => {
    if (!settings.canManageConnection) {
      return undefined;
    }
    let current = true;
    igny8Api<{ balance: number }>('billing/balance').then(
      ({ balance }) => current && setLive(balance),
      // The heartbeat's figure stays.
      () => undefined,
    );
    return () => {
      current = false;
    };
  }, [settings.canManageConnection]);
  return live ?? settings.credits;
}

function ConnectedDashboard() {
  const settings = dashboardSettings();
  const balance = useBalance();
  const { pipeline, imports, error } = useSelect((select) => {
    const planner = select(plannerStore);
    return { pipeline: planner.getPipeline(), imports: planner.getRecentImports(), error: planner.getError() };
  }, []);
  const { clearError, invalidateResolutionForStore } = useDispatch(plannerStore);

  const cards: { label: string; value: string }[] = [
    {
      label: __('Credit balance', 'igny8'),
      value: balance === null ? __('Unknown', 'igny8') : balance.toLocaleString(),
    },
    ...(pipeline
      ? [
          { label: __('Keywords', 'igny8'), value: pipeline.keywords.toLocaleString() },
          { label: __('Keywords not yet clustered', 'igny8'), value: pipeline.newKeywords.toLocaleString() },
          { label: __('Clusters', 'igny8'), value: countText(pipeline.clusters) },
          { label: __('Ideas to review', 'igny8'), value: countText(pipeline.ideasToReview) },
          { label: __('Approved ideas', 'igny8'), value: countText(pipeline.approvedIdeas) },
          { label: __('Writer tasks', 'igny8'), value: countText(pipeline.tasks) },
        ]
      : []),
  ];

  return (
    <div className="igny8-dashboard">
      {error && (
        <ErrorNotice
          message={error.message}
          onDismiss={clearError}
          onRetry={() => {
            clearError();
            invalidateResolutionForStore();
          }}
        />
      )}
      {settings.accountName && (
        <p>
          {/* translators: %s: IGNY8 account name */}
          {sprintf(__('Connected to the IGNY8 account %s.', 'igny8'), settings.accountName)}
        </p>
      )}

      <h2>{__('Pipeline', 'igny8')}</h2>
      <ul className="igny8-dashboard__cards">
        {cards.map((card) => (
          <li className="igny8-dashboard__card" key={card.label}>
            <span className="igny8-dashboard__number">{card.value}</span>
            {card.label}
          </li>
        ))}
      </ul>
      {!pipeline && !error && (
        <p>
          <Spinner />
          {__('Counting keywords, clusters, ideas and tasks…', 'igny8')}
        </p>
      )}
      <p>
        <Button variant="primary" href={settings.plannerUrl}>
          {__('Open the Planner', 'igny8')}
        </Button>
      </p>

      <h2>{__('Recent keyword imports', 'igny8')}</h2>
      {!imports && !error && <Spinner />}
      {imports && imports.length === 0 && (
        <EmptyState title={__('No keyword imports yet', 'igny8')}>
          <p>{__('Import a keyword export on the Planner screen; it shows here with its progress.', 'igny8')}</p>
        </EmptyState>
      )}
      {imports && imports.length > 0 && (
        <table className="wp-list-table widefat striped">
          <thead>
            <tr>
              <th scope="col">{__('Started', 'igny8')}</th>
              <th scope="col">{__('Rows', 'igny8')}</th>
              <th scope="col">{__('Status', 'igny8')}</th>
            </tr>
          </thead>
          <tbody>
            {imports.map((keywordImport) => (
              <tr key={keywordImport.id}>
                <td>{new Date(keywordImport.createdAt).toLocaleString()}</td>
                <td>{keywordImport.rowsTotal.toLocaleString()}</td>
                <td>{importStatusText(keywordImport)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      <RecentJobs />
    </div>
  );
}
