import '@wordpress/dataviews/build-style/style.css';
import type { TJobRetryAccepted, TJobRun, TJobStatus, TSite } from '@igny8/shared';
import { JOB_TYPE_LABELS, jobTypeLabel } from '@igny8/shared/labels';
import { useQueryClient } from '@tanstack/react-query';
import { Button, Notice, ProgressBar } from '@wordpress/components';
import { DataViews, type Action, type Field, type View } from '@wordpress/dataviews';
import { __, sprintf } from '@wordpress/i18n';
import { useMemo, useState } from 'react';
import { Link, useSearch } from 'wouter';
import { ApiError, post } from '../api/client';
import { ListStates } from '../components/list-states';
import { Page } from '../components/page';
import { Empty } from '../components/states';
import { formatDateTime, formatRelative } from '../lib/format';
import { useWholeList } from '../lib/lists';
import { filterValue, useServerPages } from '../lib/pages';
import { useSession } from '../session';

const STATUS_LABELS: Record<TJobStatus, string> = {
  queued: __('Waiting', 'igny8'),
  running: __('Running', 'igny8'),
  succeeded: __('Done', 'igny8'),
  failed: __('Failed', 'igny8'),
  cancelled: __('Cancelled', 'igny8'),
};

const active = (job: TJobRun) => job.status === 'queued' || job.status === 'running';

/** Refreshes every 3 s while a job shown is waiting or running. */
const REFRESH_MS = 3_000;

type Feedback = { status: 'success' | 'error'; message: string } | null;

function ConfirmAction({
  job,
  question,
  confirm,
  onDone,
  close,
}: {
  job: TJobRun;
  question: string;
  confirm: string;
  onDone: () => Promise<void>;
  close: () => void;
}) {
  const [busy, setBusy] = useState(false);
  return (
    <div className="igny8-confirm">
      <p>{question}</p>
      <p className="igny8-muted">
        {jobTypeLabel(job.type)} · {formatDateTime(job.createdAt)}
      </p>
      <div className="igny8-confirm__buttons">
        <Button variant="tertiary" onClick={close} disabled={busy}>
          {__('Keep it', 'igny8')}
        </Button>
        <Button
          variant="primary"
          isBusy={busy}
          disabled={busy}
          onClick={() => {
            setBusy(true);
            void onDone().finally(() => {
              setBusy(false);
              close();
            });
          }}
        >
          {confirm}
        </Button>
      </div>
    </div>
  );
}

/** The filters a link asked for in the address: siteId, status and type. */
function filtersFromSearch(search: string): View['filters'] {
  const params = new URLSearchParams(search);
  return (['siteId', 'status', 'type'] as const).flatMap((field) => {
    const value = params.get(field);
    return value ? [{ field, operator: 'is' as const, value }] : [];
  });
}

/** Every job of the account across its sites: filter, follow progress, cancel or retry. */
export default function Jobs() {
  const { can } = useSession();
  const queryClient = useQueryClient();
  const [feedback, setFeedback] = useState<Feedback>(null);
  const sites = useWholeList<TSite>('sites', '/sites');
  const siteName = useMemo(() => new Map((sites.data ?? []).map((s) => [s.id, s.name])), [sites.data]);

  // Links from the Sites screens open this page filtered (`?siteId=…&status=failed`).
  const search = useSearch();
  const [view, setView] = useState<View>(() => ({
    type: 'table',
    perPage: 25,
    page: 1,
    filters: filtersFromSearch(search),
    titleField: 'type',
    fields: ['status', 'progress', 'siteId', 'createdAt', 'error'],
    layout: {},
  }));

  const fields = useMemo<Array<Field<TJobRun>>>(
    () => [
      {
        id: 'type',
        label: __('Job', 'igny8'),
        enableHiding: false,
        enableSorting: false,
        elements: Object.entries(JOB_TYPE_LABELS).map(([value, label]) => ({ value, label })),
        filterBy: { operators: ['is'] },
        render: ({ item }) => (
          <span>
            {jobTypeLabel(item.type)}
            {item.retryOf ? <span className="igny8-muted"> · {__('retry', 'igny8')}</span> : null}
          </span>
        ),
      },
      {
        id: 'status',
        label: __('Status', 'igny8'),
        enableSorting: false,
        elements: Object.entries(STATUS_LABELS).map(([value, label]) => ({ value, label })),
        filterBy: { operators: ['is'] },
        render: ({ item }) => (
          <span className={`igny8-job-status igny8-job-status--${item.status}`}>{STATUS_LABELS[item.status]}</span>
        ),
      },
      {
        id: 'progress',
        label: __('Progress', 'igny8'),
        enableSorting: false,
        filterBy: false,
        render: ({ item }) => (
          <div className="igny8-progress">
            <ProgressBar
              value={item.status === 'succeeded' ? 100 : item.progress}
              aria-label={sprintf(
                /* translators: 1: job type, 2: percent done */
                __('%1$s: %2$d%% done', 'igny8'),
                jobTypeLabel(item.type),
                item.status === 'succeeded' ? 100 : item.progress,
              )}
            />
            <span className="igny8-muted">{item.status === 'succeeded' ? 100 : item.progress}%</span>
          </div>
        ),
      },
      {
        id: 'siteId',
        label: __('Site', 'igny8'),
        enableSorting: false,
        elements: (sites.data ?? []).map((s) => ({ value: s.id, label: s.name })),
        filterBy: { operators: ['is'] },
        render: ({ item }) =>
          item.siteId ? (
            <Link href={`/sites/${item.siteId}`}>{siteName.get(item.siteId) ?? __('Deleted site', 'igny8')}</Link>
          ) : (
            <span className="igny8-muted">{__('Account', 'igny8')}</span>
          ),
      },
      {
        id: 'createdAt',
        label: __('Started', 'igny8'),
        type: 'datetime',
        enableSorting: false,
        filterBy: false,
        render: ({ item }) => <time dateTime={item.createdAt}>{formatRelative(item.createdAt)}</time>,
      },
      {
        id: 'error',
        label: __('Why it failed', 'igny8'),
        enableSorting: false,
        filterBy: false,
        render: ({ item }) => (item.status === 'failed' && item.error ? item.error.message : ''),
      },
    ],
    [sites.data, siteName],
  );

  const query = {
    status: filterValue(view, 'status'),
    type: filterValue(view, 'type'),
    siteId: filterValue(view, 'siteId'),
  };
  const jobs = useServerPages<TJobRun>('jobs', '/jobs', view, query, {
    refetchInterval: (rows) => (rows?.some(active) ? REFRESH_MS : false),
  });

  const refresh = () => queryClient.invalidateQueries({ queryKey: ['jobs'] });
  const report = (error: unknown) =>
    setFeedback({
      status: 'error',
      message: error instanceof ApiError ? error.message : __('The server did not answer. Try again.', 'igny8'),
    });

  const actions: Array<Action<TJobRun>> = can('write')
    ? [
        {
          id: 'cancel',
          label: __('Cancel', 'igny8'),
          isPrimary: true,
          isEligible: active,
          modalHeader: __('Cancel this job?', 'igny8'),
          RenderModal: ({ items, closeModal }) => (
            <ConfirmAction
              job={items[0]!}
              question={__('It stops at its next step; credits it held for work not done are given back.', 'igny8')}
              confirm={__('Cancel job', 'igny8')}
              close={() => closeModal?.()}
              onDone={async () => {
                try {
                  await post(`/jobs/${items[0]!.id}/cancel`);
                  setFeedback({ status: 'success', message: __('Cancellation requested.', 'igny8') });
                  await refresh();
                } catch (error) {
                  report(error);
                }
              }}
            />
          ),
        },
        {
          id: 'retry',
          label: __('Retry', 'igny8'),
          isPrimary: true,
          isEligible: (job) => job.status === 'failed',
          modalHeader: __('Retry this job?', 'igny8'),
          RenderModal: ({ items, closeModal }) => (
            <ConfirmAction
              job={items[0]!}
              question={__(
                'It runs again as a new job with the same input. A paid job holds its credits again and is charged once, when it finishes.',
                'igny8',
              )}
              confirm={__('Retry job', 'igny8')}
              close={() => closeModal?.()}
              onDone={async () => {
                try {
                  const retried = await post<TJobRetryAccepted>(`/jobs/${items[0]!.id}/retry`);
                  setFeedback({
                    status: 'success',
                    message:
                      retried.heldCredits > 0
                        ? sprintf(
                            /* translators: %d: credits held */
                            __('Retry started; %d credits are held for it.', 'igny8'),
                            retried.heldCredits,
                          )
                        : __('Retry started.', 'igny8'),
                  });
                  await refresh();
                } catch (error) {
                  report(error);
                }
              }}
            />
          ),
        },
      ]
    : [];

  const filtered = Boolean(query.status || query.type || query.siteId);

  return (
    <Page
      title={__('Jobs', 'igny8')}
      description={__(
        'Background work across all your sites: imports, clustering, writing, images and publishing.',
        'igny8',
      )}
    >
      {feedback ? (
        <Notice status={feedback.status} onRemove={() => setFeedback(null)}>
          {feedback.message}
        </Notice>
      ) : null}
      <ListStates
        query={jobs}
        isEmpty={jobs.rows.length === 0 && !filtered && (view.page ?? 1) === 1}
        empty={
          <Empty title={__('No jobs yet', 'igny8')}>
            {__(
              'Jobs appear here when you import keywords, cluster them, write or publish. Start in a site’s wp-admin (IGNY8 > Keywords), or open Sites.',
              'igny8',
            )}
          </Empty>
        }
      >
        <DataViews
          data={jobs.rows}
          fields={fields}
          view={view}
          onChangeView={setView}
          actions={actions}
          paginationInfo={jobs.paginationInfo}
          defaultLayouts={{ table: {} }}
          getItemId={(job) => job.id}
          search={false}
        />
      </ListStates>
    </Page>
  );
}
