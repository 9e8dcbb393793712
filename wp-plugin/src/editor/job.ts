/**
 * Following a paid run of the editor sidebar to its end, without React, with the stores' job polling
 * (store/operations.ts): every read is reported for the progress bar, a job that fails or is cancelled is thrown
 * in its own words (or the sidebar's), and a finished job's result is answered.
 */
import type { TWriterJobAccepted } from '@igny8/shared';
import { pollJob, type JobPolling } from '../store/operations';

export interface RunProgress {
  /** 0-100. */
  progress: number;
  step: string | null;
  /** What was held for the run (null until it started). */
  heldCredits: number | null;
}

/** Polls the run's job until it ends; answers its result when it succeeded, throws its error otherwise. */
export async function followRun(
  polling: JobPolling,
  started: Pick<TWriterJobAccepted, 'jobId' | 'heldCredits'>,
  onProgress: (progress: RunProgress) => void,
  failed: { failed: string; cancelled: string },
): Promise<unknown> {
  onProgress({ progress: 0, step: null, heldCredits: started.heldCredits });
  const job = await pollJob(
    started.jobId,
    (read) => onProgress({ progress: read.progress, step: read.currentStep, heldCredits: started.heldCredits }),
    polling,
  );
  if (job.status !== 'succeeded') {
    // Coded like the stores' job failures, so the panels show these words (toApiError keeps only coded messages).
    const message = job.error?.message ?? (job.status === 'cancelled' ? failed.cancelled : failed.failed);
    throw Object.assign(new Error(message), { code: job.error?.code ?? `job_${job.status}` });
  }
  return job.result ?? null;
}
