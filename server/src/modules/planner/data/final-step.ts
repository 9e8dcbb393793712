import type { Prisma } from '../../../generated/prisma/client.ts';
import type { JobContext, StoredStep } from '../../../jobs/context.ts';
import { jobRunData } from '../../../jobs/data.ts';

/** Writing 100,000 keywords' clusters takes seconds, far over Prisma's 5 s default for a transaction. */
const APPLY_TX = { maxWait: 30_000, timeout: 10 * 60_000 };

/**
 * Like ctx.transactionalStep (the writes and the step's record commit together, so a retry never writes twice), with
 * a transaction timeout long enough for big sectors. It must be the job's last step: the step is appended in SQL, so
 * a later ctx.step would write back the context's older list of steps.
 */
export async function finalStep<T extends Prisma.InputJsonValue>(
  ctx: JobContext,
  name: string,
  fn: (tx: Prisma.TransactionClient) => Promise<T>,
): Promise<T> {
  await ctx.throwIfCancelled();
  return ctx.prisma.$transaction(async (tx) => {
    const runs = jobRunData(tx);
    const row = await runs.lockSteps<StoredStep>(ctx.jobId);
    const done = row?.steps.find((s) => s.name === name);
    if (done) return done.output as T;
    const output = await fn(tx);
    const stored: StoredStep = { name, status: 'done', at: new Date().toISOString(), output };
    await runs.appendLastStep(ctx.jobId, stored);
    return output;
  }, APPLY_TX);
}
