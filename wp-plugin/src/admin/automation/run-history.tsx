import { Button, Card, CardBody, CardHeader, Spinner } from '@wordpress/components';
import { useDispatch, useSelect } from '@wordpress/data';
import { __ } from '@wordpress/i18n';
import { EmptyState } from '../../components/empty-state';
import { ErrorNotice } from '../../components/error-notice';
import { store as automationStore } from '../../store/automation';
import { dateTimeText } from './dates';
import { durationText, runStatusLabel, stopReasonText, triggerLabel } from './labels';

/** The site's runs, newest first: how each started, how long it took, why it stopped, what it did and spent. */
export function RunHistory() {
  const { runs, error } = useSelect((select) => {
    const store = select(automationStore);
    return { runs: store.getRuns(), error: store.getError('history') };
  }, []);
  const { loadMoreRuns, clearError, invalidateResolutionForStoreSelector } = useDispatch(automationStore);

  return (
    <section aria-labelledby="igny8-automation-history">
      <Card className="igny8-automation__panel">
        <CardHeader>
          <h2 id="igny8-automation-history">{__('Run history', 'igny8')}</h2>
        </CardHeader>
        <CardBody>
          {error && (
            <ErrorNotice
              message={error.message}
              onDismiss={() => clearError('history')}
              onRetry={() => {
                clearError('history');
                invalidateResolutionForStoreSelector('getRuns');
              }}
            />
          )}
          {!runs && !error && (
            <p>
              <Spinner />
              {__('Loading the runs…', 'igny8')}
            </p>
          )}
          {runs?.items.length === 0 && (
            <EmptyState title={__('No runs yet', 'igny8')}>
              <p>
                {__('Each run, by schedule or Run now, is listed here with why it stopped and what it spent.', 'igny8')}
              </p>
            </EmptyState>
          )}
          {runs && runs.items.length > 0 && (
            <>
              <table className="wp-list-table widefat striped igny8-automation__history">
                <caption className="screen-reader-text">{__('Automation runs, newest first', 'igny8')}</caption>
                <thead>
                  <tr>
                    <th scope="col">{__('Started', 'igny8')}</th>
                    <th scope="col">{__('Started by', 'igny8')}</th>
                    <th scope="col">{__('Duration', 'igny8')}</th>
                    <th scope="col">{__('Outcome', 'igny8')}</th>
                    <th scope="col">{__('Items', 'igny8')}</th>
                    <th scope="col">{__('Credits', 'igny8')}</th>
                  </tr>
                </thead>
                <tbody>
                  {runs.items.map((run) => (
                    <tr key={run.id} data-run={run.id} data-reason={run.stopReason ?? ''}>
                      <td>{dateTimeText(run.startedAt ?? run.createdAt)}</td>
                      <td>{triggerLabel(run.trigger)}</td>
                      <td>{durationText(run.startedAt, run.endedAt)}</td>
                      <td>
                        {run.status === 'ended' ? stopReasonText(run.stopReason) : runStatusLabel(run.status)}
                        {run.stopDetail && <span className="igny8-automation__detail">{run.stopDetail}</span>}
                      </td>
                      <td>{run.itemsProcessed.toLocaleString()}</td>
                      <td>{run.creditsUsed.toLocaleString()}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
              {runs.nextCursor && (
                <p>
                  <Button variant="secondary" onClick={() => void loadMoreRuns(runs.nextCursor as string)}>
                    {__('Show older runs', 'igny8')}
                  </Button>
                </p>
              )}
            </>
          )}
        </CardBody>
      </Card>
    </section>
  );
}
