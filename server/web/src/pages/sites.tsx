import '@wordpress/dataviews/build-style/style.css';
import type { TSite } from '@igny8/shared';
import { DataViews, type Field, type View } from '@wordpress/dataviews';
import { __ } from '@wordpress/i18n';
import { Link } from 'wouter';
import { Empty, ErrorState, Loading } from '../components/states';
import { Page } from '../components/page';
import { formatDateTime, formatNumber } from '../lib/format';
import { useClientView, useWholeList } from '../lib/lists';

const HEALTH = [
  { value: 'ok', label: __('Healthy', 'igny8') },
  { value: 'unknown', label: __('Not checked yet', 'igny8') },
  { value: 'unreachable', label: __('Unreachable', 'igny8') },
  { value: 'error', label: __('Error', 'igny8') },
  { value: 'none', label: __('Not connected', 'igny8') },
];

const health = (site: TSite) => (site.connection?.status === 'connected' ? site.connection.health : 'none');

const fields: Array<Field<TSite>> = [
  {
    id: 'name',
    label: __('Site', 'igny8'),
    enableGlobalSearch: true,
    enableHiding: false,
    render: ({ item }) => <Link href={`/sites/${item.id}`}>{item.name}</Link>,
  },
  { id: 'url', label: __('Address', 'igny8'), enableGlobalSearch: true },
  {
    id: 'health',
    label: __('Connection', 'igny8'),
    getValue: ({ item }) => health(item),
    elements: HEALTH,
    filterBy: { operators: ['isAny'] },
    render: ({ item }) => {
      const value = health(item);
      return (
        <span className={`igny8-health igny8-health--${value}`}>{HEALTH.find((h) => h.value === value)?.label}</span>
      );
    },
  },
  {
    id: 'sectorCount',
    label: __('Sectors', 'igny8'),
    type: 'integer',
    render: ({ item }) => formatNumber(item.sectorCount),
  },
  {
    id: 'createdAt',
    label: __('Added', 'igny8'),
    type: 'datetime',
    render: ({ item }) => formatDateTime(item.createdAt),
  },
];

/** The agency view: every site of the account in one table. */
export default function Sites() {
  const sites = useWholeList<TSite>('sites', '/sites');
  const { view, setView, data, paginationInfo } = useClientView(sites.data, fields, {
    type: 'table',
    perPage: 25,
    page: 1,
    search: '',
    filters: [],
    sort: { field: 'name', direction: 'asc' },
    titleField: 'name',
    fields: ['url', 'health', 'sectorCount', 'createdAt'],
    layout: {},
  } satisfies View);

  return (
    <Page title={__('Sites', 'igny8')} description={__('Every WordPress site connected to this account.', 'igny8')}>
      {sites.isPending ? (
        <Loading />
      ) : sites.isError ? (
        <ErrorState error={sites.error} retry={() => void sites.refetch()} />
      ) : sites.data.length === 0 ? (
        <Empty title={__('No sites yet', 'igny8')}>
          {__(
            'Install the IGNY8 plugin on a WordPress site, open IGNY8 > Connection in its wp-admin and press “Connect to IGNY8”.',
            'igny8',
          )}
        </Empty>
      ) : (
        <DataViews
          data={data}
          fields={fields}
          view={view}
          onChangeView={setView}
          paginationInfo={paginationInfo}
          defaultLayouts={{ table: {} }}
          getItemId={(site) => site.id}
        />
      )}
    </Page>
  );
}
