import type { PgBoss } from 'pg-boss';
import { withTransactions } from '../../db/client.ts';
import type { PrismaClient } from '../../generated/prisma/client.ts';
import type { JobQueue } from '../../jobs/queue.ts';
import type { JobsService } from '../jobs/service.ts';
import type { PlannerServices } from '../planner/index.ts';
import type { PublisherService } from '../publisher/service.ts';
import type { WriterServices } from '../writer/index.ts';
import { automationData } from './data.ts';
import { createAutomationEngine } from './engine.ts';
import { automationJobs } from './jobs.ts';
import { createReviewService } from './review-service.ts';
import { createRunsService } from './runs-service.ts';
import { createSettingsService } from './settings-service.ts';
import { createStageExecutors } from './stages.ts';

export interface AutomationDeps {
  prisma: PrismaClient;
  boss: PgBoss;
  queue: JobQueue;
  jobs: JobsService;
  planner: PlannerServices;
  writer: WriterServices;
  publisher: PublisherService;
  config: {
    AUTOMATION_RUN_CONCURRENCY: number;
    AUTOMATION_RUNS_PER_WORKER: number;
    AUTOMATION_POLL_MS: number;
    AUTOMATION_MIN_INTERVAL_SECONDS: number;
  };
}

/** Automation's services, built once by the composition root, and its job types bound to them. */
export function createAutomationServices(deps: AutomationDeps) {
  const data = withTransactions(deps.prisma, automationData);
  const stageDeps = { data, planner: deps.planner, writer: deps.writer, publisher: deps.publisher };
  const engine = createAutomationEngine({
    ...stageDeps,
    jobs: deps.jobs,
    runConcurrency: deps.config.AUTOMATION_RUN_CONCURRENCY,
  });
  const runs = createRunsService({ data, queue: deps.queue, engine });
  const services = {
    settings: createSettingsService({
      data,
      boss: deps.boss,
      minIntervalSeconds: deps.config.AUTOMATION_MIN_INTERVAL_SECONDS,
    }),
    runs,
    review: createReviewService({ data, executors: createStageExecutors(stageDeps) }),
  };
  const jobs = () =>
    automationJobs({
      engine,
      runs,
      pollMs: deps.config.AUTOMATION_POLL_MS,
      runsPerWorker: deps.config.AUTOMATION_RUNS_PER_WORKER,
    });
  return { services, engine, jobs };
}

export type AutomationServices = ReturnType<typeof createAutomationServices>['services'];
