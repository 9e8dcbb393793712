import '@wordpress/dataviews/build-style/style.css';
import type { TCreditBalance, TCreditEntry, TCreditEntryKind, TSite, TUsageDaily } from '@igny8/shared';
import { creditOperationLabel } from '@igny8/shared/labels';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Button, Notice, TextControl } from '@wordpress/components';
import { DataViews, type Field, type View } from '@wordpress/dataviews';
import { __, sprintf } from '@wordpress/i18n';
import { useMemo, useState, type FormEvent } from 'react';
import { ApiError, download, get, patch } from '../api/client';
import { ListStates } from '../components/list-states';
import { Page } from '../components/page';
import { Empty, ErrorState, FormError, Loading } from '../components/states';
import { UsageChart, UsageTable } from '../components/usage-chart';
import { formatDateTime, formatNumber } from '../lib/format';
import { useWholeList } from '../lib/lists';
import { filterValue, useServerPages } from '../lib/pages';
import { useSession } from '../session';

const KIND_LABELS: Record<TCreditEntryKind, string> = {
  grant: __('Grant', 'igny8'),
  purchase: __('Purchase', 'igny8'),
  hold: __('Held', 'igny8'),
  capture: __('Used', 'igny8'),
  release: __('Given back', 'igny8'),
  refund: __('Refund', 'igny8'),
  adjustment: __('Adjustment', 'igny8'),
};

function Balance() {
  const { can } = useSession();
  const queryClient = useQueryClient();
  const balance = useQuery({
    queryKey: ['billing', 'balance'],
    queryFn: () => get<TCreditBalance>('/billing/balance'),
  });
  const [threshold, setThreshold] = useState<string | null>(null);
  const save = useMutation({
    mutationFn: (value: number | null) => patch<TCreditBalance>('/billing/settings', { lowBalanceThreshold: value }),
    onSuccess: (data) => {
      queryClient.setQueryData(['billing', 'balance'], data);
      setThreshold(null);
    },
  });
  if (balance.isPending) return <Loading />;
  if (balance.isError) return <ErrorState error={balance.error} retry={() => void balance.refetch()} />;
  const current = balance.data.lowBalanceThreshold ?? null;
  const value = threshold ?? (current === null ? '' : String(current));
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const trimmed = value.trim();
    save.mutate(trimmed === '' ? null : Number(trimmed));
  };
  return (
    <section className="igny8-panel" aria-labelledby="igny8-balance-title">
      <h2 id="igny8-balance-title">{__('Balance', 'igny8')}</h2>
      <p className="igny8-balance" data-testid="balance">
        {sprintf(
          /* translators: %s: credits */
          __('%s credits', 'igny8'),
          formatNumber(balance.data.balance),
        )}
      </p>
      {balance.data.low ? (
        <Notice status="warning" isDismissible={false}>
          {sprintf(
            /* translators: %s: the threshold in credits */
            __(
              'The balance is under your low-balance threshold of %s credits: paid work stops when credits run out. Ask IGNY8 for more credits.',
              'igny8',
            ),
            formatNumber(current),
          )}
        </Notice>
      ) : null}
      {can('admin') ? (
        <form className="igny8-inline-form" onSubmit={submit}>
          <TextControl
            __next40pxDefaultSize
            __nextHasNoMarginBottom
            type="number"
            min={0}
            label={__('Warn me when the balance is under (credits)', 'igny8')}
            help={__('Leave empty for no warning.', 'igny8')}
            value={value}
            onChange={(next: string) => setThreshold(next)}
          />
          <Button variant="secondary" type="submit" isBusy={save.isPending} disabled={save.isPending}>
            {__('Save threshold', 'igny8')}
          </Button>
          {save.isSuccess && threshold === null ? (
            <span role="status" className="igny8-muted">
              {__('Saved.', 'igny8')}
            </span>
          ) : null}
          <FormError error={save.error} />
        </form>
      ) : current !== null ? (
        <p className="igny8-muted">
          {sprintf(
            /* translators: %s: credits */
            __('Low-balance warning under %s credits (owners and admins change it).', 'igny8'),
            formatNumber(current),
          )}
        </p>
      ) : null}
    </section>
  );
}

function Toggle<T extends string | number>({
  label,
  value,
  options,
  onChange,
}: {
  label: string;
  value: T;
  options: Array<{ value: T; label: string }>;
  onChange: (value: T) => void;
}) {
  return (
    <div className="igny8-toggle" role="group" aria-label={label}>
      {options.map((option) => (
        <Button
          key={String(option.value)}
          variant={option.value === value ? 'primary' : 'secondary'}
          aria-pressed={option.value === value}
          onClick={() => onChange(option.value)}
        >
          {option.label}
        </Button>
      ))}
    </div>
  );
}

function DailyUsage() {
  const [days, setDays] = useState<30 | 90>(30);
  const [groupBy, setGroupBy] = useState<'site' | 'operation'>('site');
  const usage = useQuery({
    queryKey: ['billing', 'usage-daily', days, groupBy],
    queryFn: ({ signal }) => get<TUsageDaily>('/billing/usage/daily', { days, groupBy }, signal),
  });
  const caption = sprintf(
    /* translators: 1: number of days, 2: "site" or "operation" */
    __('Credits used per day, last %1$d days, by %2$s', 'igny8'),
    days,
    groupBy === 'site' ? __('site', 'igny8') : __('operation', 'igny8'),
  );
  return (
    <section className="igny8-panel" aria-labelledby="igny8-usage-title">
      <div className="igny8-panel__header">
        <h2 id="igny8-usage-title">{caption}</h2>
        <div className="igny8-button-row">
          <Toggle
            label={__('Period', 'igny8')}
            value={days}
            onChange={setDays}
            options={[
              { value: 30, label: __('30 days', 'igny8') },
              { value: 90, label: __('90 days', 'igny8') },
            ]}
          />
          <Toggle
            label={__('Group by', 'igny8')}
            value={groupBy}
            onChange={setGroupBy}
            options={[
              { value: 'site', label: __('By site', 'igny8') },
              { value: 'operation', label: __('By operation', 'igny8') },
            ]}
          />
        </div>
      </div>
      {usage.isPending ? (
        <Loading />
      ) : usage.isError ? (
        <ErrorState error={usage.error} retry={() => void usage.refetch()} />
      ) : (
        <div className="igny8-usage">
          <UsageChart usage={usage.data} titleId="igny8-usage-title" />
          <UsageTable usage={usage.data} caption={caption} />
        </div>
      )}
    </section>
  );
}

function Transactions() {
  const sites = useWholeList<TSite>('sites', '/sites');
  const siteName = useMemo(() => new Map((sites.data ?? []).map((s) => [s.id, s.name])), [sites.data]);
  const [view, setView] = useState<View>({
    type: 'table',
    perPage: 25,
    page: 1,
    filters: [],
    titleField: 'createdAt',
    fields: ['kind', 'amount', 'credits', 'operation', 'siteId', 'note'],
    layout: {},
  });
  const [failed, setFailed] = useState<string | null>(null);
  const fields = useMemo<Array<Field<TCreditEntry>>>(
    () => [
      {
        id: 'createdAt',
        label: __('Date', 'igny8'),
        enableHiding: false,
        enableSorting: false,
        filterBy: false,
        render: ({ item }) => <time dateTime={item.createdAt}>{formatDateTime(item.createdAt)}</time>,
      },
      {
        id: 'kind',
        label: __('Kind', 'igny8'),
        enableSorting: false,
        elements: Object.entries(KIND_LABELS).map(([value, label]) => ({ value, label })),
        filterBy: { operators: ['is'] },
        render: ({ item }) => KIND_LABELS[item.kind],
      },
      {
        id: 'amount',
        label: __('Balance change', 'igny8'),
        enableSorting: false,
        filterBy: false,
        render: ({ item }) => (item.amount > 0 ? `+${formatNumber(item.amount)}` : formatNumber(item.amount)),
      },
      {
        id: 'credits',
        label: __('Credits used', 'igny8'),
        enableSorting: false,
        filterBy: false,
        render: ({ item }) => (item.credits === null ? '' : formatNumber(item.credits)),
      },
      {
        id: 'operation',
        label: __('Operation', 'igny8'),
        enableSorting: false,
        filterBy: false,
        render: ({ item }) => (item.operation ? creditOperationLabel(item.operation) : ''),
      },
      {
        id: 'siteId',
        label: __('Site', 'igny8'),
        enableSorting: false,
        elements: (sites.data ?? []).map((s) => ({ value: s.id, label: s.name })),
        filterBy: { operators: ['is'] },
        render: ({ item }) => (item.siteId ? (siteName.get(item.siteId) ?? __('Deleted site', 'igny8')) : ''),
      },
      { id: 'note', label: __('Note', 'igny8'), enableSorting: false, filterBy: false },
    ],
    [sites.data, siteName],
  );
  const query = { kind: filterValue(view, 'kind'), siteId: filterValue(view, 'siteId') };
  const entries = useServerPages<TCreditEntry>('billing-transactions', '/billing/transactions', view, query);
  const date = new Date().toISOString().slice(0, 10);
  return (
    <section className="igny8-panel" aria-labelledby="igny8-transactions-title">
      <div className="igny8-panel__header">
        <h2 id="igny8-transactions-title">{__('Transactions', 'igny8')}</h2>
        <Button
          variant="secondary"
          onClick={() => {
            setFailed(null);
            download('/billing/transactions.csv', query, `credit-transactions-${date}.csv`).catch((error: unknown) =>
              setFailed(error instanceof ApiError ? error.message : __('The download failed. Try again.', 'igny8')),
            );
          }}
        >
          {__('Download CSV', 'igny8')}
        </Button>
      </div>
      {failed ? (
        <Notice status="error" onRemove={() => setFailed(null)}>
          {failed}
        </Notice>
      ) : null}
      <ListStates
        query={entries}
        isEmpty={entries.rows.length === 0 && !query.kind && !query.siteId}
        empty={
          <Empty title={__('No transactions yet', 'igny8')}>
            {__('Credits granted to the account and used by its work appear here.', 'igny8')}
          </Empty>
        }
      >
        <DataViews
          data={entries.rows}
          fields={fields}
          view={view}
          onChangeView={setView}
          paginationInfo={entries.paginationInfo}
          defaultLayouts={{ table: {} }}
          getItemId={(entry) => entry.id}
          search={false}
        />
      </ListStates>
    </section>
  );
}

/** Credits: the balance and its warning, usage per day by site or operation, and every transaction. */
export default function Usage() {
  return (
    <Page
      title={__('Usage and credits', 'igny8')}
      description={__('What your sites spent, day by day, and every change of the balance.', 'igny8')}
    >
      <Balance />
      <DailyUsage />
      <Transactions />
    </Page>
  );
}
