import type { PrismaClient } from '../../generated/prisma/client.ts';
import type { JobQueue } from '../../jobs/queue.ts';
import type { AiEngine } from '../ai/engine.ts';
import type { AiRunsService } from '../ai/runs-service.ts';
import type { JobsService } from '../jobs/service.ts';
import { createClustersEditService } from './clusters-edit.ts';
import { createClustersReadService } from './clusters-read.ts';
import { createClustersRunService } from './clusters-run.ts';
import { createPlannerData } from './data/index.ts';
import { createIdeasConvertService } from './ideas-convert.ts';
import { createIdeasService } from './ideas-service.ts';
import { createImportService } from './import/service.ts';
import { createKeywordsEditService } from './keywords-edit.ts';
import { createKeywordsReadService } from './keywords-read.ts';
import { createSitePostsService } from './site-posts.ts';

export interface PlannerDeps {
  prisma: PrismaClient;
  queue: JobQueue;
  jobs: JobsService;
  /** Starts paid AI work: estimate, hold, enqueue (402 / Idempotency-Key handled there). */
  runs: AiRunsService;
  /** The AI engine, for what the planner asks it directly (the embedding model and its estimate). */
  engine: AiEngine;
  /** Largest keyword file accepted, in bytes. */
  importMaxBytes: number;
}

/** Every service of the planner, built once (compose.ts); its routes and jobs take them as they are. */
export function createPlannerServices(deps: PlannerDeps) {
  const data = createPlannerData(deps.prisma);
  return {
    data,
    imports: createImportService({ data, queue: deps.queue, maxBytes: deps.importMaxBytes }),
    keywordsRead: createKeywordsReadService({ data }),
    keywordsEdit: createKeywordsEditService({ data }),
    sitePosts: createSitePostsService({ data, jobs: deps.jobs }),
    clustersRun: createClustersRunService({ data, jobs: deps.jobs, runs: deps.runs, engine: deps.engine }),
    clustersRead: createClustersReadService({ data }),
    clustersEdit: createClustersEditService({ data }),
    ideas: createIdeasService({ data, runs: deps.runs }),
    ideasConvert: createIdeasConvertService({ data }),
  };
}

export type PlannerServices = ReturnType<typeof createPlannerServices>;
