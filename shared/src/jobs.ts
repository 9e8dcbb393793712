import { z } from 'zod';

export const JOB_STATUSES = ['queued', 'running', 'succeeded', 'failed', 'cancelled'] as const;
export const ZJobStatus = z.enum(JOB_STATUSES);
export type TJobStatus = z.infer<typeof ZJobStatus>;

export const ZJobStep = z.object({
  name: z.string(),
  status: z.enum(['done']),
  at: z.string(),
  detail: z.string().optional(),
});
export type TJobStep = z.infer<typeof ZJobStep>;

export const ZJobRun = z.object({
  id: z.uuid(),
  type: z.string(),
  status: ZJobStatus,
  /** 0-100. */
  progress: z.number().int().min(0).max(100),
  currentStep: z.string().nullable(),
  steps: z.array(ZJobStep),
  result: z.unknown().nullable(),
  error: z.object({ code: z.string(), message: z.string() }).nullable(),
  attempts: z.number().int(),
  /** The failed job this one retries (POST /jobs/:jobId/retry), or null. */
  retryOf: z.uuid().nullable(),
  siteId: z.uuid().nullable(),
  requestId: z.string().nullable(),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  finishedAt: z.string().nullable(),
  updatedAt: z.string(),
});
export type TJobRun = z.infer<typeof ZJobRun>;

export const ZJobParams = z.object({ jobId: z.uuid({ message: 'must be a job id (UUID)' }) });

export const ZJobListQuery = z.object({
  status: ZJobStatus.optional(),
  type: z.string().max(100).optional(),
  /** Only this site's jobs (a connected WordPress site always sees only its own). */
  siteId: z.uuid({ message: 'must be a site id (UUID)' }).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().min(1).max(200).optional(),
});
export type TJobListQuery = z.infer<typeof ZJobListQuery>;

/** The answer of every route that starts slow work: 202 with the job to poll. */
export const ZJobAccepted = z.object({ jobId: z.uuid(), status: ZJobStatus, pollUrl: z.string() });
export type TJobAccepted = z.infer<typeof ZJobAccepted>;

/** What POST /jobs/:jobId/retry answers (202): the new job, the failed one it retries and the credits held for it. */
export const ZJobRetryAccepted = ZJobAccepted.extend({ retryOf: z.uuid(), heldCredits: z.number().int() });
export type TJobRetryAccepted = z.infer<typeof ZJobRetryAccepted>;
