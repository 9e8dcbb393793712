/** Thrown inside a handler when the job was cancelled; the worker records it as cancelled, not failed. */
export class JobCancelledError extends Error {
  constructor() {
    super('The job was cancelled.');
    this.name = 'JobCancelledError';
  }
}

/** Another job with the same exclusive key is still queued or running (see EnqueueRequest.exclusiveKey). */
export class JobInProgressError extends Error {
  constructor(readonly run: { id: string; type: string; status: string; idempotencyKey: string | null }) {
    super(`Job ${run.id} is already ${run.status} for this work.`);
    this.name = 'JobInProgressError';
  }
}

/** A failure that retrying cannot fix (bad input, missing data): the job fails at once, without retries. */
export class PermanentJobError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'PermanentJobError';
  }
}

/**
 * A failure worth retrying whose message is written for users (shown as is, unlike an unexpected error's). Its code
 * is what the job records when the last attempt fails this way (e.g. SITE_UNREACHABLE, which stops an automation run).
 */
export class JobFailure extends Error {
  constructor(
    message: string,
    readonly code = 'JOB_FAILED',
  ) {
    super(message);
    this.name = 'JobFailure';
  }
}
