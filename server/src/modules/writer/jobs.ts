import type { PrismaClient } from '../../generated/prisma/client.ts';
import type { JobDefinition } from '../../jobs/definition.ts';
import type { MediaStorage } from '../../lib/media-storage.ts';
import type { AiEngine } from '../ai/engine.ts';
import type { BillingService } from '../billing/service.ts';
import { writerDataAccess } from './data/index.ts';
import type { WriterJobDeps } from './deps.ts';
import { writerImageJobs } from './jobs-images.ts';
import { writerContentJobs } from './jobs-content.ts';
import { writerEditorJobs } from './jobs-editor.ts';

/** Every job type of the writer (their types and payloads are in contracts.ts), bound to its data access. */
export function writerJobs({
  prisma,
  engine,
  billing,
  media,
  releaseHold,
}: {
  prisma: PrismaClient;
  engine: AiEngine;
  billing: BillingService;
  media: MediaStorage;
  /** onFailure of the paid jobs (releaseJobHold of the AI module). */
  releaseHold: WriterJobDeps['releaseHold'];
}): JobDefinition[] {
  const deps: WriterJobDeps = {
    data: writerDataAccess(prisma),
    engine,
    billing,
    media,
    releaseHold,
  };
  return [...writerContentJobs(deps), ...writerImageJobs(deps), ...writerEditorJobs(deps)];
}
