import type { z } from 'zod';
import type { JobContext } from './context.ts';

/**
 * What the sender and the handler of a job agree on: its type (`<module>.<action>`, snake_case action, e.g.
 * `planner.keyword_import`) and its payload schema. Each module declares its contracts in one `contracts.ts`,
 * imported by the service that enqueues and by the handler (which spreads the contract into `defineJob`).
 */
export interface JobContract<TPayload extends z.ZodType = z.ZodType> {
  type: string;
  payload: TPayload;
}

export const JOB_TYPE = /^[a-z]+\.[a-z][a-z0-9_]*$/;

export function jobContract<TPayload extends z.ZodType>(type: string, payload: TPayload): JobContract<TPayload> {
  if (!JOB_TYPE.test(type)) throw new Error(`Job type "${type}" does not follow <module>.<snake_case_action>`);
  return { type, payload };
}

/** The payload a contract carries. */
export type JobPayload<C extends JobContract> = z.infer<C['payload']>;

/**
 * One kind of background work: its queue, its payload schema (checked when sent and when run), retry policy and
 * handler. Handlers must be idempotent: wrap each side effect in `ctx.step(...)` so a retry skips finished steps.
 */
export interface JobDefinition<TPayload extends z.ZodType = z.ZodType, TResult = unknown> {
  type: string;
  payload: TPayload;
  /** Retries after the first attempt (pg-boss retryLimit). */
  retryLimit?: number;
  /** First retry delay in seconds; doubles with jitter up to retryDelayMax. */
  retryDelay?: number;
  retryDelayMax?: number;
  /** A job silent for this long is presumed dead (its worker crashed) and is retried. Minimum 10. */
  heartbeatSeconds?: number;
  /** Hard limit for one attempt. */
  expireInSeconds?: number;
  /**
   * Jobs with the same group (e.g. a site id) run at most `groupConcurrency` at a time across all workers (pg-boss
   * group concurrency, tracked in the database). Both or neither must be set.
   */
  group?: (payload: z.infer<TPayload>) => string;
  groupConcurrency?: number;
  /** Jobs of this type one worker process runs at once, instead of WORKER_CONCURRENCY (drivers that mostly wait). */
  concurrency?: number;
  /**
   * Sent by pg-boss's scheduler (boss.schedule with a JobEnvelope as data), not through JobQueue: the worker writes
   * the JobRun row when it first sees such a job.
   */
  scheduled?: boolean;
  handler: (ctx: JobContext, payload: z.infer<TPayload>) => Promise<TResult>;
  /**
   * Runs once when the job ends without success (failed for good, or cancelled): give back what it reserved, such
   * as a credit hold. Must be idempotent.
   */
  onFailure?: (ctx: { jobId: string; accountId: string }, payload: z.infer<TPayload>) => Promise<void>;
}

export function defineJob<TPayload extends z.ZodType, TResult>(
  definition: JobDefinition<TPayload, TResult>,
): JobDefinition<TPayload, TResult> {
  return definition;
}

export const DEAD_LETTER_SUFFIX = '.dead';

export class JobRegistry {
  readonly #definitions = new Map<string, JobDefinition>();

  register(...definitions: JobDefinition<z.ZodType, unknown>[]): this {
    for (const definition of definitions) {
      if (!JOB_TYPE.test(definition.type)) {
        throw new Error(`Job type "${definition.type}" does not follow <module>.<snake_case_action>`);
      }
      if (this.#definitions.has(definition.type)) throw new Error(`Job type ${definition.type} is registered twice`);
      this.#definitions.set(definition.type, definition as JobDefinition);
    }
    return this;
  }

  get(type: string): JobDefinition | undefined {
    return this.#definitions.get(type);
  }

  all(): JobDefinition[] {
    return [...this.#definitions.values()];
  }
}
