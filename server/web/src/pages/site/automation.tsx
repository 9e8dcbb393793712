import type { TAutomationRun, TAutomationState, TSite } from '@igny8/shared';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Button, Modal, Notice } from '@wordpress/components';
import { __, sprintf } from '@wordpress/i18n';
import { useEffect, useRef, useState } from 'react';
import { Link } from 'wouter';
import { get, post } from '../../api/client';
import { ConfirmBody } from '../../components/confirm';
import { ErrorState, FormError, Loading } from '../../components/states';
import { formatDateTime, formatNumber } from '../../lib/format';
import { formatInZone, stopReasonSentence, STOP_REASON_SHORT } from '../../lib/automation-labels';
import { wpAdminUrl } from '../../lib/wp-admin';
import { useSession } from '../../session';
import { endedSummary, RunStages, runSummary, scheduleWords } from './automation-stages';
import { AutomationRuns, AUTOMATION_RUNS_KEY } from './automation-runs';
import { siteKey } from './common';

/** The query key of a site's automation state. */
export const automationKey = (siteId: string) => [...siteKey(siteId), 'automation'];

/** While a run is in progress its stages are refreshed this often. */
const ACTIVE_REFRESH_MS = 2_000;

type RunAction = 'start' | 'pause' | 'resume' | 'cancel';

const DONE_MESSAGES: Record<RunAction, () => string> = {
  start: () => __('Run started. Its stages fill in below as the work goes on.', 'igny8'),
  pause: () => __('Pausing: items already started finish first.', 'igny8'),
  resume: () => __('Run resumed.', 'igny8'),
  cancel: () => __('Cancelling: items already started finish, nothing new starts.', 'igny8'),
};

function Schedule({ state }: { state: TAutomationState }) {
  const { schedule } = state.settings;
  return (
    <div className="igny8-automation__fact">
      <h3>{__('Schedule', 'igny8')}</h3>
      {schedule.enabled ? (
        <>
          <p>
            <span className="igny8-health igny8-health--ok">{__('On', 'igny8')}</span>
            {' · '}
            {scheduleWords(schedule)}
          </p>
          <p className="igny8-muted">
            {sprintf(
              /* translators: 1: date and time of the next run in the site's time zone, 2: the time zone's name */
              __('Next run: %1$s (site time, %2$s)', 'igny8'),
              formatInZone(state.nextRunAt, state.timezone),
              state.timezone,
            )}
          </p>
        </>
      ) : (
        <p>
          <span className="igny8-health igny8-health--never">{__('Off', 'igny8')}</span>
          {' · '}
          {__('Runs start only when someone presses Run now.', 'igny8')}
        </p>
      )}
    </div>
  );
}

function Credits({ state }: { state: TAutomationState }) {
  const cap = state.settings.monthlyCreditCap;
  return (
    <div className="igny8-automation__fact">
      <h3>{__('Credits this month', 'igny8')}</h3>
      <p className="igny8-pipeline__value">{formatNumber(state.creditsThisMonth)}</p>
      <p className="igny8-muted">
        {cap === null
          ? __('No monthly cap for automation on this site (UTC month).', 'igny8')
          : sprintf(
              /* translators: %s: the monthly credit cap */
              __('Of a monthly cap of %s (UTC month).', 'igny8'),
              formatNumber(cap),
            )}
      </p>
    </div>
  );
}

function Review({ site, state }: { site: TSite; state: TAutomationState }) {
  return (
    <div className="igny8-automation__fact">
      <h3>{__('Review queue', 'igny8')}</h3>
      <p className="igny8-pipeline__value">{formatNumber(state.reviewCount)}</p>
      <a href={wpAdminUrl(site.url, 'automation')} target="_blank" rel="noreferrer">
        {state.reviewCount > 0
          ? __('Review them in its wp-admin (IGNY8 > Automation)', 'igny8')
          : __('Open IGNY8 > Automation in its wp-admin', 'igny8')}
      </a>
    </div>
  );
}

function LastRun({ run, siteId }: { run: TAutomationRun; siteId: string }) {
  const failed = run.stopReason === 'failed';
  return (
    <div className="igny8-automation__last">
      <h3 id="igny8-last-run-title">{__('Last run', 'igny8')}</h3>
      <Notice status={failed ? 'error' : run.stopReason === 'done' ? 'success' : 'info'} isDismissible={false}>
        <p>
          <strong>{run.stopReason ? STOP_REASON_SHORT[run.stopReason]?.() : __('Ended', 'igny8')}</strong>
          {' — '}
          {stopReasonSentence(run.stopReason)}
        </p>
        {run.stopDetail ? <p>{run.stopDetail}</p> : null}
        <p className="igny8-muted">
          {sprintf(
            /* translators: 1: when the run ended, 2: what it did (items and credits) */
            __('Ended %1$s: %2$s', 'igny8'),
            formatDateTime(run.endedAt),
            endedSummary(run),
          )}
          {failed ? (
            <>
              {' '}
              <Link href={`/jobs?siteId=${siteId}&status=failed`}>{__('See the failed jobs', 'igny8')}</Link>
            </>
          ) : null}
        </p>
      </Notice>
    </div>
  );
}

/**
 * The site's automation: the schedule, the run in progress with its stages (refreshed while it runs), why the last
 * run stopped, credits this month, the review queue (in the site's wp-admin), the buttons, and the run history.
 */
export function Automation({ site }: { site: TSite }) {
  const { can } = useSession();
  const queryClient = useQueryClient();
  const [done, setDone] = useState<string | null>(null);
  const [confirmCancel, setConfirmCancel] = useState(false);
  const state = useQuery({
    queryKey: automationKey(site.id),
    queryFn: ({ signal }) => get<TAutomationState>(`/sites/${site.id}/automation`, undefined, signal),
    refetchInterval: (query) => (query.state.data?.activeRun ? ACTIVE_REFRESH_MS : false),
  });

  // When a run starts or ends, the history, the pipeline counts, credits and the jobs change too; once it ended,
  // "Run started" is old news (the last run says how it went).
  const activeId = state.data?.activeRun?.id ?? null;
  const seen = useRef(activeId);
  useEffect(() => {
    if (seen.current === activeId) return;
    if (activeId === null) setDone(null);
    seen.current = activeId;
    void queryClient.invalidateQueries({ queryKey: [AUTOMATION_RUNS_KEY] });
    void queryClient.invalidateQueries({ queryKey: ['sites-overview'] });
    void queryClient.invalidateQueries({ queryKey: [...siteKey(site.id), 'overview'] });
    void queryClient.invalidateQueries({ queryKey: [...siteKey(site.id), 'jobs'] });
  }, [activeId, queryClient, site.id]);
  // Each item the run finishes changes the pipeline counts and the jobs above and below.
  const processed = state.data?.activeRun?.itemsProcessed ?? 0;
  useEffect(() => {
    if (processed === 0) return;
    void queryClient.invalidateQueries({ queryKey: [...siteKey(site.id), 'overview'] });
    void queryClient.invalidateQueries({ queryKey: [...siteKey(site.id), 'jobs'] });
  }, [processed, queryClient, site.id]);

  const act = useMutation({
    mutationFn: (action: RunAction) =>
      action === 'start'
        ? post<TAutomationRun>(`/sites/${site.id}/automation/runs`)
        : post<TAutomationRun>(`/automation/runs/${activeId}/${action}`),
    onMutate: () => setDone(null),
    onSuccess: (_run, action) => {
      setDone(DONE_MESSAGES[action]());
      void queryClient.invalidateQueries({ queryKey: automationKey(site.id) });
      void queryClient.invalidateQueries({ queryKey: [AUTOMATION_RUNS_KEY] });
    },
    // A refusal usually means the run moved on since the last refresh (it ended, or someone else paused it).
    onError: () => void queryClient.invalidateQueries({ queryKey: automationKey(site.id) }),
  });

  const title = (
    <div className="igny8-panel__header">
      <h2 id="igny8-automation-title">{__('Automation', 'igny8')}</h2>
      <a href={wpAdminUrl(site.url, 'automation')} target="_blank" rel="noreferrer">
        {__('Settings in its wp-admin', 'igny8')}
      </a>
    </div>
  );
  if (state.isPending || state.isError) {
    return (
      <section className="igny8-panel" aria-labelledby="igny8-automation-title">
        {title}
        {state.isPending ? (
          <Loading label={__('Loading automation…', 'igny8')} />
        ) : (
          <ErrorState error={state.error} retry={() => void state.refetch()} />
        )}
      </section>
    );
  }

  const { activeRun, lastRun } = state.data;
  const status = activeRun?.status;
  const busy = act.isPending;
  return (
    <section className="igny8-panel igny8-automation" aria-labelledby="igny8-automation-title">
      {title}
      <p className="igny8-muted">
        {__(
          'Runs take what is waiting through clustering, ideas, tasks, articles, images and publishing, on the schedule or when you press Run now.',
          'igny8',
        )}
      </p>
      <div className="igny8-automation__facts">
        <Schedule state={state.data} />
        <Credits state={state.data} />
        <Review site={site} state={state.data} />
      </div>

      {can('admin') ? (
        <div className="igny8-button-row igny8-automation__buttons">
          {!activeRun ? (
            <Button variant="primary" isBusy={busy} disabled={busy} onClick={() => act.mutate('start')}>
              {__('Run now', 'igny8')}
            </Button>
          ) : null}
          {status === 'queued' || status === 'running' ? (
            <Button variant="secondary" isBusy={busy} disabled={busy} onClick={() => act.mutate('pause')}>
              {__('Pause', 'igny8')}
            </Button>
          ) : null}
          {status === 'paused' ? (
            <Button variant="primary" isBusy={busy} disabled={busy} onClick={() => act.mutate('resume')}>
              {__('Resume', 'igny8')}
            </Button>
          ) : null}
          {activeRun && status !== 'cancelling' ? (
            <Button variant="secondary" isDestructive disabled={busy} onClick={() => setConfirmCancel(true)}>
              {__('Cancel', 'igny8')}
            </Button>
          ) : null}
        </div>
      ) : (
        <p className="igny8-muted">{__('Account owners and admins can start, pause and cancel runs.', 'igny8')}</p>
      )}
      {confirmCancel ? null : <FormError error={act.error} />}
      {done ? (
        <Notice status="success" onRemove={() => setDone(null)}>
          {done}
        </Notice>
      ) : null}
      {confirmCancel ? (
        <Modal title={__('Cancel this run?', 'igny8')} onRequestClose={() => setConfirmCancel(false)}>
          <ConfirmBody
            confirmLabel={__('Cancel run', 'igny8')}
            onConfirm={() => act.mutateAsync('cancel')}
            closeModal={() => setConfirmCancel(false)}
          >
            {__(
              'Items already started finish and keep their results; nothing new starts. Credits held for work not done are given back.',
              'igny8',
            )}
          </ConfirmBody>
        </Modal>
      ) : null}

      {activeRun ? (
        <div className="igny8-automation__active" role="region" aria-labelledby="igny8-active-run-title">
          <h3 id="igny8-active-run-title">{__('Run in progress', 'igny8')}</h3>
          <p aria-live="polite">{runSummary(activeRun)}</p>
          <RunStages run={activeRun} />
        </div>
      ) : null}
      {lastRun ? (
        <LastRun run={lastRun} siteId={site.id} />
      ) : !activeRun ? (
        <p className="igny8-muted">
          {state.data.settings.schedule.enabled
            ? __('No run yet. The first starts at the next run above, or press Run now.', 'igny8')
            : __('No run yet. Press Run now, or turn the schedule on in its wp-admin (IGNY8 > Automation).', 'igny8')}
        </p>
      ) : null}
      <AutomationRuns site={site} />
    </section>
  );
}
