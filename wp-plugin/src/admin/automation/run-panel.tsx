import { Button, Card, CardBody, CardHeader } from '@wordpress/components';
import { useDispatch, useSelect } from '@wordpress/data';
import { useEffect, useRef } from '@wordpress/element';
import { __, sprintf } from '@wordpress/i18n';
import { store as noticesStore } from '@wordpress/notices';
import type { TAutomationRun, TAutomationState } from '@igny8/shared';
import { EmptyState } from '../../components/empty-state';
import { ErrorNotice } from '../../components/error-notice';
import { store as automationStore } from '../../store/automation';
import { automationPage } from './automation-page';
import { dateTimeText } from './dates';
import { runStatusLabel, stopReasonText, triggerLabel } from './labels';
import { NOTICE_CONTEXT } from './notices';
import { RunStages } from './run-stages';

/** Stop reasons that are the run doing its job, not something to act on. */
const CALM_ENDINGS = new Set(['done', 'nothing_to_do', 'stopped_after_stage']);

function RunFacts({ run }: { run: TAutomationRun }) {
  return (
    <dl className="igny8-automation__facts">
      <div>
        <dt>{__('Status', 'igny8')}</dt>
        <dd data-testid="igny8-run-status" data-value={run.status}>
          {runStatusLabel(run.status)}
        </dd>
      </div>
      <div>
        <dt>{__('Started by', 'igny8')}</dt>
        <dd>{triggerLabel(run.trigger)}</dd>
      </div>
      <div>
        <dt>{__('Started', 'igny8')}</dt>
        <dd>{dateTimeText(run.startedAt ?? run.createdAt)}</dd>
      </div>
      <div>
        <dt>{__('Credits held', 'igny8')}</dt>
        <dd data-testid="igny8-run-credits-held">{run.creditsHeld.toLocaleString()}</dd>
      </div>
      <div>
        <dt>{__('Credits used', 'igny8')}</dt>
        <dd data-testid="igny8-run-credits-used">{run.creditsUsed.toLocaleString()}</dd>
      </div>
    </dl>
  );
}

/** Run now, the active run live (stages, counts, credits) with Pause, Resume and Cancel, or how the last run ended. */
export function RunPanel({ automation }: { automation: TAutomationState }) {
  const { canManage, plannerUrl } = automationPage();
  const { error, starting, pausing, resuming, cancelling } = useSelect((select) => {
    const store = select(automationStore);
    return {
      error: store.getError('run'),
      starting: store.isPending('run'),
      pausing: store.isPending('pause'),
      resuming: store.isPending('resume'),
      cancelling: store.isPending('cancel'),
    };
  }, []);
  const { runNow, controlRun, clearError } = useDispatch(automationStore);
  const { createNotice, removeNotice } = useDispatch(noticesStore);
  const { activeRun, lastRun } = automation;

  // Says how a run the screen watched ended, once, when it leaves the active slot.
  const watched = useRef<string | null>(activeRun?.id ?? null);
  useEffect(() => {
    if (activeRun) {
      watched.current = activeRun.id;
      return;
    }
    if (watched.current && lastRun?.id === watched.current) {
      void removeNotice('igny8-automation-run-started', NOTICE_CONTEXT);
      const reason = stopReasonText(lastRun.stopReason);
      void createNotice(
        lastRun.stopReason && CALM_ENDINGS.has(lastRun.stopReason) ? 'success' : 'warning',
        lastRun.stopDetail ? `${reason} ${lastRun.stopDetail}` : reason,
        { context: NOTICE_CONTEXT, id: 'igny8-automation-run-ended' },
      );
    }
    watched.current = null;
  }, [activeRun, lastRun, createNotice, removeNotice]);

  const start = async () => {
    if (await runNow()) {
      void createNotice('success', __('Run started. Its stages fill in below as it goes.', 'igny8'), {
        context: NOTICE_CONTEXT,
        id: 'igny8-automation-run-started',
      });
    }
  };

  return (
    <section aria-labelledby="igny8-automation-run">
      <Card className="igny8-automation__panel">
        <CardHeader>
          <h2 id="igny8-automation-run">{activeRun ? __('Run in progress', 'igny8') : __('Run', 'igny8')}</h2>
        </CardHeader>
        <CardBody>
          {error && <ErrorNotice message={error.message} onDismiss={() => clearError('run')} />}
          {activeRun ? (
            <>
              <RunFacts run={activeRun} />
              {canManage && (
                <div className="igny8-automation__actions">
                  {activeRun.status === 'paused' ? (
                    <Button
                      variant="primary"
                      isBusy={resuming}
                      disabled={resuming}
                      onClick={() => void controlRun(activeRun.id, 'resume')}
                    >
                      {__('Resume', 'igny8')}
                    </Button>
                  ) : (
                    <Button
                      variant="secondary"
                      isBusy={pausing}
                      disabled={pausing || !['queued', 'running'].includes(activeRun.status)}
                      onClick={() => void controlRun(activeRun.id, 'pause')}
                    >
                      {__('Pause', 'igny8')}
                    </Button>
                  )}
                  <Button
                    variant="secondary"
                    isDestructive
                    isBusy={cancelling}
                    disabled={cancelling || activeRun.status === 'cancelling'}
                    onClick={() => void controlRun(activeRun.id, 'cancel')}
                  >
                    {__('Cancel run', 'igny8')}
                  </Button>
                </div>
              )}
              <RunStages run={activeRun} />
            </>
          ) : (
            <>
              {lastRun ? (
                <div
                  className="igny8-automation__last"
                  data-testid="igny8-last-run"
                  data-reason={lastRun.stopReason ?? ''}
                >
                  <p>
                    <strong>
                      {sprintf(
                        /* translators: %s: a date and time */
                        __('Last run ended %s.', 'igny8'),
                        dateTimeText(lastRun.endedAt ?? lastRun.createdAt),
                      )}
                    </strong>{' '}
                    {stopReasonText(lastRun.stopReason)}
                    {lastRun.stopDetail ? ` ${lastRun.stopDetail}` : ''}
                  </p>
                  <RunStages run={lastRun} />
                </div>
              ) : (
                <EmptyState title={__('No run yet', 'igny8')}>
                  <p>
                    {canManage
                      ? __(
                          'Press Run now to take what waits in the Planner through every stage: new keywords become clusters, ideas, articles and posts.',
                          'igny8',
                        )
                      : __('An administrator starts runs here, or sets a schedule for them.', 'igny8')}
                  </p>
                  <p>
                    <a href={plannerUrl}>{__('Add keywords in the Planner', 'igny8')}</a>
                  </p>
                </EmptyState>
              )}
              {canManage && (
                <div className="igny8-automation__actions">
                  <Button variant="primary" isBusy={starting} disabled={starting} onClick={() => void start()}>
                    {__('Run now', 'igny8')}
                  </Button>
                </div>
              )}
            </>
          )}
        </CardBody>
      </Card>
    </section>
  );
}
