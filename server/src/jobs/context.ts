import type { Logger } from 'pino';
import type { Prisma, PrismaClient } from '../generated/prisma/client.ts';
import { jobRunStore, type JobRunStore } from './data.ts';
import { JobCancelledError } from './errors.ts';

/** A finished step as stored in JobRun.steps; `output` lets a retry reuse a step's result without redoing it. */
export interface StoredStep {
  name: string;
  status: 'done';
  at: string;
  detail?: string;
  output?: Prisma.InputJsonValue;
}

/**
 * What a handler gets: its identity, a logger, cancellation, progress, and steps that run at most once per job
 * across retries and crashes.
 */
export class JobContext {
  readonly #prisma: PrismaClient;
  readonly #runs: JobRunStore;
  #steps: StoredStep[];

  constructor(
    prisma: PrismaClient,
    readonly jobId: string,
    readonly accountId: string,
    readonly requestId: string | undefined,
    readonly attempt: number,
    readonly log: Logger,
    readonly signal: AbortSignal,
    steps: StoredStep[],
  ) {
    this.#prisma = prisma;
    this.#runs = jobRunStore(prisma);
    this.#steps = steps;
  }

  get prisma(): PrismaClient {
    return this.#prisma;
  }

  /** Throws JobCancelledError when the job was cancelled or the worker is giving it up. */
  async throwIfCancelled(): Promise<void> {
    if (this.signal.aborted) throw new JobCancelledError();
    const run = await this.#runs.findCancelRequest(this.jobId);
    if (!run || run.cancelRequestedAt) throw new JobCancelledError();
  }

  /**
   * A signal aborted when the job is cancelled (checked every `pollMs`) or the worker gives it up: pass it to long
   * calls (AI requests) so a cancellation stops spending at once, not at the next step. Call `stop()` when done.
   */
  watchCancellation(pollMs = 2_000): { signal: AbortSignal; stop: () => void } {
    const controller = new AbortController();
    const onAbort = () => controller.abort();
    this.signal.addEventListener('abort', onAbort, { once: true });
    const timer = setInterval(() => {
      this.#runs
        .findCancelRequest(this.jobId)
        .then((run) => {
          if (!run || run.cancelRequestedAt) controller.abort();
        })
        .catch(() => {});
    }, pollMs);
    timer.unref();
    return {
      signal: controller.signal,
      stop: () => {
        clearInterval(timer);
        this.signal.removeEventListener('abort', onAbort);
      },
    };
  }

  /** Records progress (0-100) and the current step's label; also the place where cancellation is noticed. */
  async progress(percent: number, currentStep?: string): Promise<void> {
    await this.throwIfCancelled();
    await this.#runs.setProgress(this.jobId, Math.max(0, Math.min(100, Math.round(percent))), currentStep);
  }

  /**
   * Runs `fn` once for this job: when a previous attempt finished a step of this name, its stored output is
   * returned and `fn` is not called again. Outputs must be JSON.
   */
  async step<T extends Prisma.InputJsonValue | void>(
    name: string,
    fn: () => Promise<T>,
    options: { progress?: number; detail?: (output: T) => string } = {},
  ): Promise<T> {
    const done = this.#steps.find((s) => s.name === name);
    if (done) return done.output as T;
    if (this.signal.aborted) throw new JobCancelledError();
    // One round trip: record the step as current unless the job was cancelled meanwhile.
    if (!(await this.#runs.markStep(this.jobId, name))) throw new JobCancelledError();
    const output = await fn();
    const stored: StoredStep = {
      name,
      status: 'done',
      at: new Date().toISOString(),
      ...(options.detail ? { detail: options.detail(output) } : {}),
      ...(output !== undefined ? { output: output as Prisma.InputJsonValue } : {}),
    };
    this.#steps = [...this.#steps, stored];
    await this.#runs.saveSteps(
      this.jobId,
      this.#steps as unknown as Prisma.InputJsonValue,
      options.progress !== undefined ? { progress: options.progress } : {},
    );
    return output;
  }

  /**
   * Like `step`, but `fn`'s database writes and the record of the step commit in one transaction: a crash at any
   * line either loses both (the step runs again) or keeps both (the step is skipped). Exactly once for database work.
   */
  async transactionalStep<T extends Prisma.InputJsonValue | void>(
    name: string,
    fn: (tx: Prisma.TransactionClient) => Promise<T>,
    options: { progress?: number; detail?: (output: T) => string } = {},
  ): Promise<T> {
    const done = this.#steps.find((s) => s.name === name);
    if (done) return done.output as T;
    await this.throwIfCancelled();
    return this.#runs.transaction(async (runs, tx) => {
      // Lock the run so two deliveries of one job cannot both run this step.
      const row = await runs.lockSteps<StoredStep>(this.jobId);
      const already = row?.steps.find((s) => s.name === name);
      if (already) return already.output as T;
      const output = await fn(tx);
      const stored: StoredStep = {
        name,
        status: 'done',
        at: new Date().toISOString(),
        ...(options.detail ? { detail: options.detail(output) } : {}),
        ...(output !== undefined ? { output: output as Prisma.InputJsonValue } : {}),
      };
      this.#steps = [...(row?.steps ?? this.#steps), stored];
      await runs.saveSteps(this.jobId, this.#steps as unknown as Prisma.InputJsonValue, {
        currentStep: name,
        ...(options.progress !== undefined ? { progress: options.progress } : {}),
      });
      return output;
    });
  }
}
