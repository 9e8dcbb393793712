import { z } from 'zod';

/**
 * Contract of automation: per-site settings (with per-sector overrides), a schedule, and runs that take what is
 * waiting at each of seven stages through the existing jobs, from new keywords to posts on WordPress.
 *
 * Routes (all under /api/v1, account-scoped; a connected site reaches only its own):
 * - GET/PUT  /sites/:siteId/automation            settings and schedule (TAutomationSettings, TAutomationState)
 * - POST     /sites/:siteId/automation/runs       Run now (202 with the run)
 * - GET      /sites/:siteId/automation/runs       the site's runs, newest first
 * - GET      /automation/runs                     runs of every site of the account (filters: siteId, status)
 * - GET      /automation/runs/:runId              one run with its stages
 * - POST     /automation/runs/:runId/pause|resume|cancel
 * - GET      /sites/:siteId/automation/review     contents waiting for review (stage 7 with auto-publish off)
 */

/** The seven stages, in the order a run takes them. */
export const AUTOMATION_STAGES = [
  'cluster',
  'ideas',
  'tasks',
  'articles',
  'image_prompts',
  'images',
  'publish',
] as const;
export const ZAutomationStage = z.enum(AUTOMATION_STAGES);
export type TAutomationStage = z.infer<typeof ZAutomationStage>;

/** Stages a run may stop after for human review (image prompts and images are made by one job, so they go together). */
export const AUTOMATION_STOP_AFTER = ['cluster', 'ideas', 'tasks', 'articles', 'images'] as const;
export const ZAutomationStopAfter = z.enum(AUTOMATION_STOP_AFTER);
export type TAutomationStopAfter = z.infer<typeof ZAutomationStopAfter>;

export const AUTOMATION_CLUSTER_METHODS = ['lexical', 'embedding', 'ai'] as const;
export const AUTOMATION_PUBLISH_STATUSES = ['publish', 'draft'] as const;

/** How often a schedule fires. `custom` takes a cron expression (5 fields; minute granularity). */
export const AUTOMATION_FREQUENCIES = ['hourly', 'daily', 'weekly', 'custom'] as const;
export const ZAutomationFrequency = z.enum(AUTOMATION_FREQUENCIES);

const HHMM = /^([01]\d|2[0-3]):[0-5]\d$/;
const hhmm = z.string().regex(HHMM, { message: 'must be a time of day as HH:MM (24-hour), e.g. 06:00' });

export const ZAutomationSchedule = z.object({
  /** Runs start by themselves on this schedule; off: only Run now starts them. */
  enabled: z.boolean().default(false),
  frequency: ZAutomationFrequency.default('daily'),
  /** Time of day (site time) for daily and weekly schedules. */
  time: hhmm.default('06:00'),
  /** 0 = Sunday ... 6 = Saturday, for weekly schedules. */
  weekday: z.number().int().min(0).max(6).default(1),
  /** A cron expression in the site's time zone, for `custom`. */
  cron: z.string().trim().max(100).nullable().default(null),
});
export type TAutomationSchedule = z.infer<typeof ZAutomationSchedule>;

export const ZAutomationStages = z.object({
  cluster: z.boolean().default(true),
  ideas: z.boolean().default(true),
  tasks: z.boolean().default(true),
  articles: z.boolean().default(true),
  /** Image prompts and images (stages 5 and 6). */
  images: z.boolean().default(true),
  publish: z.boolean().default(true),
});

export const ZAutomationBatchSizes = z.object({
  /** Keywords clustered per sector per run. */
  cluster: z.number().int().min(1).max(5000).default(1000),
  /** Clusters that get ideas per run. */
  ideas: z.number().int().min(1).max(200).default(10),
  /** Ideas turned into tasks per run. */
  tasks: z.number().int().min(1).max(200).default(10),
  /** Articles written per run. */
  articles: z.number().int().min(1).max(200).default(5),
  /** Articles illustrated per run. */
  images: z.number().int().min(1).max(200).default(5),
  /** Articles published (or queued for review) per run. */
  publish: z.number().int().min(1).max(200).default(5),
});

export const ZAutomationCadence = z.object({
  /** At most this many posts go live per day (null: each as soon as it is ready). */
  postsPerDay: z.number().int().min(1).max(24).nullable().default(1),
  /** The first post of a day goes live at this time (site time); more are spread evenly after it. */
  time: hhmm.default('09:00'),
});

/** What a sector may set differently from its site. */
export const ZAutomationSectorOverride = z.object({
  /** Off: the sector's keywords, clusters, ideas and tasks are left alone. */
  enabled: z.boolean().optional(),
  ideasPerCluster: z.number().int().min(1).max(10).optional(),
  autoApprove: z.boolean().optional(),
  autoPublish: z.boolean().optional(),
  imageCount: z.number().int().min(0).max(6).optional(),
});
export type TAutomationSectorOverride = z.infer<typeof ZAutomationSectorOverride>;

const credits = z.number().int().min(1).max(10_000_000);

export const ZAutomationSettings = z
  .object({
    schedule: ZAutomationSchedule.default(ZAutomationSchedule.parse({})),
    stages: ZAutomationStages.default(ZAutomationStages.parse({})),
    batchSizes: ZAutomationBatchSizes.default(ZAutomationBatchSizes.parse({})),
    clusterMethod: z.enum(AUTOMATION_CLUSTER_METHODS).default('lexical'),
    ideasPerCluster: z.number().int().min(1).max(10).default(2),
    /** Turn every new idea into a task; off: only ideas someone approved. */
    autoApprove: z.boolean().default(false),
    /** Publish finished articles; off: they wait in the review queue. */
    autoPublish: z.boolean().default(false),
    publishStatus: z.enum(AUTOMATION_PUBLISH_STATUSES).default('publish'),
    cadence: ZAutomationCadence.default(ZAutomationCadence.parse({})),
    /** In-article images besides the featured one. */
    imageCount: z.number().int().min(0).max(6).default(2),
    /** Credits one run may use (null: no cap). */
    runCreditCap: credits.nullable().default(null),
    /** Credits automation may use on this site per calendar month, UTC (null: no cap; the site's budget still holds). */
    monthlyCreditCap: credits.nullable().default(null),
    /** Stop after this stage, e.g. `ideas` to review ideas by hand (null: run every stage). */
    stopAfter: ZAutomationStopAfter.nullable().default(null),
    sectorOverrides: z.record(z.uuid({ message: 'must be a sector id (UUID)' }), ZAutomationSectorOverride).default({}),
  })
  .superRefine((s, ctx) => {
    if (s.schedule.frequency === 'custom' && !s.schedule.cron) {
      ctx.addIssue({
        code: 'custom',
        path: ['schedule', 'cron'],
        message: 'is required when the frequency is custom: give a cron expression such as "0 6 * * 1-5"',
      });
    }
    if (s.runCreditCap !== null && s.monthlyCreditCap !== null && s.runCreditCap > s.monthlyCreditCap) {
      ctx.addIssue({
        code: 'custom',
        path: ['runCreditCap'],
        message: `is ${s.runCreditCap}, more than the monthly cap of ${s.monthlyCreditCap}: lower it or raise the monthly cap`,
      });
    }
  });
export type TAutomationSettings = z.infer<typeof ZAutomationSettings>;
/** What PUT accepts: any part of the settings; what is left out keeps its current value. */
export const ZAutomationSettingsPatch = z.object({
  schedule: ZAutomationSchedule.partial().optional(),
  stages: ZAutomationStages.partial().optional(),
  batchSizes: ZAutomationBatchSizes.partial().optional(),
  clusterMethod: z.enum(AUTOMATION_CLUSTER_METHODS).optional(),
  ideasPerCluster: z.number().int().min(1).max(10).optional(),
  autoApprove: z.boolean().optional(),
  autoPublish: z.boolean().optional(),
  publishStatus: z.enum(AUTOMATION_PUBLISH_STATUSES).optional(),
  cadence: ZAutomationCadence.partial().optional(),
  imageCount: z.number().int().min(0).max(6).optional(),
  runCreditCap: credits.nullable().optional(),
  monthlyCreditCap: credits.nullable().optional(),
  stopAfter: ZAutomationStopAfter.nullable().optional(),
  sectorOverrides: z.record(z.uuid({ message: 'must be a sector id (UUID)' }), ZAutomationSectorOverride).optional(),
});
export type TAutomationSettingsPatch = z.infer<typeof ZAutomationSettingsPatch>;

export const AUTOMATION_TRIGGERS = ['schedule', 'manual'] as const;
export const AUTOMATION_RUN_STATUSES = ['queued', 'running', 'pausing', 'paused', 'cancelling', 'ended'] as const;
export const ZAutomationRunStatus = z.enum(AUTOMATION_RUN_STATUSES);
export type TAutomationRunStatus = z.infer<typeof ZAutomationRunStatus>;

/** Why a run stopped. */
export const AUTOMATION_STOP_REASONS = [
  'done',
  'nothing_to_do',
  'stopped_after_stage',
  'run_cap_reached',
  'monthly_cap_reached',
  'site_budget_reached',
  'credits_exhausted',
  'provider_quota_exhausted',
  'wordpress_unreachable',
  'paused',
  'cancelled',
  'failed',
] as const;
export const ZAutomationStopReason = z.enum(AUTOMATION_STOP_REASONS);
export type TAutomationStopReason = z.infer<typeof ZAutomationStopReason>;

export const ZAutomationStageState = z.object({
  stage: ZAutomationStage,
  status: z.enum(['pending', 'running', 'done', 'skipped']),
  /** Items taken in (keywords for clustering, clusters, ideas, tasks, articles, prompts, articles). */
  in: z.number().int(),
  /** Items made (clusters, ideas, tasks, articles, prompts, images, posts or articles queued for review). */
  out: z.number().int(),
  failed: z.number().int(),
  /** Items being worked on now. */
  running: z.number().int(),
});
export type TAutomationStageState = z.infer<typeof ZAutomationStageState>;

export const ZAutomationRun = z.object({
  id: z.uuid(),
  siteId: z.uuid(),
  trigger: z.enum(AUTOMATION_TRIGGERS),
  status: ZAutomationRunStatus,
  stopReason: ZAutomationStopReason.nullable(),
  /** The reason in the product's words, e.g. which cap, or which job failed and why. */
  stopDetail: z.string().nullable(),
  stages: z.array(ZAutomationStageState),
  itemsProcessed: z.number().int(),
  /** Credits held by items still running. */
  creditsHeld: z.number().int(),
  /** Credits captured by finished items (equal to the ledger's captures for the run's jobs). */
  creditsUsed: z.number().int(),
  /** The job that drives the run (in the Jobs list as automation.run). */
  jobId: z.uuid().nullable(),
  createdAt: z.string(),
  startedAt: z.string().nullable(),
  endedAt: z.string().nullable(),
});
export type TAutomationRun = z.infer<typeof ZAutomationRun>;

export const ZAutomationState = z.object({
  siteId: z.uuid(),
  settings: ZAutomationSettings,
  /** The site's IANA time zone, in which schedules and the cadence are read. */
  timezone: z.string(),
  /** When the schedule fires next (null when it is off). */
  nextRunAt: z.string().nullable(),
  /** The run in progress (queued, running, pausing, paused or cancelling), if any. */
  activeRun: ZAutomationRun.nullable(),
  lastRun: ZAutomationRun.nullable(),
  /** Credits automation used on this site this month (UTC). */
  creditsThisMonth: z.number().int(),
  /** Contents waiting in the review queue. */
  reviewCount: z.number().int(),
});
export type TAutomationState = z.infer<typeof ZAutomationState>;

export const ZAutomationRunParams = z.object({ runId: z.uuid({ message: 'must be an automation run id (UUID)' }) });

export const ZAutomationRunsQuery = z.object({
  siteId: z.uuid({ message: 'must be a site id (UUID)' }).optional(),
  status: z.enum(['active', 'ended']).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().min(1).max(200).optional(),
});
export type TAutomationRunsQuery = z.infer<typeof ZAutomationRunsQuery>;

/** An article waiting for review after an automation run (stage 7 with auto-publish off). */
export const ZAutomationReviewItem = z.object({
  contentId: z.uuid(),
  taskId: z.uuid(),
  title: z.string(),
  primaryKeyword: z.string(),
  currentVersion: z.number().int(),
  wordCount: z.number().int(),
  imageCount: z.number().int(),
  updatedAt: z.string(),
});
export type TAutomationReviewItem = z.infer<typeof ZAutomationReviewItem>;

export const ZAutomationReviewQuery = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().min(1).max(200).optional(),
});

/** Approve the current version and publish it on the site's cadence (or now), from the review queue. */
export const ZAutomationReviewPublishBody = z.object({
  contentIds: z.array(z.uuid()).min(1).max(50),
});
export const ZAutomationReviewPublished = z.object({
  items: z.array(
    z.object({
      contentId: z.uuid(),
      jobId: z.uuid().nullable(),
      /** When the post goes live (null: now, or a draft). */
      scheduledAt: z.string().nullable(),
      error: z.object({ code: z.string(), message: z.string() }).nullable(),
    }),
  ),
});
