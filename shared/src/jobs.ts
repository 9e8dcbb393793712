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

/**
 * Every job type the service runs (its pg-boss queue name), as people read it. The web app shows these; a type not
 * listed (added later) falls back to its action in words (see jobTypeLabel).
 */
export const JOB_TYPE_LABELS: Readonly<Record<string, string>> = {
  'accounts.export': 'Account export',
  'connect.site_health': 'Site connection check',
  'notifications.send_mail': 'Email',
  'planner.keyword_import': 'Keyword import',
  'planner.cluster_lexical': 'Keyword clustering',
  'planner.cluster_ai': 'Keyword clustering (AI)',
  'planner.cluster_embedding': 'Keyword clustering (meaning)',
  'planner.generate_ideas': 'Content ideas',
  'planner.sync_site_posts': 'Existing posts sync',
  'publisher.publish': 'Publishing',
  'publisher.unpublish': 'Unpublishing',
  'writer.generate_content': 'Article writing',
  'writer.regenerate_section': 'Section rewrite',
  'writer.generate_images': 'Article images',
  'writer.regenerate_image': 'Image remake',
  'writer.rewrite_block': 'Block rewrite',
  'writer.editor_image': 'Editor image',
  'ai.auto_cluster': 'AI clustering',
  'ai.generate_ideas': 'AI ideas',
  'ai.generate_content': 'AI writing',
  'ai.generate_image_prompts': 'AI image prompts',
  'ai.generate_images': 'AI images',
};

/** A job type's label: "writer.generate_content" -> "Article writing"; an unknown type -> "Generate content". */
export function jobTypeLabel(type: string): string {
  const label = JOB_TYPE_LABELS[type];
  if (label) return label;
  const action = (type.split('.').pop() ?? type).replace(/_/g, ' ').trim();
  return action ? action[0]!.toUpperCase() + action.slice(1) : type;
}
