import { z } from 'zod';

const ZCheck = z.object({
  status: z.enum(['ok', 'degraded', 'down']),
  latencyMs: z.number().nullable(),
  detail: z.string().optional(),
});

export const ZSystemStatus = z.object({
  status: z.enum(['ok', 'degraded', 'down']),
  version: z.string(),
  uptimeSeconds: z.number(),
  database: ZCheck.extend({ mode: z.enum(['postgres', 'embedded']) }),
  queue: ZCheck.extend({ queued: z.number().int().nullable() }),
  worker: z.object({
    status: z.enum(['ok', 'stale', 'none']),
    /** Seconds since the freshest worker heartbeat; null when no worker ever reported. */
    lastHeartbeatSecondsAgo: z.number().nullable(),
    workers: z.number().int(),
  }),
});
export type TSystemStatus = z.infer<typeof ZSystemStatus>;
