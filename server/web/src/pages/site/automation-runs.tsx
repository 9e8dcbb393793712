import type { TAutomationRun, TSite } from '@igny8/shared';
import { DataViews, type Field, type View } from '@wordpress/dataviews';
import { __ } from '@wordpress/i18n';
import { useState } from 'react';
import { ListStates } from '../../components/list-states';
import { Empty } from '../../components/states';
import { formatDateTime, formatNumber } from '../../lib/format';
import { RUN_STATUS_LABELS, STOP_REASON_SHORT, stopReasonSentence, TRIGGER_LABELS } from '../../lib/automation-labels';
import { useServerPages } from '../../lib/pages';

/** The first part of the history's query keys (invalidated when a run starts, changes or ends). */
export const AUTOMATION_RUNS_KEY = 'automation-runs';

const fields: Array<Field<TAutomationRun>> = [
  {
    id: 'createdAt',
    label: __('Started', 'igny8'),
    type: 'datetime',
    enableHiding: false,
    enableSorting: false,
    filterBy: false,
    render: ({ item }) => formatDateTime(item.startedAt ?? item.createdAt),
  },
  {
    id: 'trigger',
    label: __('Started by', 'igny8'),
    enableSorting: false,
    filterBy: false,
    render: ({ item }) => TRIGGER_LABELS[item.trigger]?.() ?? item.trigger,
  },
  {
    id: 'status',
    label: __('Status', 'igny8'),
    enableSorting: false,
    filterBy: false,
    render: ({ item }) => RUN_STATUS_LABELS[item.status]?.() ?? item.status,
  },
  {
    id: 'stopReason',
    label: __('Why it stopped', 'igny8'),
    enableSorting: false,
    filterBy: false,
    getValue: ({ item }) => item.stopReason ?? '',
    render: ({ item }) =>
      item.stopReason ? (
        <span className="igny8-site-cell" title={stopReasonSentence(item.stopReason)}>
          <span>{STOP_REASON_SHORT[item.stopReason]?.() ?? item.stopReason}</span>
          {item.stopDetail ? <span className="igny8-muted">{item.stopDetail}</span> : null}
        </span>
      ) : (
        '—'
      ),
  },
  {
    id: 'itemsProcessed',
    label: __('Items', 'igny8'),
    type: 'integer',
    enableSorting: false,
    filterBy: false,
    render: ({ item }) => formatNumber(item.itemsProcessed),
  },
  {
    id: 'creditsUsed',
    label: __('Credits used', 'igny8'),
    type: 'integer',
    enableSorting: false,
    filterBy: false,
    render: ({ item }) => formatNumber(item.creditsUsed),
  },
  {
    id: 'endedAt',
    label: __('Ended', 'igny8'),
    type: 'datetime',
    enableSorting: false,
    filterBy: false,
    render: ({ item }) => formatDateTime(item.endedAt),
  },
];

const INITIAL_VIEW: View = {
  type: 'table',
  perPage: 10,
  page: 1,
  filters: [],
  titleField: 'createdAt',
  fields: ['trigger', 'status', 'stopReason', 'itemsProcessed', 'creditsUsed', 'endedAt'],
  layout: {},
};

const active = (run: TAutomationRun) => run.status !== 'ended';

/** The site's runs, newest first, paged by the server (GET /sites/:siteId/automation/runs). */
export function AutomationRuns({ site }: { site: TSite }) {
  const [view, setView] = useState<View>(INITIAL_VIEW);
  const runs = useServerPages<TAutomationRun>(
    AUTOMATION_RUNS_KEY,
    `/sites/${site.id}/automation/runs`,
    view,
    {},
    {
      refetchInterval: (rows) => (rows?.some(active) ? 3_000 : false),
    },
  );
  return (
    <div className="igny8-automation__history" role="region" aria-labelledby="igny8-run-history-title">
      <h3 id="igny8-run-history-title">{__('Run history', 'igny8')}</h3>
      <ListStates
        query={runs}
        isEmpty={runs.rows.length === 0 && (view.page ?? 1) === 1}
        empty={
          <Empty title={__('No runs yet', 'igny8')}>
            {__('Each run, by the schedule or by Run now, is listed here with why it stopped.', 'igny8')}
          </Empty>
        }
      >
        <DataViews
          data={runs.rows}
          fields={fields}
          view={view}
          onChangeView={setView}
          paginationInfo={runs.paginationInfo}
          defaultLayouts={{ table: {} }}
          getItemId={(run) => run.id}
          search={false}
        />
      </ListStates>
    </div>
  );
}
