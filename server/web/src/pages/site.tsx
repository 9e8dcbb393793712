import '@wordpress/dataviews/build-style/style.css';
import type { TSite, TSiteOverview, TSitesBulkResult, TSitesOverviewPage } from '@igny8/shared';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Button, Notice, TextControl } from '@wordpress/components';
import { __, sprintf } from '@wordpress/i18n';
import { useState, type FormEvent } from 'react';
import { Link } from 'wouter';
import { get, patch, post } from '../api/client';
import { BulkResults } from '../components/bulk-results';
import { HealthBadge } from '../components/health-badge';
import { Page } from '../components/page';
import { ErrorState, FormError, Loading } from '../components/states';
import { formatDateTime, formatNumber } from '../lib/format';
import { wpAdminUrl, type WpScreen } from '../lib/wp-admin';
import { useSession } from '../session';
import { siteKey } from './site/common';
import { Sectors } from './site/sectors';
import { RecentJobs, Publications } from './site/activity';
import { Automation } from './site/automation';

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
// The page

/** One site: its health, pipeline (linking into its wp-admin), automation, budget, sectors, recent jobs and publications. */
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
      <Automation site={site.data} />
      {overview ? <Budget site={site.data} row={overview} /> : null}
      <Sectors site={site.data} />
      <RecentJobs site={site.data} />
      <Publications site={site.data} />
    </Page>
  );
}
