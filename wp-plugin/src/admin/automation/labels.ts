/** Automation's values in words (the API's codes are never shown). */
import { __, sprintf } from '@wordpress/i18n';
import type {
  TAutomationRunStatus,
  TAutomationStage,
  TAutomationStageState,
  TAutomationStopReason,
} from '@igny8/shared';

/**
 * The seven stages in the order a run takes them (shared/src/automation.ts AUTOMATION_STAGES; copied because a
 * value import of the contract would bundle zod, and the `satisfies` keeps the copy in step).
 */
export const STAGES = [
  'cluster',
  'ideas',
  'tasks',
  'articles',
  'image_prompts',
  'images',
  'publish',
] as const satisfies readonly TAutomationStage[];

export const stageLabel = (stage: TAutomationStage): string =>
  ({
    cluster: __('Cluster keywords', 'igny8'),
    ideas: __('Suggest ideas', 'igny8'),
    tasks: __('Turn ideas into tasks', 'igny8'),
    articles: __('Write articles', 'igny8'),
    image_prompts: __('Describe images', 'igny8'),
    images: __('Make images', 'igny8'),
    publish: __('Publish or queue for review', 'igny8'),
  })[stage] ?? stage;

/** What a stage takes in and makes, for its counts ("10 keywords in, 3 clusters out"). */
export const stageUnits = (stage: TAutomationStage): { in: string; out: string } =>
  ({
    cluster: { in: __('Keywords', 'igny8'), out: __('Clusters', 'igny8') },
    ideas: { in: __('Clusters', 'igny8'), out: __('Ideas', 'igny8') },
    tasks: { in: __('Ideas', 'igny8'), out: __('Tasks', 'igny8') },
    articles: { in: __('Tasks', 'igny8'), out: __('Articles', 'igny8') },
    image_prompts: { in: __('Articles', 'igny8'), out: __('Image descriptions', 'igny8') },
    images: { in: __('Image descriptions', 'igny8'), out: __('Images', 'igny8') },
    publish: { in: __('Articles', 'igny8'), out: __('Posts or reviews', 'igny8') },
  })[stage];

export const stageStatusLabel = (status: TAutomationStageState['status']): string =>
  ({
    pending: __('Waiting', 'igny8'),
    running: __('Running', 'igny8'),
    done: __('Done', 'igny8'),
    skipped: __('Skipped', 'igny8'),
  })[status] ?? status;

/** How far a stage is: what it finished (made or failed) of what it took in; a finished stage is full. */
export const stagePercent = (stage: TAutomationStageState): number => {
  if (stage.status === 'done' || stage.status === 'skipped') {
    return 100;
  }
  if (stage.in <= 0) {
    return 0;
  }
  return Math.min(100, ((stage.out + stage.failed) / stage.in) * 100);
};

export const runStatusLabel = (status: TAutomationRunStatus): string =>
  ({
    queued: __('Waiting to start', 'igny8'),
    running: __('Running', 'igny8'),
    pausing: __('Pausing after the current items', 'igny8'),
    paused: __('Paused', 'igny8'),
    cancelling: __('Cancelling', 'igny8'),
    ended: __('Ended', 'igny8'),
  })[status] ?? status;

export const triggerLabel = (trigger: 'schedule' | 'manual'): string =>
  trigger === 'schedule' ? __('Schedule', 'igny8') : __('Run now', 'igny8');

const STOP_REASONS: () => Record<TAutomationStopReason, string> = () => ({
  done: __('Finished: every stage did what was waiting for it.', 'igny8'),
  nothing_to_do: __('Nothing to do: no stage had anything waiting. Add keywords in the Planner.', 'igny8'),
  stopped_after_stage: __('Stopped after the stage chosen in the settings, for review by hand.', 'igny8'),
  run_cap_reached: __('Stopped at the credit cap for one run. Raise it in the settings to do more per run.', 'igny8'),
  monthly_cap_reached: __(
    'Stopped at this site’s monthly credit cap. Raise it in the settings, or wait for next month.',
    'igny8',
  ),
  site_budget_reached: __('Stopped at this site’s credit budget. An administrator can raise it in IGNY8.', 'igny8'),
  credits_exhausted: __('Stopped: the account is out of credits. Buy credits in IGNY8 to go on.', 'igny8'),
  provider_quota_exhausted: __(
    'Stopped: the AI provider’s quota is used up. Try again later or check the provider keys.',
    'igny8',
  ),
  wordpress_unreachable: __(
    'Stopped: IGNY8 could not reach this WordPress site to publish. Check the connection.',
    'igny8',
  ),
  paused: __('Paused by a person. Resume it to go on.', 'igny8'),
  cancelled: __('Cancelled by a person.', 'igny8'),
  failed: __('Failed. The detail says which item and why.', 'igny8'),
});

/** Why a run stopped, as a sentence (the run's `stopDetail` adds which cap, job or item). */
export const stopReasonText = (reason: TAutomationStopReason | null): string =>
  reason === null ? __('Still running', 'igny8') : (STOP_REASONS()[reason] ?? reason);

/** "3 min 12 s" between two ISO dates; null when the run has not started. */
export const durationText = (startedAt: string | null, endedAt: string | null, now: number = Date.now()): string => {
  if (!startedAt) {
    return '—';
  }
  const seconds = Math.max(0, Math.round(((endedAt ? Date.parse(endedAt) : now) - Date.parse(startedAt)) / 1000));
  if (seconds < 60) {
    /* translators: %d: seconds */
    return sprintf(__('%d s', 'igny8'), seconds);
  }
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) {
    /* translators: 1: minutes, 2: seconds */
    return sprintf(__('%1$d min %2$d s', 'igny8'), minutes, seconds % 60);
  }
  /* translators: 1: hours, 2: minutes */
  return sprintf(__('%1$d h %2$d min', 'igny8'), Math.floor(minutes / 60), minutes % 60);
};

export const WEEKDAYS = (): string[] => [
  __('Sunday', 'igny8'),
  __('Monday', 'igny8'),
  __('Tuesday', 'igny8'),
  __('Wednesday', 'igny8'),
  __('Thursday', 'igny8'),
  __('Friday', 'igny8'),
  __('Saturday', 'igny8'),
];
