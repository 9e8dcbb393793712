import type { TJobRun, TPage, TPublication, TSite } from '@igny8/shared';
import { useQuery } from '@tanstack/react-query';
import { type Field, type View } from '@wordpress/dataviews';
import { __, sprintf } from '@wordpress/i18n';
import { useState } from 'react';
import { Link } from 'wouter';
import { get } from '../../api/client';
import { ClientTable } from '../../components/client-table';
import { ListStates } from '../../components/list-states';
import { Empty } from '../../components/states';
import { formatDateTime, formatRelative } from '../../lib/format';
import { JOB_STATUS_LABELS, jobLabel } from '../../lib/job-labels';
import { wpEditPostUrl } from '../../lib/wp-admin';
import { siteKey } from './common';

// ---------------------------------------------------------------------------------------------------------------
// Recent jobs and publications

export const jobFields: Array<Field<TJobRun>> = [
  {
    id: 'type',
    label: __('Job', 'igny8'),
    enableHiding: false,
    getValue: ({ item }) => jobLabel(item.type),
    render: ({ item }) => jobLabel(item.type),
  },
  {
    id: 'status',
    label: __('Status', 'igny8'),
    elements: Object.entries(JOB_STATUS_LABELS).map(([value, label]) => ({ value, label: label() })),
    filterBy: { operators: ['isAny'] },
    render: ({ item }) => (
      <span>
        {JOB_STATUS_LABELS[item.status]?.() ?? item.status}
        {item.status === 'running' ? ` (${item.progress}%)` : ''}
      </span>
    ),
  },
  {
    id: 'error',
    label: __('Why it failed', 'igny8'),
    enableSorting: false,
    getValue: ({ item }) => item.error?.message ?? '',
    render: ({ item }) => item.error?.message ?? '—',
  },
  {
    id: 'createdAt',
    label: __('Started', 'igny8'),
    type: 'datetime',
    render: ({ item }) => formatRelative(item.createdAt),
  },
];

export function RecentJobs({ site }: { site: TSite }) {
  const jobs = useQuery({
    queryKey: [...siteKey(site.id), 'jobs'],
    queryFn: ({ signal }) => get<TPage<TJobRun>>('/jobs', { siteId: site.id, limit: 20 }, signal),
  });
  const initialView: View = {
    type: 'table',
    perPage: 10,
    page: 1,
    filters: [],
    sort: { field: 'createdAt', direction: 'desc' },
    titleField: 'type',
    fields: ['status', 'error', 'createdAt'],
    layout: {},
  } satisfies View;
  return (
    <section className="igny8-panel" aria-labelledby="igny8-jobs-title">
      <div className="igny8-panel__header">
        <h2 id="igny8-jobs-title">{__('Recent jobs', 'igny8')}</h2>
        <Link href={`/jobs?siteId=${site.id}`}>{__('All jobs of this site', 'igny8')}</Link>
      </div>
      <ListStates
        query={jobs}
        isEmpty={jobs.data?.items.length === 0}
        empty={
          <Empty title={__('No jobs yet', 'igny8')}>
            {__('Imports, clustering, writing and publishing for this site show here as they run.', 'igny8')}
          </Empty>
        }
      >
        <ClientTable
          rows={jobs.data?.items ?? []}
          fields={jobFields}
          initialView={initialView}
          getItemId={(job) => job.id}
          search={false}
        />
      </ListStates>
    </section>
  );
}

export const PUBLICATION_STATUS: Record<string, () => string> = {
  publishing: () => __('Publishing', 'igny8'),
  draft: () => __('Draft in WordPress', 'igny8'),
  scheduled: () => __('Scheduled', 'igny8'),
  published: () => __('Published', 'igny8'),
  unpublished: () => __('Unpublished', 'igny8'),
  failed: () => __('Failed', 'igny8'),
};

export function postLabel(publication: TPublication): string {
  if (!publication.url) return __('(no address yet)', 'igny8');
  try {
    const url = new URL(publication.url);
    return decodeURI(url.pathname + url.search) || publication.url;
  } catch {
    return publication.url;
  }
}

export function publicationFields(site: TSite): Array<Field<TPublication>> {
  return [
    {
      id: 'post',
      label: __('Post', 'igny8'),
      enableHiding: false,
      enableSorting: false,
      getValue: ({ item }) => item.url ?? '',
      render: ({ item }) =>
        item.url ? (
          <a href={item.url} target="_blank" rel="noreferrer">
            {postLabel(item)}
          </a>
        ) : (
          postLabel(item)
        ),
    },
    {
      id: 'status',
      label: __('Status', 'igny8'),
      elements: Object.entries(PUBLICATION_STATUS).map(([value, label]) => ({ value, label: label() })),
      filterBy: { operators: ['isAny'] },
      render: ({ item }) => PUBLICATION_STATUS[item.status]?.() ?? item.status,
    },
    {
      id: 'edit',
      label: __('Block editor', 'igny8'),
      enableSorting: false,
      getValue: ({ item }) => item.postId ?? 0,
      render: ({ item }) =>
        item.postId ? (
          <a href={wpEditPostUrl(site.url, item.postId)} target="_blank" rel="noreferrer">
            {sprintf(
              /* translators: %d: WordPress post id */
              __('Edit post %d', 'igny8'),
              item.postId,
            )}
          </a>
        ) : (
          '—'
        ),
    },
    {
      id: 'publishedAt',
      label: __('Published', 'igny8'),
      type: 'datetime',
      render: ({ item }) => formatDateTime(item.publishedAt ?? item.scheduledAt),
    },
    {
      id: 'lastError',
      label: __('Last error', 'igny8'),
      enableSorting: false,
      render: ({ item }) => item.lastError ?? '—',
    },
  ];
}

export function Publications({ site }: { site: TSite }) {
  const [fields] = useState(() => publicationFields(site));
  const publications = useQuery({
    queryKey: [...siteKey(site.id), 'publications'],
    queryFn: ({ signal }) =>
      get<TPage<TPublication>>('/publisher/publications', { siteId: site.id, limit: 100 }, signal),
  });
  const initialView: View = {
    type: 'table',
    perPage: 10,
    page: 1,
    filters: [],
    sort: { field: 'publishedAt', direction: 'desc' },
    titleField: 'post',
    fields: ['status', 'edit', 'publishedAt'],
    layout: {},
  } satisfies View;
  return (
    <section className="igny8-panel" aria-labelledby="igny8-publications-title">
      <h2 id="igny8-publications-title">{__('Publications', 'igny8')}</h2>
      <ListStates
        query={publications}
        isEmpty={publications.data?.items.length === 0}
        empty={
          <Empty title={__('Nothing published yet', 'igny8')}>
            {__('Approve an article on the site’s IGNY8 Writer screen in wp-admin, then publish it.', 'igny8')}
          </Empty>
        }
      >
        <ClientTable
          rows={publications.data?.items ?? []}
          fields={fields}
          initialView={initialView}
          getItemId={(publication) => publication.id}
          search={false}
        />
      </ListStates>
    </section>
  );
}
