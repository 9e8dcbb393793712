import type { JobRun, JobsError, JobsState } from './types';

/** The site's latest jobs, newest first; null until loaded (the resolver fetches them). */
export const getRecentJobs = (state: JobsState): JobRun[] | null => state.recent;

export const getError = (state: JobsState): JobsError | null => state.error;
