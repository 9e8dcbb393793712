import type { Config } from '../../config.ts';
import type { AiEngine } from '../ai/engine.ts';
import type { AiRunsService } from '../ai/runs-service.ts';
import type { PrismaClient } from '../../generated/prisma/client.ts';
import type { JobQueue } from '../../jobs/queue.ts';
import type { MediaStorage } from '../../lib/media-storage.ts';
import type { BillingService } from '../billing/service.ts';
import type { JobsService } from '../jobs/service.ts';

/** What the writer's routes need (built once in app.ts). */
export interface WriterRouteDeps {
  config: Config;
  prisma: PrismaClient;
  queue: JobQueue;
  jobs: JobsService;
  /** Starts paid AI work: estimate, hold, enqueue (402 / Idempotency-Key handled there). */
  runs: AiRunsService;
  engine: AiEngine;
  media: MediaStorage;
}

/** What the writer's jobs need (built once per worker). */
export interface WriterJobDeps {
  prisma: PrismaClient;
  engine: AiEngine;
  billing: BillingService;
  media: MediaStorage;
}
