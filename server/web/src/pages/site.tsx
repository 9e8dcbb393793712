import '@wordpress/dataviews/build-style/style.css';
import type {
  TJobRun,
  TPage,
  TPublication,
  TSector,
  TSite,
  TSiteOverview,
  TSitesBulkResult,
  TSitesOverviewPage,
} from '@igny8/shared';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Button, Modal, Notice, SelectControl, TextareaControl, TextControl } from '@wordpress/components';
import { type Action, type Field, type View } from '@wordpress/dataviews';
import { __, sprintf } from '@wordpress/i18n';
import { useState, type FormEvent } from 'react';
import { Link } from 'wouter';
import { get, patch, post } from '../api/client';
import { BulkResults } from '../components/bulk-results';
import { HealthBadge } from '../components/health-badge';
import { ClientTable } from '../components/client-table';
import { ListStates } from '../components/list-states';
import { Page } from '../components/page';
import { Empty, ErrorState, FormError, Loading } from '../components/states';
import { formatDateTime, formatNumber, formatRelative } from '../lib/format';
import { JOB_STATUS_LABELS, jobLabel } from '../lib/job-labels';
import { languageName, languageOptions } from '../lib/languages';

import { wpAdminUrl, wpEditPostUrl, type WpScreen } from '../lib/wp-admin';
import { useSession } from '../session';

const siteKey = (siteId: string) => ['site', siteId];

// ---------------------------------------------------------------------------------------------------------------
// Pipeline

function Pipeline({ site, row }: { site: TSite; row: TSiteOverview }) {
  const steps: Array<{ label: string; value: number; screen: WpScreen }> = [
    { label: __('Keywords', 'igny8'), value: row.keywords, screen: 'planner' },
    { label: __('Clusters', 'igny8'), value: row.clusters, screen: 'planner' },
    { label: __('Ideas to review', 'igny8'), value: row.ideasToReview, screen: 'planner' },
    { label: __('Drafts', 'igny8'), value: row.drafts, screen: 'writer' },
    { label: __('Published this month', 'igny8'), value: row.publishedThisMonth, screen: 'writer' },
  ];
  return (
    <section className="igny8-panel" aria-labelledby="igny8-pipeline-title">
      <h2 id="igny8-pipeline-title">{__('Pipeline', 'igny8')}</h2>
      <p className="igny8-muted">{__('Each count opens the screen for it in the site’s own wp-admin.', 'igny8')}</p>
      <ul className="igny8-pipeline">
        {steps.map((step) => (
          <li key={step.label}>
            <a href={wpAdminUrl(site.url, step.screen)} target="_blank" rel="noreferrer">
              <span className="igny8-pipeline__value">{formatNumber(step.value)}</span> <span>{step.label}</span>
            </a>
          </li>
        ))}
      </ul>
      <p className="igny8-muted">
        {sprintf(
          /* translators: 1: date and time of the last publication */
          __('Last publish: %1$s', 'igny8'),
          formatDateTime(row.lastPublishedAt),
        )}
        {row.failedJobs > 0 ? (
          <>
            {' · '}
            <Link href={`/jobs?siteId=${site.id}&status=failed`} className="igny8-failed-count">
              {sprintf(
                /* translators: %s: number of failed jobs */
                __('%s failed jobs in the last 30 days', 'igny8'),
                formatNumber(row.failedJobs),
              )}
            </Link>
          </>
        ) : null}
      </p>
    </section>
  );
}

// ---------------------------------------------------------------------------------------------------------------
// Monthly budget

function Budget({ site, row }: { site: TSite; row: TSiteOverview }) {
  const { can } = useSession();
  const queryClient = useQueryClient();
  const [value, setValue] = useState(site.monthlyCreditBudget === null ? '' : String(site.monthlyCreditBudget));
  const [saved, setSaved] = useState(false);
  const save = useMutation({
    mutationFn: () => patch<TSite>(`/sites/${site.id}`, { monthlyCreditBudget: value === '' ? null : Number(value) }),
    onSuccess: () => {
      setSaved(true);
      void queryClient.invalidateQueries({ queryKey: siteKey(site.id) });
      void queryClient.invalidateQueries({ queryKey: ['sites-overview'] });
    },
  });
  const summary =
    row.monthlyCreditBudget === null
      ? sprintf(
          /* translators: %s: credits used this month */
          __('No budget: this site used %s credits this month (UTC), limited only by the account’s balance.', 'igny8'),
          formatNumber(row.creditsThisMonth),
        )
      : sprintf(
          /* translators: 1: credits left, 2: monthly budget, 3: credits used this month */
          __('%1$s of %2$s credits left this month (UTC); %3$s used.', 'igny8'),
          formatNumber(row.budgetRemaining),
          formatNumber(row.monthlyCreditBudget),
          formatNumber(row.creditsThisMonth),
        );
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setSaved(false);
    save.mutate();
  };
  return (
    <section className="igny8-panel" aria-labelledby="igny8-budget-title">
      <h2 id="igny8-budget-title">{__('Monthly credit budget', 'igny8')}</h2>
      <p>{summary}</p>
      {can('admin') ? (
        <form className="igny8-form" onSubmit={submit}>
          <TextControl
            __next40pxDefaultSize
            __nextHasNoMarginBottom
            type="number"
            min={0}
            label={__('Credits per month', 'igny8')}
            help={__(
              'Runs for this site that would pass it are refused before they start. Leave empty for no budget.',
              'igny8',
            )}
            value={value}
            onChange={(next: string) => setValue(next)}
          />
          <FormError error={save.error} />
          {saved ? (
            <Notice status="success" onRemove={() => setSaved(false)}>
              {__('Budget saved.', 'igny8')}
            </Notice>
          ) : null}
          <div>
            <Button variant="primary" type="submit" isBusy={save.isPending} disabled={save.isPending}>
              {__('Save budget', 'igny8')}
            </Button>
          </div>
        </form>
      ) : (
        <p className="igny8-muted">{__('Account owners and admins can change the budget.', 'igny8')}</p>
      )}
    </section>
  );
}

// ---------------------------------------------------------------------------------------------------------------
// Sectors

function SectorForm({ site, sector, onDone }: { site: TSite; sector?: TSector; onDone: () => void }) {
  const queryClient = useQueryClient();
  const [name, setName] = useState(sector?.name ?? '');
  const [voice, setVoice] = useState(sector?.voice ?? '');
  const [language, setLanguage] = useState(sector?.language ?? '');
  const save = useMutation({
    mutationFn: () => {
      const body = { name, voice, language: language === '' ? null : language };
      return sector
        ? patch<TSector>(`/sites/${site.id}/sectors/${sector.id}`, body)
        : post<TSector>(`/sites/${site.id}/sectors`, body);
    },
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: [...siteKey(site.id), 'sectors'] });
      onDone();
    },
  });
  const inherit = sprintf(
    /* translators: %s: the site's language */
    __('The site’s language (%s)', 'igny8'),
    languageName(site.language),
  );
  return (
    <form
      className="igny8-form"
      onSubmit={(event) => {
        event.preventDefault();
        save.mutate();
      }}
    >
      <TextControl
        __next40pxDefaultSize
        __nextHasNoMarginBottom
        label={__('Sector name', 'igny8')}
        value={name}
        onChange={(next: string) => setName(next)}
        required
      />
      <TextareaControl
        __nextHasNoMarginBottom
        label={__('Voice', 'igny8')}
        help={__('How this sector’s articles sound, e.g. “friendly expert”. Empty: the site’s voice.', 'igny8')}
        value={voice}
        onChange={(next: string) => setVoice(next)}
        rows={2}
      />
      <SelectControl
        __next40pxDefaultSize
        __nextHasNoMarginBottom
        label={__('Language', 'igny8')}
        value={language}
        options={languageOptions(inherit)}
        onChange={(next: string) => setLanguage(next)}
      />
      <FormError error={save.error} />
      <div className="igny8-button-row">
        <Button variant="tertiary" onClick={onDone}>
          {__('Cancel', 'igny8')}
        </Button>
        <Button variant="primary" type="submit" isBusy={save.isPending} disabled={save.isPending}>
          {sector ? __('Save sector', 'igny8') : __('Add sector', 'igny8')}
        </Button>
      </div>
    </form>
  );
}

const sectorFields: Array<Field<TSector>> = [
  { id: 'name', label: __('Sector', 'igny8'), enableGlobalSearch: true, enableHiding: false },
  {
    id: 'voice',
    label: __('Voice', 'igny8'),
    enableGlobalSearch: true,
    render: ({ item }) => item.voice || <span className="igny8-muted">{__('The site’s voice', 'igny8')}</span>,
  },
  {
    id: 'effectiveLanguage',
    label: __('Language', 'igny8'),
    render: ({ item }) =>
      item.language
        ? languageName(item.language)
        : sprintf(
            /* translators: %s: language name */
            __('%s (the site’s)', 'igny8'),
            languageName(item.effectiveLanguage),
          ),
  },
  {
    id: 'createdAt',
    label: __('Added', 'igny8'),
    type: 'datetime',
    render: ({ item }) => formatDateTime(item.createdAt),
  },
];

function Sectors({ site }: { site: TSite }) {
  const { can } = useSession();
  const [adding, setAdding] = useState(false);
  const sectors = useQuery({
    queryKey: [...siteKey(site.id), 'sectors'],
    queryFn: ({ signal }) => get<TSector[]>(`/sites/${site.id}/sectors`, undefined, signal),
  });
  const initialView: View = {
    type: 'table',
    perPage: 10,
    page: 1,
    search: '',
    filters: [],
    sort: { field: 'name', direction: 'asc' },
    titleField: 'name',
    fields: ['voice', 'effectiveLanguage'],
    layout: {},
  } satisfies View;
  const actions: Array<Action<TSector>> = can('write')
    ? [
        {
          id: 'edit',
          label: __('Edit', 'igny8'),
          modalHeader: __('Edit sector', 'igny8'),
          RenderModal: ({ items, closeModal }) => (
            <SectorForm site={site} sector={items[0]!} onDone={() => closeModal?.()} />
          ),
        },
      ]
    : [];
  return (
    <section className="igny8-panel" aria-labelledby="igny8-sectors-title">
      <div className="igny8-panel__header">
        <h2 id="igny8-sectors-title">{__('Sectors', 'igny8')}</h2>
        {can('write') ? (
          <Button variant="secondary" onClick={() => setAdding(true)}>
            {__('Add sector', 'igny8')}
          </Button>
        ) : null}
      </div>
      {adding ? (
        <Modal title={__('Add a sector', 'igny8')} onRequestClose={() => setAdding(false)}>
          <SectorForm site={site} onDone={() => setAdding(false)} />
        </Modal>
      ) : null}
      <ListStates
        query={sectors}
        isEmpty={sectors.data?.length === 0}
        empty={
          <Empty title={__('No sectors yet', 'igny8')}>
            {__('Keywords, ideas and articles belong to a sector: add the first one (a topic of the site).', 'igny8')}
          </Empty>
        }
      >
        <ClientTable
          rows={sectors.data ?? []}
          fields={sectorFields}
          initialView={initialView}
          actions={actions}
          getItemId={(sector) => sector.id}
        />
      </ListStates>
    </section>
  );
}

// ---------------------------------------------------------------------------------------------------------------
// Recent jobs and publications

const jobFields: Array<Field<TJobRun>> = [
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

function RecentJobs({ site }: { site: TSite }) {
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

const PUBLICATION_STATUS: Record<string, () => string> = {
  publishing: () => __('Publishing', 'igny8'),
  draft: () => __('Draft in WordPress', 'igny8'),
  scheduled: () => __('Scheduled', 'igny8'),
  published: () => __('Published', 'igny8'),
  unpublished: () => __('Unpublished', 'igny8'),
  failed: () => __('Failed', 'igny8'),
};

function postLabel(publication: TPublication): string {
  if (!publication.url) return __('(no address yet)', 'igny8');
  try {
    const url = new URL(publication.url);
    return decodeURI(url.pathname + url.search) || publication.url;
  } catch {
    return publication.url;
  }
}

function publicationFields(site: TSite): Array<Field<TPublication>> {
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

function Publications({ site }: { site: TSite }) {
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

// ---------------------------------------------------------------------------------------------------------------
// The page

/** One site: its health, pipeline (linking into its wp-admin), budget, sectors, recent jobs and publications. */
export default function SitePage({ params }: { params: { siteId: string } }) {
  const { siteId } = params;
  const { can } = useSession();
  const queryClient = useQueryClient();
  const [checked, setChecked] = useState<TSitesBulkResult | null>(null);
  const site = useQuery({
    queryKey: siteKey(siteId),
    queryFn: ({ signal }) => get<TSite>(`/sites/${siteId}`, undefined, signal),
  });
  const row = useQuery({
    queryKey: [...siteKey(siteId), 'overview'],
    queryFn: async ({ signal }) =>
      (await get<TSitesOverviewPage>('/sites/overview', { siteId }, signal)).items[0] ?? null,
  });
  const check = useMutation({
    mutationFn: () => post<TSitesBulkResult>('/sites/bulk', { action: 'check_connection', siteIds: [siteId] }),
    onSuccess: (result) => {
      setChecked(result);
      void queryClient.invalidateQueries({ queryKey: siteKey(siteId) });
    },
  });

  if (site.isPending || row.isPending) return <Loading />;
  if (site.isError || row.isError) {
    return (
      <Page title={__('Site', 'igny8')}>
        <ErrorState error={site.error ?? row.error} retry={() => void site.refetch()} />
        <p>
          <Link href="/sites">{__('Back to all sites', 'igny8')}</Link>
        </p>
      </Page>
    );
  }
  const overview = row.data;
  return (
    <Page
      title={site.data.name}
      description={
        <>
          <a href={site.data.url} target="_blank" rel="noreferrer">
            {site.data.url}
          </a>
          {overview ? (
            <>
              {' · '}
              <HealthBadge site={overview} />
              {overview.wpVersion ? (
                <span className="igny8-muted">
                  {' · '}
                  {sprintf(
                    /* translators: 1: WordPress version, 2: plugin version, 3: PHP version */
                    __('WordPress %1$s, plugin %2$s, PHP %3$s', 'igny8'),
                    overview.wpVersion,
                    overview.pluginVersion ?? '—',
                    overview.phpVersion ?? '—',
                  )}
                </span>
              ) : null}
            </>
          ) : null}
        </>
      }
      actions={
        <>
          <Link href="/sites">{__('All sites', 'igny8')}</Link>
          <a href={wpAdminUrl(site.data.url, 'dashboard')} target="_blank" rel="noreferrer">
            {__('Open its wp-admin', 'igny8')}
          </a>
          {can('write') && overview?.connectionState === 'connected' ? (
            <Button variant="secondary" isBusy={check.isPending} onClick={() => check.mutate()}>
              {__('Check connection', 'igny8')}
            </Button>
          ) : null}
        </>
      }
    >
      {checked ? <BulkResults result={checked} onDismiss={() => setChecked(null)} /> : null}
      <FormError error={check.error} />
      {overview && overview.connectionState !== 'connected' ? (
        <Notice status="warning" isDismissible={false}>
          {__(
            'This site is not connected: open IGNY8 > Connection in its wp-admin and press “Connect to IGNY8”.',
            'igny8',
          )}
        </Notice>
      ) : null}
      {overview ? <Pipeline site={site.data} row={overview} /> : null}
      {overview ? <Budget site={site.data} row={overview} /> : null}
      <Sectors site={site.data} />
      <RecentJobs site={site.data} />
      <Publications site={site.data} />
    </Page>
  );
}
