import type { TAutomationReviewItem, TAutomationRun, TAutomationState, TPage, TSector } from '@igny8/shared';
import type { AutomationError, AutomationOperation, AutomationSection, AutomationState, PublishedItem } from './types';

/** Settings, schedule, the active and last run; null until loaded (the resolver fetches it). */
export const getState = (state: AutomationState): TAutomationState | null => state.automation;

/** The site's runs, newest first; null until loaded. */
export const getRuns = (state: AutomationState): TPage<TAutomationRun> | null => state.runs;

/** Contents waiting for review; null until loaded. */
export const getReview = (state: AutomationState): TPage<TAutomationReviewItem> | null => state.review;

/** The site's sectors; null until loaded. */
export const getSectors = (state: AutomationState): TSector[] | null => state.sectors;

export const getPublished = (state: AutomationState): PublishedItem[] => state.published;

export const isPending = (state: AutomationState, operation: AutomationOperation): boolean =>
  state.pending.includes(operation);

export const getError = (state: AutomationState, section: AutomationSection): AutomationError | null =>
  state.errors[section] ?? null;
