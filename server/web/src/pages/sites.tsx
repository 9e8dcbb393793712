import '@wordpress/dataviews/build-style/style.css';
import type {
  TSiteBulkAction,
  TSiteOverview,
  TSiteOverviewSort,
  TSitesBulkResult,
  TSitesOverviewPage,
} from '@igny8/shared';
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Button } from '@wordpress/components';
import { DataViews, type Action, type Field, type Filter, type View } from '@wordpress/dataviews';
import { __, _n, sprintf } from '@wordpress/i18n';
import { useState } from 'react';
import { Link } from 'wouter';
import { get, post } from '../api/client';
import { BulkResults } from '../components/bulk-results';
import { HealthBadge } from '../components/health-badge';
import { ListStates } from '../components/list-states';
import { Page } from '../components/page';
import { Empty, FormError, Loading } from '../components/states';
import { formatDateTime, formatNumber, formatRelative } from '../lib/format';
import { useSession } from '../session';

const HEALTH_FILTER = [
  { value: 'ok', label: __('Healthy', 'igny8') },
  { value: 'unknown', label: __('Not checked yet', 'igny8') },
  { value: 'unreachable', label: __('Unreachable', 'igny8') },
  { value: 'error', label: __('Error', 'igny8') },
];
const CONNECTION_FILTER = [
  { value: 'connected', label: __('Connected', 'igny8') },
  { value: 'disconnected', label: __('Disconnected', 'igny8') },
  { value: 'never', label: __('Never connected', 'igny8') },
];
const FAILED_FILTER = [
  { value: 'true', label: __('Has failed jobs', 'igny8') },
  { value: 'false', label: __('No failed jobs', 'igny8') },
];

/** Columns the server sorts by (the overview route's `sort`). */
const SORTABLE = new Set<string>([
  'name',
  'url',
  'health',
  'keywords',
  'clusters',
  'ideasToReview',
  'drafts',
  'publishedThisMonth',
  'creditsThisMonth',
  'lastPublishedAt',
  'failedJobs',
  'lastContactAt',
  'createdAt',
] satisfies TSiteOverviewSort[]);

/** A count column: sorted by the server, never filtered in the browser. */
function countField(id: keyof TSiteOverview & TSiteOverviewSort, label: string): Field<TSiteOverview> {
  return {
    id,
    label,
    type: 'integer',
    filterBy: false,
    getValue: ({ item }) => item[id] as number,
    render: ({ item }) => formatNumber(item[id] as number),
  };
}

function credits(site: TSiteOverview): string {
  if (site.monthlyCreditBudget === null) return formatNumber(site.creditsThisMonth);
  return sprintf(
    /* translators: 1: credits used this month, 2: the site's monthly budget */
    __('%1$s of %2$s', 'igny8'),
    formatNumber(site.creditsThisMonth),
    formatNumber(site.monthlyCreditBudget),
  );
}

const fields: Array<Field<TSiteOverview>> = [
  {
    id: 'name',
    label: __('Site', 'igny8'),
    enableHiding: false,
    filterBy: false,
    render: ({ item }) => (
      <span className="igny8-site-cell">
        <Link href={`/sites/${item.id}`}>{item.name}</Link>
        <span className="igny8-muted">{item.url}</span>
      </span>
    ),
  },
  { id: 'url', label: __('Address', 'igny8'), filterBy: false },
  {
    id: 'health',
    label: __('Health', 'igny8'),
    elements: HEALTH_FILTER,
    filterBy: { operators: ['isAny'] },
    getValue: ({ item }) => item.health ?? '',
    render: ({ item }) => <HealthBadge site={item} />,
  },
  {
    id: 'connection',
    label: __('Connection', 'igny8'),
    elements: CONNECTION_FILTER,
    filterBy: { operators: ['isAny'] },
    enableSorting: false,
    getValue: ({ item }) => item.connectionState,
    render: ({ item }) => CONNECTION_FILTER.find((c) => c.value === item.connectionState)?.label,
  },
  {
    id: 'versions',
    label: __('WordPress / plugin / PHP', 'igny8'),
    enableSorting: false,
    filterBy: false,
    getValue: ({ item }) => item.wpVersion ?? '',
    render: ({ item }) =>
      item.wpVersion || item.pluginVersion || item.phpVersion
        ? `${item.wpVersion ?? '—'} / ${item.pluginVersion ?? '—'} / ${item.phpVersion ?? '—'}`
        : '—',
  },
  countField('keywords', __('Keywords', 'igny8')),
  countField('clusters', __('Clusters', 'igny8')),
  countField('ideasToReview', __('Ideas to review', 'igny8')),
  countField('drafts', __('Drafts', 'igny8')),
  countField('publishedThisMonth', __('Published this month', 'igny8')),
  {
    id: 'creditsThisMonth',
    label: __('Credits this month', 'igny8'),
    type: 'integer',
    filterBy: false,
    getValue: ({ item }) => item.creditsThisMonth,
    render: ({ item }) => credits(item),
  },
  {
    id: 'lastPublishedAt',
    label: __('Last publish', 'igny8'),
    type: 'datetime',
    filterBy: false,
    render: ({ item }) => formatDateTime(item.lastPublishedAt),
  },
  {
    id: 'failedJobs',
    label: __('Failed jobs (30 days)', 'igny8'),
    type: 'integer',
    elements: FAILED_FILTER,
    filterBy: { operators: ['is'] },
    getValue: ({ item }) => String(item.failedJobs > 0),
    render: ({ item }) =>
      item.failedJobs > 0 ? (
        <Link href={`/jobs?siteId=${item.id}&status=failed`} className="igny8-failed-count">
          {formatNumber(item.failedJobs)}
        </Link>
      ) : (
        formatNumber(0)
      ),
  },
  {
    id: 'lastContactAt',
    label: __('Last contact', 'igny8'),
    type: 'datetime',
    filterBy: false,
    render: ({ item }) => formatRelative(item.lastContactAt),
  },
  {
    id: 'createdAt',
    label: __('Added', 'igny8'),
    type: 'datetime',
    filterBy: false,
    render: ({ item }) => formatDateTime(item.createdAt),
  },
];

const INITIAL_VIEW: View = {
  type: 'table',
  perPage: 25,
  page: 1,
  search: '',
  filters: [],
  sort: { field: 'name', direction: 'asc' },
  titleField: 'name',
  fields: [
    'health',
    'versions',
    'keywords',
    'clusters',
    'ideasToReview',
    'drafts',
    'publishedThisMonth',
    'creditsThisMonth',
    'lastPublishedAt',
    'failedJobs',
  ],
  layout: {},
};

const values = (filter: Filter | undefined): string | undefined => {
  if (!filter || filter.value === undefined || filter.value === null) return undefined;
  const list = Array.isArray(filter.value) ? filter.value : [filter.value];
  return list.length ? list.join(',') : undefined;
};

/** The view as the overview route's query: the server searches, filters, sorts and pages. */
function queryOf(view: View) {
  const filter = (field: string) => view.filters?.find((f) => f.field === field);
  const sort = view.sort?.field as TSiteOverviewSort | undefined;
  return {
    q: view.search || undefined,
    health: values(filter('health')),
    connection: values(filter('connection')),
    hasFailedJobs: values(filter('failedJobs')),
    sort: sort && SORTABLE.has(sort) ? sort : 'name',
    order: view.sort?.direction ?? 'asc',
    page: view.page ?? 1,
    perPage: view.perPage ?? 25,
  };
}

/** Asks before disconnecting: the sites stop publishing until someone connects them again from wp-admin. */
function DisconnectModal({
  items,
  closeModal,
  run,
}: {
  items: TSiteOverview[];
  closeModal?: () => void;
  run: (action: TSiteBulkAction, sites: TSiteOverview[]) => Promise<unknown>;
}) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  return (
    <div className="igny8-form">
      <p>
        {sprintf(
          /* translators: %d: number of sites */
          _n(
            'Disconnect %d site? IGNY8 stops writing to it and forgets its keys; someone with access to its wp-admin must press “Connect to IGNY8” to connect it again.',
            'Disconnect %d sites? IGNY8 stops writing to them and forgets their keys; someone with access to each wp-admin must press “Connect to IGNY8” to connect it again.',
            items.length,
            'igny8',
          ),
          items.length,
        )}
      </p>
      <ul>
        {items.map((site) => (
          <li key={site.id}>{site.name}</li>
        ))}
      </ul>
      <FormError error={error} />
      <div className="igny8-button-row">
        <Button variant="tertiary" onClick={closeModal} disabled={busy}>
          {__('Cancel', 'igny8')}
        </Button>
        <Button
          variant="primary"
          isDestructive
          isBusy={busy}
          disabled={busy}
          onClick={() => {
            setBusy(true);
            run('disconnect', items).then(
              () => closeModal?.(),
              (thrown: unknown) => {
                setError(thrown);
                setBusy(false);
              },
            );
          }}
        >
          {__('Disconnect', 'igny8')}
        </Button>
      </div>
    </div>
  );
}

/** The agency view: every site of the account, its health, pipeline and spending, in one table. */
export default function Sites() {
  const { can } = useSession();
  const queryClient = useQueryClient();
  const [view, setView] = useState<View>(INITIAL_VIEW);
  const [result, setResult] = useState<TSitesBulkResult | null>(null);
  const query = queryOf(view);
  const overview = useQuery({
    queryKey: ['sites-overview', query],
    queryFn: ({ signal }) => get<TSitesOverviewPage>('/sites/overview', query, signal),
    placeholderData: keepPreviousData,
  });

  const bulk = useMutation({
    mutationFn: ({ action, sites }: { action: TSiteBulkAction; sites: TSiteOverview[] }) =>
      post<TSitesBulkResult>('/sites/bulk', { action, siteIds: sites.map((s) => s.id) }),
    onSuccess: (data) => {
      setResult(data);
      void queryClient.invalidateQueries({ queryKey: ['sites-overview'] });
    },
  });
  const run = (action: TSiteBulkAction, sites: TSiteOverview[]) => bulk.mutateAsync({ action, sites });

  const connected = (site: TSiteOverview) => site.connectionState === 'connected';
  const actions: Array<Action<TSiteOverview>> = [];
  if (can('write')) {
    actions.push({
      id: 'check-connection',
      label: __('Check connection', 'igny8'),
      supportsBulk: true,
      isEligible: connected,
      // Awaited, so DataViews shows the button busy while the sites are checked; a refusal shows as a notice.
      callback: async (items) => {
        await run('check_connection', items).catch(() => undefined);
      },
    });
  }
  if (can('admin')) {
    actions.push({
      id: 'disconnect',
      label: __('Disconnect', 'igny8'),
      supportsBulk: true,
      isEligible: connected,
      modalHeader: __('Disconnect sites', 'igny8'),
      RenderModal: ({ items, closeModal }) => <DisconnectModal items={items} closeModal={closeModal} run={run} />,
    });
  }

  const filtered = Boolean(view.search) || (view.filters?.length ?? 0) > 0;
  const page = overview.data;

  return (
    <Page
      title={__('Sites', 'igny8')}
      description={__(
        'Every WordPress site of this account: connection health, pipeline and credits this month (UTC).',
        'igny8',
      )}
    >
      {result ? <BulkResults result={result} onDismiss={() => setResult(null)} /> : null}
      {bulk.isError && !bulk.isPending ? <FormError error={bulk.error} /> : null}
      {bulk.isPending ? <Loading label={__('Working on the chosen sites…', 'igny8')} /> : null}
      <ListStates
        query={overview}
        isEmpty={page?.total === 0 && !filtered}
        empty={
          <Empty title={__('No sites yet', 'igny8')}>
            {__(
              'Install the IGNY8 plugin on a WordPress site, open IGNY8 > Connection in its wp-admin and press “Connect to IGNY8”: you sign in here, approve, and the site appears in this table. Nothing to copy.',
              'igny8',
            )}
          </Empty>
        }
      >
        <DataViews
          data={page?.items ?? []}
          fields={fields}
          view={view}
          onChangeView={setView}
          actions={actions}
          isLoading={overview.isFetching}
          paginationInfo={{ totalItems: page?.total ?? 0, totalPages: page?.totalPages ?? 1 }}
          defaultLayouts={{ table: {} }}
          getItemId={(site) => site.id}
          search
          searchLabel={__('Search sites by name or address', 'igny8')}
        />
      </ListStates>
    </Page>
  );
}
