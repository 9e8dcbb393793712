export type JobStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';

/** ZJobRun (shared/src/jobs.ts), the fields the Dashboard shows. */
export interface JobRun {
  id: string;
  /** Such as `planner.keyword_import`, `writer.generate_content`, `publisher.publish`. */
  type: string;
  status: JobStatus;
  /** 0-100. */
  progress: number;
  currentStep: string | null;
  error: { code: string; message: string } | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
}

export interface JobsError {
  code: string;
  message: string;
}

export interface JobsState {
  /** The site's latest jobs, newest first; null until loaded. */
  recent: JobRun[] | null;
  error: JobsError | null;
}

export type JobsAction =
  { type: 'RECEIVE_RECENT_JOBS'; jobs: JobRun[] } | { type: 'FAIL'; error: JobsError } | { type: 'CLEAR_ERROR' };

export interface JobsThunkArgs {
  dispatch: (action: JobsAction) => unknown;
}
