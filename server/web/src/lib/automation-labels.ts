import type { TAutomationRunStatus, TAutomationStage, TAutomationStopReason } from '@igny8/shared';
import { __ } from '@wordpress/i18n';

/**
 * Automation in the product's words: why a run stopped (one sentence per reason, with the next step where there is
 * one), its status and its stages. Records keyed by the contract's unions, so a new reason fails the typecheck
 * until it has its sentence here.
 */
export const STOP_REASON_SENTENCES: Record<TAutomationStopReason, () => string> = {
  done: () => __('It finished: everything that was waiting went through every stage.', 'igny8'),
  nothing_to_do: () =>
    __('There was nothing to do: no new keywords, clusters, ideas or articles were waiting. Add keywords.', 'igny8'),
  stopped_after_stage: () =>
    __('It stopped after the stage chosen for review, as set. Review the results, then run it again.', 'igny8'),
  run_cap_reached: () =>
    __('It used the most credits one run may use. The next run takes up where this one stopped.', 'igny8'),
  monthly_cap_reached: () =>
    __('Automation used this month’s credit cap for this site. Raise the cap or wait for next month.', 'igny8'),
  site_budget_reached: () =>
    __('The site’s monthly credit budget is used up. Raise the budget on this page or wait for next month.', 'igny8'),
  credits_exhausted: () => __('The account ran out of credits. Buy credits, then run it again.', 'igny8'),
  provider_quota_exhausted: () =>
    __('The AI provider refused more work (its quota or rate limit). Check the provider key, then try later.', 'igny8'),
  wordpress_unreachable: () =>
    __('The WordPress site could not be reached. Check the connection, then run it again.', 'igny8'),
  paused: () => __('Someone paused it. Resume it to go on from where it stopped.', 'igny8'),
  cancelled: () => __('Someone cancelled it. Work already done was kept.', 'igny8'),
  failed: () => __('It failed. The reason is below; the jobs list has the details.', 'igny8'),
};

/** The reason as a sentence (an unknown reason from a newer server reads as "it stopped"). */
export function stopReasonSentence(reason: TAutomationStopReason | null | undefined): string {
  if (!reason) return '—';
  return STOP_REASON_SENTENCES[reason]?.() ?? __('It stopped.', 'igny8');
}

/** A short form of the reason for a table cell. */
export const STOP_REASON_SHORT: Record<TAutomationStopReason, () => string> = {
  done: () => __('Finished', 'igny8'),
  nothing_to_do: () => __('Nothing to do', 'igny8'),
  stopped_after_stage: () => __('Stopped for review', 'igny8'),
  run_cap_reached: () => __('Run credit cap reached', 'igny8'),
  monthly_cap_reached: () => __('Monthly cap reached', 'igny8'),
  site_budget_reached: () => __('Site budget used up', 'igny8'),
  credits_exhausted: () => __('Out of credits', 'igny8'),
  provider_quota_exhausted: () => __('AI provider quota', 'igny8'),
  wordpress_unreachable: () => __('WordPress unreachable', 'igny8'),
  paused: () => __('Paused', 'igny8'),
  cancelled: () => __('Cancelled', 'igny8'),
  failed: () => __('Failed', 'igny8'),
};

export const RUN_STATUS_LABELS: Record<TAutomationRunStatus, () => string> = {
  queued: () => __('Queued', 'igny8'),
  running: () => __('Running', 'igny8'),
  pausing: () => __('Pausing', 'igny8'),
  paused: () => __('Paused', 'igny8'),
  cancelling: () => __('Cancelling', 'igny8'),
  ended: () => __('Ended', 'igny8'),
};

export const STAGE_LABELS: Record<TAutomationStage, () => string> = {
  cluster: () => __('Clustering keywords', 'igny8'),
  ideas: () => __('Ideas', 'igny8'),
  tasks: () => __('Tasks', 'igny8'),
  articles: () => __('Articles', 'igny8'),
  image_prompts: () => __('Image prompts', 'igny8'),
  images: () => __('Images', 'igny8'),
  publish: () => __('Publishing', 'igny8'),
};

export const TRIGGER_LABELS: Record<'schedule' | 'manual', () => string> = {
  schedule: () => __('Schedule', 'igny8'),
  manual: () => __('Run now', 'igny8'),
};

/** A time as the site's clock reads it, with the zone's name ("Dec 8, 2026, 6:00 AM GMT+1"). */
export function formatInZone(value: string | null, timeZone: string): string {
  if (!value) return '—';
  const date = new Date(value);
  if (Number.isNaN(date.getTime())) return '—';
  const locale = typeof navigator === 'undefined' ? 'en' : navigator.language || 'en';
  // dateStyle and timeStyle cannot be combined with timeZoneName, so the parts are named one by one.
  const parts: Intl.DateTimeFormatOptions = {
    year: 'numeric',
    month: 'short',
    day: 'numeric',
    hour: 'numeric',
    minute: '2-digit',
    timeZoneName: 'short',
  };
  try {
    return new Intl.DateTimeFormat(locale, { ...parts, timeZone }).format(date);
  } catch {
    // A zone this browser does not know: UTC, which the zone's name then says.
    return new Intl.DateTimeFormat(locale, { ...parts, timeZone: 'UTC' }).format(date);
  }
}
