import type { TJobRun } from '@igny8/shared';
import type { JobsError, JobsState } from './types';

/** The site's latest jobs, newest first; null until loaded (the resolver fetches them). */
export const getRecentJobs = (state: JobsState): TJobRun[] | null => state.recent;

export const getError = (state: JobsState): JobsError | null => state.error;
