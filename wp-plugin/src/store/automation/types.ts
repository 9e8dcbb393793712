/**
 * The automation store's own shapes. What the automation routes send and take is the server's contract
 * (shared/src/automation.ts), imported as types from @igny8/shared (`import type` only: nothing of it is bundled).
 */
import type {
  TAutomationReviewItem,
  TAutomationRun,
  TAutomationSettings,
  TAutomationState,
  TPage,
  TSector,
} from '@igny8/shared';

/** What POST sites/:siteId/automation/review/publish answers for each content (ZAutomationReviewPublished). */
export interface ReviewOutcome {
  contentId: string;
  jobId: string | null;
  /** When the post goes live (null: now, or a draft). */
  scheduledAt: string | null;
  error: { code: string; message: string } | null;
}

/** A published review item with its title, kept after it leaves the queue so the screen can say what happened. */
export interface PublishedItem extends ReviewOutcome {
  title: string;
  taskId: string | null;
}

/** What the run controls send: POST automation/runs/:runId/<control>. */
export type RunControl = 'pause' | 'resume' | 'cancel';

/** Which part of the screen a request belongs to (each section shows its own errors). */
export type AutomationSection = 'settings' | 'run' | 'history' | 'review';

/** Requests that change something; one of each may run at a time. */
export type AutomationOperation = 'save' | 'run' | RunControl | 'publish';

/** A failed request: `message` is shown as is; `fields` holds each refused field's own message, by its path. */
export interface AutomationError {
  section: AutomationSection;
  operation: 'load' | AutomationOperation;
  code: string;
  message: string;
  /** Messages by dotted field path, as the server names them (`batchSizes.cluster`, `schedule.cron`). */
  fields: Record<string, string>;
}

/**
 * The settings as the form edits them: a number field may be empty (null) while it is being typed; the server
 * says what it needs when the form is saved.
 */
export type SettingsDraft = Loose<TAutomationSettings>;
type Loose<T> = { [K in keyof T]: T[K] extends number ? number | null : T[K] extends object ? Loose<T[K]> : T[K] };

export interface AutomationState {
  automation: TAutomationState | null;
  /** The site's runs, newest first (pages appended by "Load more"). */
  runs: TPage<TAutomationRun> | null;
  review: TPage<TAutomationReviewItem> | null;
  sectors: TSector[] | null;
  /** What the last "Approve and publish" did, item by item. */
  published: PublishedItem[];
  pending: AutomationOperation[];
  errors: Partial<Record<AutomationSection, AutomationError>>;
}

export type AutomationAction =
  | { type: 'RECEIVE_STATE'; automation: TAutomationState }
  | { type: 'RECEIVE_RUN'; run: TAutomationRun }
  | { type: 'RECEIVE_RUNS'; page: TPage<TAutomationRun>; append: boolean }
  | { type: 'RECEIVE_REVIEW'; page: TPage<TAutomationReviewItem>; append?: boolean }
  | { type: 'RECEIVE_SECTORS'; sectors: TSector[] }
  | { type: 'RECEIVE_PUBLISHED'; items: PublishedItem[] }
  | { type: 'START'; operation: AutomationOperation; section: AutomationSection }
  | { type: 'FINISH'; operation: AutomationOperation }
  | { type: 'FAIL'; error: AutomationError }
  | { type: 'CLEAR_ERROR'; section: AutomationSection };

/** The part of @wordpress/data's thunk arguments these thunks use. */
export interface AutomationThunkArgs {
  dispatch: ((action: AutomationAction) => unknown) & {
    invalidateResolutionForStoreSelector: (selector: string) => unknown;
  };
  select: { getState: () => TAutomationState | null; getReview: () => TPage<TAutomationReviewItem> | null };
}
