/**
 * Following a paid job of the editor sidebar to its end, without React: every poll is reported (for the progress
 * bar), a job that fails or is cancelled is thrown in its own words, and a finished job's result is answered.
 */
import type { JobRun } from '../store/writer/types';

/** A job as `GET jobs/:id` answers it, with the result a finished job carries. */
export interface EditorJob extends JobRun {
  result?: unknown;
}

/** What starting a paid run answers (202). */
export interface RunAccepted {
  jobId: string;
  status: string;
  heldCredits: number;
  model: string;
}

export interface JobApi {
  job: (jobId: string) => Promise<EditorJob>;
  wait: (ms: number) => Promise<void>;
}

export interface RunProgress {
  /** 0-100. */
  progress: number;
  step: string | null;
  /** What was held for the run (null until it started). */
  heldCredits: number | null;
}

export const JOB_POLL_MS = 1000;

/** Polls the job until it ends; answers its result when it succeeded, throws its error otherwise. */
export async function followJob(
  api: JobApi,
  started: RunAccepted,
  onProgress: (progress: RunProgress) => void,
  failed: { failed: string; cancelled: string },
): Promise<unknown> {
  onProgress({ progress: 0, step: null, heldCredits: started.heldCredits });
  for (;;) {
    const job = await api.job(started.jobId);
    onProgress({ progress: job.progress, step: job.currentStep, heldCredits: started.heldCredits });
    if (job.status === 'succeeded') {
      return job.result ?? null;
    }
    if (job.status === 'failed' || job.status === 'cancelled') {
      throw new Error(job.error?.message ?? (job.status === 'cancelled' ? failed.cancelled : failed.failed));
    }
    await api.wait(JOB_POLL_MS);
  }
}
