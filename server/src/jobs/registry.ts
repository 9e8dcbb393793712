import { accountExportJob } from '../modules/accounts/export-job.ts';
import { siteHealthJob } from '../modules/connect/health-job.ts';
import type { ConnectService } from '../modules/connect/service.ts';
import { aiJobs, type AiJobDeps } from '../ai/jobs.ts';
import type { MediaStorage } from '../lib/media-storage.ts';
import { plannerJobs } from '../modules/planner/jobs.ts';
import { publisherJobs } from '../modules/publisher/jobs.ts';
import { writerJobs } from '../modules/writer/jobs.ts';
import { JobRegistry } from './definition.ts';

export interface JobServices {
  connect: ConnectService;
  ai: AiJobDeps;
  /** Where generated images are kept (local disk or S3). */
  media: MediaStorage;
  /** PostgreSQL's URL when not embedded (jobs that open their own connection, e.g. for COPY). */
  databaseUrl?: string | undefined;
}

/** Every job type the product runs. Modules add their definitions here. */
export function productJobRegistry(services: JobServices): JobRegistry {
  return new JobRegistry().register(
    accountExportJob,
    siteHealthJob(services.connect),
    ...aiJobs(services.ai),
    ...plannerJobs({ ...services.ai, connect: services.connect, databaseUrl: services.databaseUrl }),
    ...writerJobs({ ...services.ai, media: services.media }),
    ...publisherJobs({ prisma: services.ai.prisma, connect: services.connect, media: services.media }),
  );
}
