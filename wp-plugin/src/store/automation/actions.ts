import type { TAutomationSettingsPatch, TAutomationState } from '@igny8/shared';
import {
  fetchAutomation,
  fetchReview,
  fetchRuns,
  postReviewPublish,
  postRun,
  postRunControl,
  putSettings,
} from './api';
import { toAutomationError } from './errors';
import type {
  AutomationAction,
  AutomationOperation,
  AutomationSection,
  AutomationThunkArgs,
  PublishedItem,
  RunControl,
  SettingsDraft,
} from './types';

export const clearError = (section: AutomationSection): AutomationAction => ({ type: 'CLEAR_ERROR', section });

/** A random Idempotency-Key (crypto.getRandomValues works on plain http too, unlike randomUUID). */
export const newRunKey = (random: (bytes: Uint8Array) => Uint8Array = (bytes) => crypto.getRandomValues(bytes)) =>
  `igny8-automation-${Array.from(random(new Uint8Array(16)), (byte) => byte.toString(16).padStart(2, '0')).join('')}`;

/**
 * Runs one request that changes something: resolves to its result, or to null when it failed (the error is then in
 * the section's place in the store, with each refused field's message).
 */
const operate = async <T>(
  { dispatch }: Pick<AutomationThunkArgs, 'dispatch'>,
  operation: AutomationOperation,
  section: AutomationSection,
  request: () => Promise<T>,
  fieldLabels: Record<string, string> = {},
): Promise<T | null> => {
  dispatch({ type: 'START', operation, section });
  try {
    const result = await request();
    dispatch({ type: 'FINISH', operation });
    return result;
  } catch (thrown) {
    dispatch({ type: 'FAIL', error: toAutomationError(section, operation, thrown, fieldLabels) });
    return null;
  }
};

/** The runs and the review queue change when a run ends: read them again. */
const afterRunEnded = (dispatch: AutomationThunkArgs['dispatch']) => {
  dispatch.invalidateResolutionForStoreSelector('getRuns');
  dispatch.invalidateResolutionForStoreSelector('getReview');
};

/**
 * Saves the whole form in one PUT (what is left out keeps its value on the server, so the overrides are always
 * sent whole: a sector set back to the site's settings loses its override). The server validates; `fieldLabels`
 * names its refused fields as the form does.
 */
export const saveSettings =
  (draft: SettingsDraft, fieldLabels: Record<string, string>) =>
  async ({ dispatch }: AutomationThunkArgs): Promise<TAutomationState | null> => {
    const saved = await operate(
      { dispatch },
      'save',
      'settings',
      // Empty number fields go as null; the server answers which of them need a value.
      () => putSettings(draft as unknown as TAutomationSettingsPatch),
      fieldLabels,
    );
    if (saved) {
      dispatch({ type: 'RECEIVE_STATE', automation: saved });
    }
    return saved;
  };

/** Run now: the run is the active run at once; the screen then follows it. */
export const runNow =
  () =>
  async ({ dispatch }: AutomationThunkArgs): Promise<boolean> => {
    const key = newRunKey();
    const run = await operate({ dispatch }, 'run', 'run', async () => {
      const started = await postRun(key);
      dispatch({ type: 'RECEIVE_RUN', run: started });
      dispatch({ type: 'RECEIVE_STATE', automation: await fetchAutomation() });
      return started;
    });
    dispatch.invalidateResolutionForStoreSelector('getRuns');
    return run !== null;
  };

/** Pause, resume or cancel the active run. */
export const controlRun =
  (runId: string, control: RunControl) =>
  async ({ dispatch }: AutomationThunkArgs): Promise<boolean> => {
    const run = await operate({ dispatch }, control, 'run', () => postRunControl(runId, control));
    if (run) {
      dispatch({ type: 'RECEIVE_RUN', run });
      if (run.status === 'ended') {
        afterRunEnded(dispatch);
      } else {
        // The history lists the active run too, with its status.
        dispatch.invalidateResolutionForStoreSelector('getRuns');
      }
    }
    return run !== null;
  };

/**
 * Reads the state again (the screen does every 2 s while a run is active). When the active run has ended, the
 * history and the review queue are read again too; when its status changed, the history.
 */
export const refreshState =
  () =>
  async ({ dispatch, select }: AutomationThunkArgs): Promise<void> => {
    const before = select.getState()?.activeRun ?? null;
    try {
      const automation = await fetchAutomation();
      dispatch({ type: 'RECEIVE_STATE', automation });
      dispatch({ type: 'CLEAR_ERROR', section: 'run' });
      if (before && automation.activeRun?.id !== before.id) {
        afterRunEnded(dispatch);
      } else if (before && automation.activeRun?.status !== before.status) {
        dispatch.invalidateResolutionForStoreSelector('getRuns');
      }
    } catch (thrown) {
      // The next read may work: the screen keeps polling and shows what failed meanwhile.
      dispatch({ type: 'FAIL', error: toAutomationError('run', 'load', thrown) });
    }
  };

/** The next page of the run history. */
export const loadMoreRuns =
  (cursor: string) =>
  async ({ dispatch }: AutomationThunkArgs): Promise<void> => {
    try {
      dispatch({ type: 'RECEIVE_RUNS', page: await fetchRuns(cursor), append: true });
    } catch (thrown) {
      dispatch({ type: 'FAIL', error: toAutomationError('history', 'load', thrown) });
    }
  };

/** The next page of the review queue. */
export const loadMoreReview =
  (cursor: string) =>
  async ({ dispatch }: AutomationThunkArgs): Promise<void> => {
    try {
      dispatch({ type: 'RECEIVE_REVIEW', page: await fetchReview(cursor), append: true });
    } catch (thrown) {
      dispatch({ type: 'FAIL', error: toAutomationError('review', 'load', thrown) });
    }
  };

/**
 * Approves and publishes the chosen contents of the review queue. Resolves to each item's outcome (kept in the
 * store with its title), or null when the whole request was refused.
 */
export const publishReview =
  (contentIds: string[]) =>
  async ({ dispatch, select }: AutomationThunkArgs): Promise<PublishedItem[] | null> => {
    const queued = select.getReview()?.items ?? [];
    const answer = await operate({ dispatch }, 'publish', 'review', () => postReviewPublish(contentIds));
    if (!answer) {
      return null;
    }
    const items = answer.items.map((outcome) => {
      const item = queued.find((candidate) => candidate.contentId === outcome.contentId);
      return { ...outcome, title: item?.title ?? outcome.contentId, taskId: item?.taskId ?? null };
    });
    dispatch({ type: 'RECEIVE_PUBLISHED', items });
    dispatch.invalidateResolutionForStoreSelector('getReview');
    dispatch.invalidateResolutionForStoreSelector('getState');
    return items;
  };
