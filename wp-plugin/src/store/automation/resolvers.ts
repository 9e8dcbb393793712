import { fetchAutomation, fetchReview, fetchRuns, fetchSectors } from './api';
import { toAutomationError } from './errors';
import type { AutomationAction, AutomationSection, AutomationThunkArgs } from './types';

/** Runs a load; a failure goes to the section's error for it to show with a "Try again". */
const load =
  (section: AutomationSection, request: () => Promise<AutomationAction>) =>
  async ({ dispatch }: Pick<AutomationThunkArgs, 'dispatch'>): Promise<void> => {
    try {
      dispatch(await request());
    } catch (thrown) {
      dispatch({ type: 'FAIL', error: toAutomationError(section, 'load', thrown) });
    }
  };

export const getState = () =>
  load('settings', async () => ({ type: 'RECEIVE_STATE', automation: await fetchAutomation() }));

export const getRuns = () =>
  load('history', async () => ({ type: 'RECEIVE_RUNS', page: await fetchRuns(), append: false }));

export const getReview = () => load('review', async () => ({ type: 'RECEIVE_REVIEW', page: await fetchReview() }));

export const getSectors = () =>
  load('settings', async () => ({ type: 'RECEIVE_SECTORS', sectors: await fetchSectors() }));
