import type { TSiteOverview } from '@igny8/shared';
import { __, sprintf } from '@wordpress/i18n';
import { RUN_STATUS_LABELS, STOP_REASON_SHORT, stopReasonSentence } from '../../lib/automation-labels';

/** The Sites table's Automation cell: the schedule on or off, then the run in progress or why the last one stopped. */
export function AutomationCell({ site }: { site: TSiteOverview }) {
  const { scheduleEnabled, activeRunStatus, lastStopReason } = site.automation;
  let run: string;
  if (activeRunStatus) {
    run = sprintf(
      /* translators: %s: status of the run in progress, e.g. Running */
      __('Run: %s', 'igny8'),
      RUN_STATUS_LABELS[activeRunStatus]?.() ?? activeRunStatus,
    );
  } else if (lastStopReason) {
    run = sprintf(
      /* translators: %s: why the last run stopped, in short */
      __('Last run: %s', 'igny8'),
      STOP_REASON_SHORT[lastStopReason]?.() ?? lastStopReason,
    );
  } else {
    run = __('No runs yet', 'igny8');
  }
  return (
    <span className="igny8-automation-cell">
      <span>{scheduleEnabled ? __('Schedule on', 'igny8') : __('Schedule off', 'igny8')}</span>
      <span
        className="igny8-muted"
        title={lastStopReason && !activeRunStatus ? stopReasonSentence(lastStopReason) : undefined}
      >
        {run}
      </span>
    </span>
  );
}

/** The cell's value for sorting in the browser and for the column's text. */
export function automationValue(site: TSiteOverview): string {
  return site.automation.activeRunStatus ?? site.automation.lastStopReason ?? '';
}
