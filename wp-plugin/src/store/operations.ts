/**
 * What the planner and writer stores (and the editor sidebar's paid runs) share: requests that change something
 * ("operations"), tracked as pending while they run and as the store's last error when they fail, and the jobs they
 * start, polled to their end.
 */
import type { TJobRun } from '@igny8/shared';
import { toApiError } from '../api/client';
import { fetchJob } from './jobs/api';

/** A failed request, in the words of the server or the plugin. */
export interface OperationError<O extends string> {
  operation: O;
  code: string;
  message: string;
}

export type OperationAction<O extends string> =
  | { type: 'START_OPERATION'; operation: O }
  | { type: 'FINISH_OPERATION'; operation: O }
  | { type: 'FAIL_OPERATION'; error: OperationError<O> }
  | { type: 'CLEAR_ERROR' };

export interface OperationState<O extends string> {
  pending: O[];
  error: OperationError<O> | null;
}

export const clearError = () => ({ type: 'CLEAR_ERROR' }) as const;

export const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** How often a running job is asked for its progress. */
export const JOB_POLL_MS = 1000;

/** Whether a job has ended (it will not change again). */
export const isFinished = (job: Pick<TJobRun, 'status'>): boolean =>
  job.status === 'succeeded' || job.status === 'failed' || job.status === 'cancelled';

/** How a job is read and the pause between two reads: the network's here, a test's own in tests. */
export interface JobPolling {
  job: (jobId: string) => Promise<TJobRun>;
  wait: (ms: number) => Promise<unknown>;
}

export const networkPolling: JobPolling = { job: fetchJob, wait };

/**
 * Reads a job until it has ended, handing every read to `onRead` (a progress bar follows it), and answers the
 * ended job whatever its status: the caller decides what a failure means.
 */
export async function pollJob(
  jobId: string,
  onRead: (job: TJobRun) => void,
  polling: JobPolling = networkPolling,
): Promise<TJobRun> {
  for (;;) {
    const job = await polling.job(jobId);
    onRead(job);
    if (isFinished(job)) {
      return job;
    }
    await polling.wait(JOB_POLL_MS);
  }
}

/** A job that ended without succeeding, as an error in the job's own words. */
export const jobFailure = (job: Pick<TJobRun, 'status' | 'error'>) =>
  Object.assign(new Error(job.error?.message ?? job.status), {
    code: job.error?.code ?? `job_${job.status}`,
    message: job.error?.message ?? (job.status === 'cancelled' ? 'The job was cancelled.' : 'The job failed.'),
  });

/** The four operation actions, for a store's reducer to hand over; any other action leaves the state as it is. */
export function reduceOperations<O extends string, S extends OperationState<O>>(
  state: S,
  action: OperationAction<O> | { type: string },
): S {
  const operationAction = action as OperationAction<O>;
  switch (operationAction.type) {
    case 'START_OPERATION':
      return {
        ...state,
        pending: state.pending.includes(operationAction.operation)
          ? state.pending
          : [...state.pending, operationAction.operation],
        error: null,
      };
    case 'FINISH_OPERATION':
      return { ...state, pending: state.pending.filter((operation) => operation !== operationAction.operation) };
    case 'FAIL_OPERATION':
      return {
        ...state,
        pending: state.pending.filter((operation) => operation !== operationAction.error.operation),
        error: operationAction.error,
      };
    case 'CLEAR_ERROR':
      return { ...state, error: null };
    default:
      return state;
  }
}

const asRecord = (value: unknown): Record<string, unknown> =>
  typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};

/**
 * A failed request as the screen shows it: the server's message (which names the field or item and what to do),
 * followed by each field the server named in a validation failure.
 */
export const toOperationError = <O extends string>(operation: O, thrown: unknown): OperationError<O> => {
  const error = toApiError(thrown);
  const fields = asRecord(error.details).fields;
  const fieldMessages = Array.isArray(fields)
    ? fields
        .map((field) => asRecord(field))
        .filter((field) => typeof field.field === 'string' && typeof field.message === 'string')
        .map((field) => `${String(field.field)} ${String(field.message)}`)
    : [];
  const message = fieldMessages.length > 0 ? `${error.message} (${fieldMessages.join('; ')})` : error.message;
  return { operation, code: error.code, message };
};

/**
 * Runs one request that changes something. Resolves to its result, or to `null` when it failed (the error is then
 * in the store for the screen to show), so callers react to success without a try/catch of their own.
 */
export const runOperation =
  <O extends string, Args extends { dispatch: (action: OperationAction<O>) => void }, T>(
    operation: O,
    request: (args: Args) => Promise<T>,
  ) =>
  async (args: Args): Promise<T | null> => {
    args.dispatch({ type: 'START_OPERATION', operation });
    try {
      const result = await request(args);
      args.dispatch({ type: 'FINISH_OPERATION', operation });
      return result;
    } catch (thrown) {
      args.dispatch({ type: 'FAIL_OPERATION', error: toOperationError(operation, thrown) });
      return null;
    }
  };
