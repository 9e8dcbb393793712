/** Thrown inside a handler when the job was cancelled; the worker records it as cancelled, not failed. */
export class JobCancelledError extends Error {
  constructor() {
    super('The job was cancelled.');
    this.name = 'JobCancelledError';
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
