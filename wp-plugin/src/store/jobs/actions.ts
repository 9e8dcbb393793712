import { toApiError } from '../../api/client';
import { fetchRecentJobs } from './api';
import type { JobsAction, JobsThunkArgs } from './types';

export const clearError = (): JobsAction => ({ type: 'CLEAR_ERROR' });

/** Reads the latest jobs again (the Dashboard polls with it while a job is queued or running). */
export const refreshRecentJobs =
  () =>
  async ({ dispatch }: JobsThunkArgs): Promise<void> => {
    try {
      dispatch({ type: 'RECEIVE_RECENT_JOBS', jobs: await fetchRecentJobs() });
    } catch (thrown) {
      const error = toApiError(thrown);
      dispatch({ type: 'FAIL', error: { code: error.code, message: error.message } });
    }
  };
