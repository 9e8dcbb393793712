import { createHash } from 'node:crypto';
import type { TStartAiRunBody } from '@igny8/shared';
import { AppError, errors } from '../errors.ts';
import type { PrismaClient } from '../generated/prisma/client.ts';
import type { JobQueue } from '../jobs/queue.ts';
import { isUniqueViolation } from '../lib/prisma-errors.ts';
import type { AuthContext } from '../modules/auth/credentials.ts';
import type { BillingService } from '../modules/billing/service.ts';
import type { AiEngine } from './engine.ts';
import { AiError } from './errors.ts';
import { aiJobType } from './jobs.ts';

class DuplicateRun extends Error {}

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
  async function existing(auth: AuthContext, type: string, key: string, requestHash: string) {
    const run = await deps.prisma.jobRun.findUnique({
      where: { accountId_type_idempotencyKey: { accountId: auth.accountId, type, idempotencyKey: key } },
    });
    if (!run) return null;
    if (run.requestHash !== requestHash) {
      throw new AppError('IDEMPOTENCY_KEY_REUSED', 'This Idempotency-Key was already used with a different request.');
    }
    const hold = await deps.prisma.creditHold.findUnique({ where: { jobRunId: run.id } });
    return { run, heldCredits: hold?.amount ?? 0 };
  }

  /** The model a run uses: the function's default when it runs, as when it was first started. */
  async function modelOf(auth: AuthContext, body: TStartAiRunBody): Promise<string> {
    const estimate = await deps.engine.estimate(
      { accountId: auth.accountId, siteId: body.siteId ?? null },
      body.function,
      body.input,
    );
    return `${estimate.model.provider}/${estimate.model.modelId}`;
  }

  return {
    async start(auth: AuthContext, requestId: string, body: TStartAiRunBody, idempotencyKey?: string) {
      const type = aiJobType(body.function);
      const requestHash = createHash('sha256').update(canonical(body)).digest('hex');
      if (idempotencyKey) {
        const found = await existing(auth, type, idempotencyKey, requestHash);
        if (found) return { ...found, model: await modelOf(auth, body) };
      }
      if (
        body.siteId &&
        !(await deps.prisma.site.findFirst({ where: { id: body.siteId, accountId: auth.accountId } }))
      ) {
        throw errors.notFound('Site', body.siteId);
      }
      if (
        body.sectorId &&
        !(await deps.prisma.sector.findFirst({ where: { id: body.sectorId, accountId: auth.accountId } }))
      ) {
        throw errors.notFound('Sector', body.sectorId);
      }
      let estimate;
      try {
        estimate = await deps.engine.estimate(
          { accountId: auth.accountId, siteId: body.siteId ?? null },
          body.function,
          body.input,
        );
      } catch (error) {
        if (error instanceof AiError) throw errors.validation([{ in: 'body', field: 'input', message: error.message }]);
        throw error;
      }
      try {
        const run = await deps.prisma.$transaction(async (tx) => {
          const jobId = crypto.randomUUID();
          const hold = await deps.billing.hold(tx, {
            accountId: auth.accountId,
            amount: estimate.credits,
            operation: body.function,
            siteId: body.siteId ?? null,
            jobRunId: jobId,
          });
          const run = await deps.queue.enqueue(tx, {
            id: jobId,
            type,
            accountId: auth.accountId,
            siteId: body.siteId ?? null,
            requestId,
            requestHash,
            createdById: auth.userId,
            ...(idempotencyKey ? { idempotencyKey } : {}),
            payload: {
              input: body.input,
              siteId: body.siteId ?? null,
              sectorId: body.sectorId ?? null,
              holdId: hold.id,
            },
          });
          // Another request with the same key committed first: undo this one's hold and answer with that job.
          if (run.id !== jobId) throw new DuplicateRun();
          return run;
        });
        return { run, heldCredits: estimate.credits, model: `${estimate.model.provider}/${estimate.model.modelId}` };
      } catch (error) {
        if (idempotencyKey && (error instanceof DuplicateRun || isUniqueViolation(error))) {
          const found = await existing(auth, type, idempotencyKey, requestHash);
          if (found) return { ...found, model: await modelOf(auth, body) };
        }
        throw error;
      }
    },
  };
}
