import { z } from 'zod';
import { ZPageQuery } from './envelope.ts';
import { ZContentType, ZOutlineItem, ZTask, ZTaskStatus } from './planner-ideas.ts';
import { ZSiteBudget } from './sites-overview.ts';

/**
 * Contract of the Writer: tasks (from approved ideas or written by hand), the job that writes them section by
 * section, and the review of what was written (versions, diffs, edits, restores, section regeneration, approval).
 */

const uuid = (what: string) => z.uuid({ message: `must be a ${what} id (UUID)` });

/** SEO limits shared by the server's checks and the editors' counters. */
export const WRITER_LIMITS = {
  seoTitle: 60,
  metaDescription: 160,
  slug: 75,
  excerpt: 400,
  title: 200,
  heading: 200,
  sectionHtml: 100_000,
  outline: 40,
  faq: 20,
} as const;

/** A BCP 47 language tag such as "en", "de" or "pt-BR". */
const ZLanguageTag = z
  .string()
  .trim()
  .regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, { message: 'must be a language tag such as "en", "de" or "pt-BR"' });

const taskFields = {
  title: z.string().trim().min(5).max(WRITER_LIMITS.title),
  primaryKeyword: z.string().trim().min(1).max(200),
  secondaryKeywords: z.array(z.string().trim().min(1).max(200)).max(50),
  outline: z.array(ZOutlineItem).max(WRITER_LIMITS.outline),
  contentType: ZContentType,
  targetWordCount: z.number().int().min(300).max(6000),
  language: ZLanguageTag.nullable(),
  voice: z.string().trim().max(200).nullable(),
  imageCount: z.number().int().min(0).max(6),
  includeFaq: z.boolean(),
};

export const ZCreateWriterTaskBody = z.object({
  siteId: uuid('site'),
  sectorId: uuid('sector'),
  title: taskFields.title,
  primaryKeyword: taskFields.primaryKeyword,
  secondaryKeywords: taskFields.secondaryKeywords.default([]),
  /** Empty: the outline is written by AI when the article is generated. */
  outline: taskFields.outline.default([]),
  contentType: taskFields.contentType.default('guide'),
  targetWordCount: taskFields.targetWordCount.default(1500),
  /** Overrides the sector's (then the site's) language. */
  language: taskFields.language.optional(),
  /** Overrides the sector's voice (then the site's). */
  voice: taskFields.voice.optional(),
  imageCount: taskFields.imageCount.default(2),
  includeFaq: taskFields.includeFaq.default(false),
});
export type TCreateWriterTaskBody = z.infer<typeof ZCreateWriterTaskBody>;
/** What a client sends to create a task (defaulted fields may be left out). */
export type TCreateWriterTaskRequest = z.input<typeof ZCreateWriterTaskBody>;

export const ZUpdateWriterTaskBody = z
  .object(taskFields)
  .partial()
  .refine((b) => Object.keys(b).length > 0, { message: 'give at least one field to change' });
export type TUpdateWriterTaskBody = z.infer<typeof ZUpdateWriterTaskBody>;

export const ZWriterTasksQuery = ZPageQuery.extend({
  /** Without it, the tasks of every site of the account. */
  siteId: uuid('site').optional(),
  status: ZTaskStatus.optional(),
});
export type TWriterTasksQuery = z.infer<typeof ZWriterTasksQuery>;

export const ZWriterTaskParams = z.object({ taskId: uuid('task') });

export const ZContentSummary = z.object({
  id: z.uuid(),
  currentVersion: z.number().int(),
  approvedVersion: z.number().int().nullable(),
  wordCount: z.number().int(),
  languageMatches: z.boolean(),
  demo: z.boolean(),
});
export type TContentSummary = z.infer<typeof ZContentSummary>;

/** A Writer task: the planner's task with what the Writer adds (its own language, voice, images, FAQ, progress). */
export const ZWriterTask = ZTask.extend({
  language: z.string().nullable(),
  voice: z.string().nullable(),
  imageCount: z.number().int(),
  includeFaq: z.boolean(),
  /** Why the last writing or publishing job failed, in the product's words. */
  failureReason: z.string().nullable(),
  /** The last job that wrote, illustrated or published it (poll /api/v1/jobs/:id). */
  lastJobId: z.uuid().nullable(),
  /** What was written so far (null until the first version). */
  content: ZContentSummary.nullable(),
});
export type TWriterTask = z.infer<typeof ZWriterTask>;

export const ZGenerateContentBody = z.object({
  /** Write again a task already written or approved: a new version is added and the old ones stay. */
  regenerate: z.boolean().default(false),
});

/**
 * The credits writing a task would hold, asked before creating or writing it (the block editor's sidebar shows it
 * before anything runs): the same fields as a new task; the sector is optional (prices do not depend on it).
 */
export const ZWriterEstimateBody = ZCreateWriterTaskBody.extend({ sectorId: uuid('sector').optional() });
export type TWriterEstimateBody = z.infer<typeof ZWriterEstimateBody>;
/** What a client sends for an estimate (defaulted fields may be left out). */
export type TWriterEstimateRequest = z.input<typeof ZWriterEstimateBody>;

export const ZWriterEstimate = z.object({
  /** Held when writing starts (the most it can cost; what was used is charged, the rest released). */
  credits: z.number().int(),
  /** provider/model the first call would use. */
  model: z.string(),
  /** The site's monthly credit budget and what is left of it, when the site has one. */
  siteBudget: ZSiteBudget.optional(),
});
export type TWriterEstimate = z.infer<typeof ZWriterEstimate>;

export const ZWriterJobAccepted = z.object({
  jobId: z.uuid(),
  status: z.string(),
  pollUrl: z.string(),
  heldCredits: z.number().int(),
  model: z.string(),
});
export type TWriterJobAccepted = z.infer<typeof ZWriterJobAccepted>;

// ---------------------------------------------------------------------------------------------------------------
// Content and versions

export const ZSection = z.object({ level: z.enum(['h2', 'h3']), heading: z.string(), html: z.string() });
export type TSection = z.infer<typeof ZSection>;
export const ZFaqItem = z.object({ question: z.string(), answer: z.string() });
export type TFaqItem = z.infer<typeof ZFaqItem>;

export const VERSION_SOURCES = ['generated', 'edited', 'section_regenerated', 'restored'] as const;

export const ZContentVersionMeta = z.object({
  number: z.number().int(),
  source: z.enum(VERSION_SOURCES),
  title: z.string(),
  wordCount: z.number().int(),
  detectedLanguage: z.string().nullable(),
  languageMatches: z.boolean(),
  jobId: z.uuid().nullable(),
  createdById: z.uuid().nullable(),
  note: z.string().nullable(),
  createdAt: z.string(),
});
export type TContentVersionMeta = z.infer<typeof ZContentVersionMeta>;

export const ZContentVersion = ZContentVersionMeta.extend({
  seoTitle: z.string(),
  metaDescription: z.string(),
  slug: z.string(),
  excerpt: z.string(),
  sections: z.array(ZSection),
  faq: z.array(ZFaqItem),
  /** WordPress block markup of the article (images are added when it is published). */
  body: z.string(),
});
export type TContentVersion = z.infer<typeof ZContentVersion>;

export const ZContent = z.object({
  id: z.uuid(),
  taskId: z.uuid(),
  siteId: z.uuid(),
  /** The language asked for. */
  language: z.string(),
  demo: z.boolean(),
  currentVersion: z.number().int(),
  approvedVersion: z.number().int().nullable(),
  approvedAt: z.string().nullable(),
  /** The current version is the approved one. */
  approved: z.boolean(),
  version: ZContentVersion,
  task: ZWriterTask,
});
export type TContent = z.infer<typeof ZContent>;

export const ZWriterContentParams = z.object({ contentId: uuid('content') });
export const ZContentVersionParams = ZWriterContentParams.extend({ number: z.coerce.number().int().min(1) });
export const ZContentSectionParams = ZWriterContentParams.extend({ index: z.coerce.number().int().min(0).max(99) });

/** Without `to`, the current version; without `from`, the version before `to`. */
export const ZContentDiffQuery = z.object({
  from: z.coerce.number().int().min(1).optional(),
  to: z.coerce.number().int().min(1).optional(),
});

/** One piece of a word diff: unchanged text, or text added / removed going from `from` to `to`. */
export const ZDiffPart = z.object({ value: z.string(), added: z.boolean(), removed: z.boolean() });
export type TDiffPart = z.infer<typeof ZDiffPart>;
export const ZFieldDiff = z.object({
  field: z.string(),
  changed: z.boolean(),
  parts: z.array(ZDiffPart),
});
export const ZContentDiff = z.object({
  from: z.number().int(),
  to: z.number().int(),
  /** Title, SEO fields, slug, excerpt and FAQ. */
  fields: z.array(ZFieldDiff),
  /** Per section (by position): the heading and the visible text. */
  sections: z.array(
    z.object({
      index: z.number().int(),
      status: z.enum(['unchanged', 'changed', 'added', 'removed']),
      heading: ZFieldDiff,
      text: ZFieldDiff,
    }),
  ),
  wordsAdded: z.number().int(),
  wordsRemoved: z.number().int(),
});
export type TContentDiff = z.infer<typeof ZContentDiff>;

export const ZEditContentBody = z
  .object({
    /** The version the edit was made on: it must still be the current one. */
    baseVersion: z.number().int().min(1),
    title: z.string().trim().min(1).max(WRITER_LIMITS.title).optional(),
    seoTitle: z.string().trim().min(1).max(WRITER_LIMITS.seoTitle).optional(),
    metaDescription: z.string().trim().min(1).max(WRITER_LIMITS.metaDescription).optional(),
    slug: z
      .string()
      .trim()
      .min(1)
      .max(WRITER_LIMITS.slug)
      .regex(/^[\p{Ll}\p{Lo}\p{M}\p{N}]+(-[\p{Ll}\p{Lo}\p{M}\p{N}]+)*$/u, {
        message: 'must be lowercase words joined by single hyphens, such as "trail-running-shoes"',
      })
      .optional(),
    excerpt: z.string().trim().max(WRITER_LIMITS.excerpt).optional(),
    /** Changes to sections by position; sections not named stay as they are. */
    sections: z
      .array(
        z.object({
          index: z.number().int().min(0),
          heading: z.string().trim().min(1).max(WRITER_LIMITS.heading).optional(),
          html: z.string().min(1).max(WRITER_LIMITS.sectionHtml).optional(),
        }),
      )
      .max(WRITER_LIMITS.outline)
      .optional(),
    /** The whole FAQ (replaces it; an empty list removes it). */
    faq: z
      .array(z.object({ question: z.string().trim().min(1).max(300), answer: z.string().min(1).max(10_000) }))
      .max(WRITER_LIMITS.faq)
      .optional(),
    note: z.string().trim().max(500).optional(),
  })
  .refine((b) => Object.keys(b).some((k) => k !== 'baseVersion' && k !== 'note'), {
    message: 'give at least one field to change',
  });
export type TEditContentBody = z.infer<typeof ZEditContentBody>;

export const ZRestoreContentBody = z.object({ version: z.number().int().min(1) });

export const ZApproveContentBody = z.object({
  /** The version being approved; it must be the current one (defaults to it). */
  version: z.number().int().min(1).optional(),
  /** Approve even though the text does not read as the language asked for. */
  acceptLanguageMismatch: z.boolean().default(false),
});
export type TApproveContentBody = z.infer<typeof ZApproveContentBody>;

// ---------------------------------------------------------------------------------------------------------------
// Block editor tools: rewriting one block and making a featured image for any post of a connected site.

/** The blocks the AI can rewrite in the block editor. */
export const REWRITABLE_BLOCKS = ['core/paragraph', 'core/heading', 'core/list', 'core/quote'] as const;
export type TRewritableBlock = (typeof REWRITABLE_BLOCKS)[number];

export const BLOCK_REWRITE_LIMITS = { html: 20_000, postTitle: 200, keyword: 200, instruction: 500 } as const;

/**
 * One block to rewrite: `improve` keeps its meaning and about its length (clearer, correct, the keyword used where
 * it fits); `regenerate` writes it anew about the same point. `html` is the block's saved HTML.
 */
export const ZBlockRewriteBody = z.object({
  siteId: uuid('site'),
  mode: z.enum(['improve', 'regenerate'], { message: 'must be "improve" or "regenerate"' }),
  blockName: z
    .string()
    .trim()
    .min(1)
    .max(100)
    .refine((name) => (REWRITABLE_BLOCKS as readonly string[]).includes(name), {
      message: `this block cannot be rewritten with AI: only ${REWRITABLE_BLOCKS.join(', ')} blocks can`,
    }),
  html: z.string().min(1).max(BLOCK_REWRITE_LIMITS.html),
  /** The post's title, so the block is written for its article. */
  postTitle: z.string().trim().max(BLOCK_REWRITE_LIMITS.postTitle).optional(),
  /** The post's focus keyword, used where it reads naturally. */
  keyword: z.string().trim().max(BLOCK_REWRITE_LIMITS.keyword).optional(),
  /** What the writer wants changed ("shorter", "friendlier", "add an example"). */
  instruction: z.string().trim().max(BLOCK_REWRITE_LIMITS.instruction).optional(),
  /** The language to write in (defaults to the site's). */
  language: ZLanguageTag.optional(),
});
export type TBlockRewriteBody = z.infer<typeof ZBlockRewriteBody>;

/** The result of a finished block rewrite job (JobRun.result). */
export const ZBlockRewriteResult = z.object({
  /** Serialized block markup of the same block type, e.g. `<!-- wp:paragraph -->\n<p>…</p>\n<!-- /wp:paragraph -->`. */
  markup: z.string(),
  blockName: z.string(),
  credits: z.number().int(),
  model: z.string(),
  demo: z.boolean(),
});
export type TBlockRewriteResult = z.infer<typeof ZBlockRewriteResult>;

export const EDITOR_IMAGE_LIMITS = { prompt: 1000, altText: 300 } as const;

/** A featured image for a post, made from a prompt with the account's image model. */
export const ZEditorImageBody = z.object({
  siteId: uuid('site'),
  prompt: z.string().trim().min(3).max(EDITOR_IMAGE_LIMITS.prompt),
  /** Defaults to text derived from the prompt. */
  altText: z.string().trim().max(EDITOR_IMAGE_LIMITS.altText).optional(),
  /** The WordPress post it is made for. */
  wpPostId: z.number().int().positive().optional(),
});
export type TEditorImageBody = z.infer<typeof ZEditorImageBody>;

export const ZEditorImageAccepted = ZWriterJobAccepted.extend({ editorImageId: z.uuid() });
export type TEditorImageAccepted = z.infer<typeof ZEditorImageAccepted>;

export const ZEditorImageParams = z.object({ editorImageId: uuid('image') });

export const ZEditorImage = z.object({
  id: z.uuid(),
  siteId: z.uuid(),
  wpPostId: z.number().int().nullable(),
  status: z.enum(['pending', 'generated', 'failed']),
  altText: z.string(),
  mimeType: z.string().nullable(),
  width: z.number().int().nullable(),
  height: z.number().int().nullable(),
  /** Why it could not be made, in the product's words. */
  error: z.string().nullable(),
  createdAt: z.string(),
});
export type TEditorImage = z.infer<typeof ZEditorImage>;
