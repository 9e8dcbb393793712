import { Card, CardBody, CardHeader, Spinner } from '@wordpress/components';
import { useDispatch, useSelect } from '@wordpress/data';
import { __, _n, sprintf } from '@wordpress/i18n';
import { EmptyState } from '../../components/empty-state';
import { ErrorNotice } from '../../components/error-notice';
import type { TUsageReport } from '@igny8/shared';
import { store as settingsStore } from '../../store/settings';
import { dayText, operationText } from './labels';

function UsageTable({
  report,
  caption,
  keyHeading,
  keyText,
}: {
  report: TUsageReport;
  caption: string;
  keyHeading: string;
  keyText: (key: string | null) => string;
}) {
  return (
    <table className="wp-list-table widefat striped igny8-settings__usage-table">
      <caption>{caption}</caption>
      <thead>
        <tr>
          <th scope="col">{keyHeading}</th>
          <th scope="col">{__('Credits', 'igny8')}</th>
          <th scope="col">{__('Times', 'igny8')}</th>
        </tr>
      </thead>
      <tbody>
        {report.groups.map((group) => (
          <tr key={group.key ?? ''}>
            <th scope="row">{keyText(group.key)}</th>
            <td>{group.credits.toLocaleString()}</td>
            <td>{group.count.toLocaleString()}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The account's credit balance and what this site used in the last 30 days, by operation and by day. */
export function UsagePanel() {
  const { balance, byOperation, byDay, error } = useSelect((select) => {
    const store = select(settingsStore);
    return {
      balance: store.getBalance(),
      byOperation: store.getUsage('operation'),
      byDay: store.getUsage('day'),
      error: store.getError('usage'),
    };
  }, []);
  const { clearError, invalidateResolutionForStoreSelector } = useDispatch(settingsStore);
  const used = byOperation?.total.credits;

  return (
    <section aria-labelledby="igny8-settings-usage">
      <Card className="igny8-settings__panel">
        <CardHeader>
          <h2 id="igny8-settings-usage">{__('Usage and credits', 'igny8')}</h2>
        </CardHeader>
        <CardBody>
          {error && (
            <ErrorNotice
              message={error.message}
              onDismiss={() => clearError('usage')}
              onRetry={() => {
                clearError('usage');
                invalidateResolutionForStoreSelector('getBalance');
                invalidateResolutionForStoreSelector('getUsage');
              }}
            />
          )}
          <dl className="igny8-settings__facts igny8-settings__credits" aria-labelledby="igny8-settings-usage">
            <div>
              <dt>{__('Credit balance (the whole account)', 'igny8')}</dt>
              <dd data-testid="igny8-balance" data-value={balance ?? undefined}>
                {balance === null ? <Spinner /> : balance.toLocaleString()}
              </dd>
            </div>
            <div>
              <dt>{__('Credits this site used in the last 30 days', 'igny8')}</dt>
              <dd data-testid="igny8-usage-total" data-value={used ?? undefined}>
                {used === undefined ? <Spinner /> : used.toLocaleString()}
              </dd>
            </div>
          </dl>
          {byOperation && used !== undefined && used > 0 && (
            <p>
              {sprintf(
                /* translators: %s: a number of credits */
                _n('%s credit used in the last 30 days.', '%s credits used in the last 30 days.', used, 'igny8'),
                used.toLocaleString(),
              )}
            </p>
          )}
          {byOperation && byOperation.groups.length === 0 && (
            <EmptyState title={__('No credits used in the last 30 days', 'igny8')}>
              <p>
                {__(
                  'Clustering with AI, suggesting ideas, writing articles and making images use credits; what this site uses shows here.',
                  'igny8',
                )}
              </p>
            </EmptyState>
          )}
          {byOperation && byOperation.groups.length > 0 && (
            <UsageTable
              report={byOperation}
              caption={__('By operation', 'igny8')}
              keyHeading={__('Operation', 'igny8')}
              keyText={operationText}
            />
          )}
          {byDay && byDay.groups.length > 0 && (
            <UsageTable
              report={byDay}
              caption={__('By day', 'igny8')}
              keyHeading={__('Day', 'igny8')}
              keyText={dayText}
            />
          )}
        </CardBody>
      </Card>
    </section>
  );
}
