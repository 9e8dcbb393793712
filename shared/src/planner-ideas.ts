import { z } from 'zod';
import { ZPageQuery } from './envelope.ts';
import { ZKeywordIntent } from './planner-keywords.ts';

/** Contract of content ideas (generated for a cluster or written by hand) and the Writer tasks made from them. */

export const CONTENT_TYPES = ['how_to', 'listicle', 'guide', 'comparison', 'review'] as const;
export const ZContentType = z.enum(CONTENT_TYPES);
export type TContentType = z.infer<typeof ZContentType>;

export const IDEA_STATUSES = ['new', 'approved', 'rejected', 'converted'] as const;
export const ZIdeaStatus = z.enum(IDEA_STATUSES);
export type TIdeaStatus = z.infer<typeof ZIdeaStatus>;

export const TASK_STATUSES = [
  'queued',
  'writing',
  'written',
  'review',
  'approved',
  'publishing',
  'published',
  'failed',
] as const;
export const ZTaskStatus = z.enum(TASK_STATUSES);
export type TTaskStatus = z.infer<typeof ZTaskStatus>;

const uuid = (what: string) => z.uuid({ message: `must be a ${what} id (UUID)` });

export const ZOutlineItem = z.object({
  level: z.enum(['h2', 'h3']),
  heading: z.string().trim().min(1).max(200),
});

export const ZIdea = z.object({
  id: z.uuid(),
  siteId: z.uuid(),
  sectorId: z.uuid(),
  clusterId: z.uuid().nullable(),
  title: z.string(),
  angle: z.string(),
  contentType: ZContentType,
  outline: z.array(ZOutlineItem),
  primaryKeyword: z.string(),
  secondaryKeywords: z.array(z.string()),
  intent: ZKeywordIntent,
  targetWordCount: z.number().int(),
  status: ZIdeaStatus,
  jobId: z.uuid().nullable(),
  /** Made by the demo AI endpoint, not a real model: show it as such. */
  demo: z.boolean(),
  /** The Writer task made from it, once converted. */
  taskId: z.uuid().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type TIdea = z.infer<typeof ZIdea>;

export const ZIdeaParams = z.object({ ideaId: uuid('idea') });
export const ZClusterIdeasParams = z.object({ clusterId: uuid('cluster') });

export const ZGenerateIdeasBody = z.object({ count: z.number().int().min(1).max(20).default(5) });
export const ZGenerateIdeasAccepted = z.object({
  jobId: z.uuid(),
  status: z.string(),
  pollUrl: z.string(),
  heldCredits: z.number().int(),
  model: z.string(),
});
export type TGenerateIdeasAccepted = z.infer<typeof ZGenerateIdeasAccepted>;

export const ZIdeasQuery = ZPageQuery.extend({
  siteId: uuid('site'),
  clusterId: uuid('cluster').optional(),
  status: ZIdeaStatus.optional(),
});
export type TIdeasQuery = z.infer<typeof ZIdeasQuery>;

const ideaFields = {
  title: z.string().trim().min(5).max(200),
  angle: z.string().trim().max(500),
  contentType: ZContentType,
  outline: z.array(ZOutlineItem).max(60),
  primaryKeyword: z.string().trim().min(1).max(200),
  secondaryKeywords: z.array(z.string().trim().min(1).max(200)).max(50),
  intent: ZKeywordIntent,
  targetWordCount: z.number().int().min(300).max(6000),
};

export const ZCreateIdeaBody = z.object({
  clusterId: uuid('cluster'),
  ...ideaFields,
  angle: ideaFields.angle.default(''),
  outline: ideaFields.outline.default([]),
  secondaryKeywords: ideaFields.secondaryKeywords.default([]),
  targetWordCount: ideaFields.targetWordCount.default(1500),
});
export type TCreateIdeaBody = z.infer<typeof ZCreateIdeaBody>;

export const ZUpdateIdeaBody = z
  .object(ideaFields)
  .partial()
  .refine((b) => Object.keys(b).length > 0, { message: 'give at least one field to change' });
export type TUpdateIdeaBody = z.infer<typeof ZUpdateIdeaBody>;

export const ZConvertIdeasBody = z.object({ ideaIds: z.array(uuid('idea')).min(1).max(200) });

export const ZTask = z.object({
  id: z.uuid(),
  siteId: z.uuid(),
  sectorId: z.uuid(),
  ideaId: z.uuid().nullable(),
  clusterId: z.uuid().nullable(),
  title: z.string(),
  primaryKeyword: z.string(),
  secondaryKeywords: z.array(z.string()),
  outline: z.array(ZOutlineItem),
  contentType: ZContentType,
  targetWordCount: z.number().int(),
  status: ZTaskStatus,
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type TTask = z.infer<typeof ZTask>;

export const ZTasksQuery = ZPageQuery.extend({ siteId: uuid('site'), status: ZTaskStatus.optional() });
export type TTasksQuery = z.infer<typeof ZTasksQuery>;
