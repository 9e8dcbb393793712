import type { AiEngine } from '../ai/engine.ts';
import type { AiRunsService } from '../ai/runs-service.ts';
import type { MediaStorage } from '../../lib/media-storage.ts';
import type { BillingService } from '../billing/service.ts';
import type { WriterDataAccess } from './data/index.ts';

/** What the writer's services are built from (once, by createWriterServices). */
export interface WriterServiceDeps {
  data: WriterDataAccess;
  /** Starts paid AI work: estimate, hold, enqueue (402 / Idempotency-Key handled there). */
  runs: AiRunsService;
  media: MediaStorage;
}

/** What the writer's job handlers use (built once by writerJobs). */
export interface WriterJobDeps {
  data: WriterDataAccess;
  engine: AiEngine;
  billing: BillingService;
  media: MediaStorage;
  /** Gives back the credit hold of a job that ended without success. */
  releaseHold: (job: { jobId: string }) => Promise<void>;
}
