import type { TJobRun } from '@igny8/shared';

export interface JobsError {
  code: string;
  message: string;
}

export interface JobsState {
  /** The site's latest jobs, newest first; null until loaded. */
  recent: TJobRun[] | null;
  error: JobsError | null;
}

export type JobsAction =
  { type: 'RECEIVE_RECENT_JOBS'; jobs: TJobRun[] } | { type: 'FAIL'; error: JobsError } | { type: 'CLEAR_ERROR' };

export interface JobsThunkArgs {
  dispatch: (action: JobsAction) => unknown;
}
