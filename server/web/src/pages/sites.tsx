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
import { DataViews, type Action, type Filter, type View } from '@wordpress/dataviews';
import { __, _n, sprintf } from '@wordpress/i18n';
import { useState } from 'react';
import { get, post } from '../api/client';
import { BulkResults } from '../components/bulk-results';
import { ListStates } from '../components/list-states';
import { Page } from '../components/page';
import { Empty, FormError, Loading } from '../components/states';
import { useSession } from '../session';
import { fields, SORTABLE } from './sites/fields';

/** How often the table refreshes while a site shown has an automation run in progress. */
const ACTIVE_REFRESH_MS = 5_000;

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
    'automation',
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
    // While a site shown has a run in progress, its Automation cell follows it.
    refetchInterval: (q) => (q.state.data?.items.some((s) => s.automation.activeRunStatus) ? ACTIVE_REFRESH_MS : false),
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
    // Run now on each chosen site; a site whose run cannot start says why in the results, the others go ahead.
    actions.push({
      id: 'automation-start',
      label: __('Start automation', 'igny8'),
      supportsBulk: true,
      isEligible: (site) => connected(site) && !site.automation.activeRunStatus,
      callback: async (items) => {
        await run('automation_start', items).catch(() => undefined);
      },
    });
    actions.push({
      id: 'automation-pause',
      label: __('Pause automation', 'igny8'),
      supportsBulk: true,
      isEligible: (site) =>
        site.automation.activeRunStatus === 'queued' || site.automation.activeRunStatus === 'running',
      callback: async (items) => {
        await run('automation_pause', items).catch(() => undefined);
      },
    });
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
        'Every WordPress site of this account: connection health, pipeline, automation and credits this month (UTC).',
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
