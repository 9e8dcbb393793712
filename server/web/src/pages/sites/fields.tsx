import type { TSiteOverview, TSiteOverviewSort } from '@igny8/shared';
import type { Field } from '@wordpress/dataviews';
import { __, sprintf } from '@wordpress/i18n';
import { Link } from 'wouter';
import { HealthBadge } from '../../components/health-badge';
import { formatDateTime, formatNumber, formatRelative } from '../../lib/format';
import { AutomationCell, automationValue } from './automation-cell';

export const HEALTH_FILTER = [
  { value: 'ok', label: __('Healthy', 'igny8') },
  { value: 'unknown', label: __('Not checked yet', 'igny8') },
  { value: 'unreachable', label: __('Unreachable', 'igny8') },
  { value: 'error', label: __('Error', 'igny8') },
];
export const CONNECTION_FILTER = [
  { value: 'connected', label: __('Connected', 'igny8') },
  { value: 'disconnected', label: __('Disconnected', 'igny8') },
  { value: 'never', label: __('Never connected', 'igny8') },
];
const FAILED_FILTER = [
  { value: 'true', label: __('Has failed jobs', 'igny8') },
  { value: 'false', label: __('No failed jobs', 'igny8') },
];

/** Columns the server sorts by (the overview route's `sort`). */
export const SORTABLE = new Set<string>([
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

export const fields: Array<Field<TSiteOverview>> = [
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
    id: 'automation',
    label: __('Automation', 'igny8'),
    enableSorting: false,
    filterBy: false,
    getValue: ({ item }) => automationValue(item),
    render: ({ item }) => <AutomationCell site={item} />,
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
