import type { Config } from '../../config.ts';
import type { PrismaClient } from '../../generated/prisma/client.ts';
import type { AiEngine } from '../ai/engine.ts';
import type { AiRunsService } from '../ai/runs-service.ts';
import type { JobQueue } from '../../jobs/queue.ts';
import type { BillingService } from '../billing/service.ts';
import type { ConnectService } from '../connect/service.ts';
import type { JobsService } from '../jobs/service.ts';

/** What the planner's routes need (built once in app.ts). */
export interface PlannerRouteDeps {
  config: Config;
  prisma: PrismaClient;
  queue: JobQueue;
  jobs: JobsService;
  /** Starts paid AI work: estimate, hold, enqueue (402 / Idempotency-Key handled there). */
  runs: AiRunsService;
  /** The AI engine, for what routes ask it directly (the embedding model and its estimate). */
  engine: AiEngine;
}

/** What the planner's jobs need (built once per worker). */
export interface PlannerJobDeps {
  prisma: PrismaClient;
  engine: AiEngine;
  billing: BillingService;
  connect: ConnectService;
  /** PostgreSQL's URL (unset on embedded PGlite): the keyword import writes with COPY on its own connection. */
  databaseUrl?: string | undefined;
}
