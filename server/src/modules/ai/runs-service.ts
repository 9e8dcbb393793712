import { createHash } from 'node:crypto';
import type { TAiFunction, TSiteBudget, TStartAiRunBody } from '@igny8/shared';
import { AppError, errors } from '../../errors.ts';
import { withTransactions } from '../../db/client.ts';
import type { PrismaClient } from '../../generated/prisma/client.ts';
import { JobInProgressError } from '../../jobs/errors.ts';
import type { JobQueue } from '../../jobs/queue.ts';
import { isUniqueViolation } from '../../lib/prisma-errors.ts';
import type { AuthContext } from '../auth/credentials.ts';
import type { BillingService } from '../billing/service.ts';
import type { AiEngine } from './engine.ts';
import { aiJobType, type AiJobPayload } from './contracts.ts';
import { aiRunsData } from './data/runs.ts';
import { AiError } from './errors.ts';

class DuplicateRun extends Error {}

export interface HeldJobRequest {
  /** The job type to enqueue. */
  type: string;
  /** The ledger's operation name (usage reports group by it). */
  operation: string;
  siteId: string | null;
  /** What the Idempotency-Key protects: the same key with another body is a conflict. */
  body: unknown;
  idempotencyKey?: string;
  /** The most the job can cost; may throw 404/422 for bad input (called before anything is written). */
  estimate: () => Promise<{ credits: number; model: string }>;
  /** The job's payload, which must carry the hold id so the job can settle it. */
  payload: (ids: { holdId: string; jobId: string }) => Record<string, unknown>;
  /**
   * At most one queued or running job for this key (per account): another request while one is active answers 409
   * JOB_IN_PROGRESS with `inProgress(jobId)`'s words and the job id, and holds nothing.
   */
  exclusive?: { key: string; inProgress: (jobId: string) => string };
  /** Called with the estimate before anything is held: throws to refuse (automation's run and monthly caps). */
  guard?: CreditGuard;
}

/** Refuses work whose estimate would go past a cap by throwing; automation passes one with each paid item. */
export type CreditGuard = (credits: number) => Promise<void>;

/** What callers other than routes may add when they start paid work. */
export interface StartOptions {
  guard?: CreditGuard;
}

export interface HeldJobStarted {
  run: Awaited<ReturnType<JobQueue['enqueue']>>;
  heldCredits: number;
  model: string;
}

/** What a route answers (202) when it started paid work: the job to poll and what was held for it. */
export function heldRunAccepted(started: HeldJobStarted) {
  return {
    jobId: started.run.id,
    status: started.run.status,
    pollUrl: `/api/v1/jobs/${started.run.id}`,
    heldCredits: started.heldCredits,
    model: started.model,
  };
}

/** Canonical JSON (sorted keys), so the same body always hashes the same. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * Starting AI work: estimate, then in ONE transaction hold the credits and enqueue the job (both or neither).
 * Not enough credits: 402 before anything is written. With an Idempotency-Key, the same key and body return the
 * same job (even when sent concurrently); the same key with another body is a conflict.
 */
export function createAiRunsService(deps: {
  prisma: PrismaClient;
  engine: AiEngine;
  billing: BillingService;
  queue: JobQueue;
}) {
  const data = withTransactions(deps.prisma, aiRunsData);

  async function existing(auth: AuthContext, type: string, key: string, requestHash: string) {
    const run = await data.findRunByIdempotencyKey(auth.accountId, type, key);
    if (!run) return null;
    if (run.requestHash !== requestHash) {
      throw new AppError('IDEMPOTENCY_KEY_REUSED', 'This Idempotency-Key was already used with a different request.');
    }
    const hold = await data.findHoldOfJob(run.id);
    return { run, heldCredits: hold?.amount ?? 0 };
  }

  /**
   * Starts any job that spends credits: estimate, then hold and enqueue in one transaction. Planner and Writer jobs
   * use this too, so every paid operation has the same 402, idempotency and refund behaviour.
   */
  async function startHeld(auth: AuthContext, requestId: string, request: HeldJobRequest): Promise<HeldJobStarted> {
    const requestHash = createHash('sha256').update(canonical(request.body)).digest('hex');
    if (request.idempotencyKey) {
      const found = await existing(auth, request.type, request.idempotencyKey, requestHash);
      if (found) return { ...found, model: (await request.estimate()).model };
    }
    const estimate = await request.estimate();
    if (request.guard) await request.guard(estimate.credits);
    try {
      const run = await data.transaction(async (_data, tx) => {
        const jobId = crypto.randomUUID();
        // Before the hold: a request for work already under way is a 409, even when the credits would not cover both.
        if (request.exclusive) await deps.queue.claimExclusive(tx, auth.accountId, request.exclusive.key);
        const hold = await deps.billing.hold(tx, {
          accountId: auth.accountId,
          amount: estimate.credits,
          operation: request.operation,
          siteId: request.siteId,
          jobRunId: jobId,
        });
        const run = await deps.queue.enqueue(tx, {
          id: jobId,
          type: request.type,
          accountId: auth.accountId,
          siteId: request.siteId,
          requestId,
          requestHash,
          createdById: auth.userId,
          ...(request.idempotencyKey ? { idempotencyKey: request.idempotencyKey } : {}),
          ...(request.exclusive ? { exclusiveKey: request.exclusive.key } : {}),
          payload: request.payload({ holdId: hold.id, jobId }),
        });
        // Another request with the same key committed first: undo this one's hold and answer with that job.
        if (run.id !== jobId) throw new DuplicateRun();
        return run;
      });
      return { run, heldCredits: estimate.credits, model: estimate.model };
    } catch (error) {
      if (error instanceof JobInProgressError && request.exclusive) {
        // The same request sent twice at once with one Idempotency-Key: the second gets the first's job.
        const sameKey = request.idempotencyKey && error.run.idempotencyKey === request.idempotencyKey;
        const found = sameKey && (await existing(auth, request.type, request.idempotencyKey!, requestHash));
        if (found) return { ...found, model: estimate.model };
        throw new AppError('JOB_IN_PROGRESS', request.exclusive.inProgress(error.run.id), { jobId: error.run.id });
      }
      if (request.idempotencyKey && (error instanceof DuplicateRun || isUniqueViolation(error))) {
        const found = await existing(auth, request.type, request.idempotencyKey, requestHash);
        if (found) return { ...found, model: estimate.model };
      }
      throw error;
    }
  }

  /** The engine's estimate; an input the function refuses is a 422 naming the input. */
  async function estimate(accountId: string, siteId: string | null, fn: TAiFunction, input: unknown) {
    try {
      const e = await deps.engine.estimate({ accountId, siteId }, fn, input);
      return { credits: e.credits, model: `${e.model.provider}/${e.model.modelId}` };
    } catch (error) {
      if (error instanceof AiError) throw errors.validation([{ in: 'body', field: 'input', message: error.message }]);
      throw error;
    }
  }

  /** An estimate as the estimate routes answer it: with the site's monthly budget when it has one. */
  async function withSiteBudget<T extends { credits: number; model: string }>(
    accountId: string,
    siteId: string,
    estimated: T,
  ): Promise<T & { siteBudget?: TSiteBudget }> {
    const siteBudget = await deps.billing.siteBudget(accountId, siteId);
    return siteBudget ? { ...estimated, siteBudget } : estimated;
  }

  return {
    startHeld,
    estimate,
    withSiteBudget,

    async start(auth: AuthContext, requestId: string, body: TStartAiRunBody, idempotencyKey?: string) {
      return startHeld(auth, requestId, {
        type: aiJobType(body.function),
        operation: body.function,
        siteId: body.siteId ?? null,
        body,
        ...(idempotencyKey ? { idempotencyKey } : {}),
        estimate: async () => {
          if (body.siteId && !(await data.findSite(auth.accountId, body.siteId))) {
            throw errors.notFound('Site', body.siteId);
          }
          if (body.sectorId && !(await data.findSector(auth.accountId, body.sectorId))) {
            throw errors.notFound('Sector', body.sectorId);
          }
          return estimate(auth.accountId, body.siteId ?? null, body.function, body.input);
        },
        payload: ({ holdId }): AiJobPayload => ({
          input: body.input,
          siteId: body.siteId ?? null,
          sectorId: body.sectorId ?? null,
          holdId,
        }),
      });
    },
  };
}

export type AiRunsService = ReturnType<typeof createAiRunsService>;
