import type { TAutomationRun, TAutomationSchedule, TAutomationStageState } from '@igny8/shared';
import { ProgressBar } from '@wordpress/components';
import { __, sprintf } from '@wordpress/i18n';
import { formatNumber } from '../../lib/format';
import { RUN_STATUS_LABELS, STAGE_LABELS } from '../../lib/automation-labels';

const STAGE_STATUS: Record<TAutomationStageState['status'], () => string> = {
  pending: () => __('Waiting', 'igny8'),
  running: () => __('Running', 'igny8'),
  done: () => __('Done', 'igny8'),
  skipped: () => __('Skipped', 'igny8'),
};

/**
 * How far a stage is (null: under way, but no share can be told). Done or skipped is whole, waiting is at 0. While
 * it runs: clustering takes a sector's keywords as one item, so it shows as under way until done; images count
 * the prompts made ready or failed; the other stages count the items they took in that are no longer being worked on.
 */
export function stagePercent(stage: TAutomationStageState): number | null {
  if (stage.status === 'done' || stage.status === 'skipped') return 100;
  if (stage.status === 'pending' || stage.in <= 0) return 0;
  const share = (part: number) => Math.max(0, Math.min(100, Math.round((100 * part) / stage.in)));
  if (stage.stage === 'cluster') return stage.running > 0 ? null : 100;
  if (stage.stage === 'images') return share(stage.out + stage.failed);
  return share(stage.in - stage.running);
}

/** The run's seven stages, each with its progress bar and its counts. */
export function RunStages({ run }: { run: TAutomationRun }) {
  return (
    <ol className="igny8-stages" aria-label={__('Stages of the run', 'igny8')}>
      {run.stages.map((stage) => {
        const label = STAGE_LABELS[stage.stage]?.() ?? stage.stage;
        const percent = stagePercent(stage);
        return (
          <li key={stage.stage} className={`igny8-stage igny8-stage--${stage.status}`}>
            <div className="igny8-stage__head">
              <strong>{label}</strong>
              <span className="igny8-muted">{STAGE_STATUS[stage.status]?.() ?? stage.status}</span>
            </div>
            <ProgressBar
              {...(percent === null ? {} : { value: percent })}
              aria-label={
                percent === null
                  ? sprintf(
                      /* translators: %s: stage name */
                      __('%s: under way', 'igny8'),
                      label,
                    )
                  : sprintf(
                      /* translators: 1: stage name, 2: percent done */
                      __('%1$s: %2$d%% done', 'igny8'),
                      label,
                      percent,
                    )
              }
            />
            <span className="igny8-muted">
              {sprintf(
                /* translators: 1: items taken in, 2: items made, 3: items failed, 4: items being worked on */
                __('%1$s in · %2$s made · %3$s failed · %4$s in progress', 'igny8'),
                formatNumber(stage.in),
                formatNumber(stage.out),
                formatNumber(stage.failed),
                formatNumber(stage.running),
              )}
            </span>
          </li>
        );
      })}
    </ol>
  );
}

/** One line about a run in progress: its status, items and credits. */
export function runSummary(run: TAutomationRun): string {
  return sprintf(
    /* translators: 1: run status, 2: items processed, 3: credits used, 4: credits held */
    __('%1$s: %2$s items processed, %3$s credits used, %4$s held.', 'igny8'),
    RUN_STATUS_LABELS[run.status]?.() ?? run.status,
    formatNumber(run.itemsProcessed),
    formatNumber(run.creditsUsed),
    formatNumber(run.creditsHeld),
  );
}

/** What an ended run did: items and credits. */
export function endedSummary(run: TAutomationRun): string {
  return sprintf(
    /* translators: 1: items processed, 2: credits used */
    __('%1$s items processed, %2$s credits used.', 'igny8'),
    formatNumber(run.itemsProcessed),
    formatNumber(run.creditsUsed),
  );
}

/** The day of the week in the browser's language (0 = Sunday). */
function weekdayName(day: number): string {
  const locale = typeof navigator === 'undefined' ? 'en' : navigator.language || 'en';
  // 2023-01-01 was a Sunday.
  return new Intl.DateTimeFormat(locale, { weekday: 'long', timeZone: 'UTC' }).format(
    new Date(Date.UTC(2023, 0, 1 + day)),
  );
}

/** When the schedule fires, in words ("Every day at 06:00"), read in the site's time zone. */
export function scheduleWords(schedule: TAutomationSchedule): string {
  switch (schedule.frequency) {
    case 'hourly':
      return __('Every hour', 'igny8');
    case 'daily':
      /* translators: %s: time of day, e.g. 06:00 */
      return sprintf(__('Every day at %s', 'igny8'), schedule.time);
    case 'weekly':
      /* translators: 1: day of the week, 2: time of day */
      return sprintf(__('Every %1$s at %2$s', 'igny8'), weekdayName(schedule.weekday), schedule.time);
    default:
      /* translators: %s: a cron expression */
      return sprintf(__('On the cron schedule “%s”', 'igny8'), schedule.cron ?? '');
  }
}
