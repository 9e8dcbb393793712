import { z } from 'zod';
import { jobContract, type JobPayload } from '../../jobs/definition.ts';

/** Every job of the writer: its type and payload, shared by the service that starts it and the handler that runs it. */

const ZOutline = z.array(z.object({ level: z.enum(['h2', 'h3']), heading: z.string().min(1) }));

/** Everything the job writes from: a snapshot of the task when it was started, so retries write the same article. */
export const ZGenerateContentPayload = z.object({
  taskId: z.uuid(),
  siteId: z.uuid(),
  sectorId: z.uuid(),
  holdId: z.uuid(),
  title: z.string(),
  primaryKeyword: z.string(),
  secondaryKeywords: z.array(z.string()),
  /** Empty: the job writes one first (at most `outlineSections` headings). */
  outline: ZOutline,
  outlineSections: z.number().int().min(1),
  targetWordCount: z.number().int(),
  includeFaq: z.boolean(),
  /** The language asked for (task, else sector, else site). */
  language: z.string(),
  voice: z.string().nullable(),
});
/** Writes a task's article, section by section (tasks-write.ts starts it, jobs-content.ts runs it). */
export const generateContentJob = jobContract('writer.generate_content', ZGenerateContentPayload);
export type TGenerateContentPayload = JobPayload<typeof generateContentJob>;

export const ZRegenerateSectionPayload = z.object({
  contentId: z.uuid(),
  taskId: z.uuid(),
  siteId: z.uuid(),
  sectorId: z.uuid(),
  holdId: z.uuid(),
  index: z.number().int().min(0),
  heading: z.string(),
  sectionWords: z.number().int(),
  title: z.string(),
  outline: z.array(z.object({ level: z.enum(['h2', 'h3']), heading: z.string() })),
  primaryKeyword: z.string(),
  secondaryKeywords: z.array(z.string()),
  targetWordCount: z.number().int(),
  language: z.string(),
  voice: z.string().nullable(),
  requestedById: z.uuid().nullable(),
});
/** Rewrites one section of a content as a new version (contents-run.ts starts it, jobs-content.ts runs it). */
export const regenerateSectionJob = jobContract('writer.regenerate_section', ZRegenerateSectionPayload);
export type TRegenerateSectionPayload = JobPayload<typeof regenerateSectionJob>;

export const ZGenerateImagesPayload = z.object({
  contentId: z.uuid(),
  taskId: z.uuid(),
  siteId: z.uuid(),
  sectorId: z.uuid(),
  /** The content version the prompts were written for. */
  version: z.number().int(),
  /** generate_image_prompts' input: the version's title, a summary of its text, featured + inline count. */
  input: z.object({ title: z.string(), summary: z.string(), imageCount: z.number().int().min(1) }),
  style: z.string(),
  /** The version's section headings: prompts for in-article images the model left out are made from them. */
  headings: z.array(z.string()).default([]),
  holdId: z.uuid(),
});
/** Makes a content's featured and in-article images (images-run.ts starts it, jobs-images.ts runs it). */
export const generateImagesJob = jobContract('writer.generate_images', ZGenerateImagesPayload);
export type GenerateImagesPayload = JobPayload<typeof generateImagesJob>;

export const ZRegenerateImagePayload = z.object({
  imageId: z.uuid(),
  contentId: z.uuid(),
  taskId: z.uuid(),
  siteId: z.uuid(),
  sectorId: z.uuid(),
  prompt: z.string(),
  style: z.string(),
  holdId: z.uuid(),
});
/** Makes one image of a content again (images-run.ts starts it, jobs-images.ts runs it). */
export const regenerateImageJob = jobContract('writer.regenerate_image', ZRegenerateImagePayload);
export type RegenerateImagePayload = JobPayload<typeof regenerateImageJob>;

/** Everything the rewrite job needs: the exact AI input (so a retry asks the same) and how to rebuild the block. */
export const ZRewriteBlockPayload = z.object({
  siteId: z.uuid(),
  holdId: z.uuid(),
  language: z.string(),
  voice: z.string().nullable(),
  block: z.object({
    name: z.enum(['core/paragraph', 'core/heading', 'core/list', 'core/quote']),
    level: z.number().int().min(1).max(6),
    ordered: z.boolean(),
    citation: z.string(),
    label: z.string(),
  }),
  /** generate_content's input, with the block to rewrite. */
  input: z.record(z.string(), z.unknown()),
});
/** Rewrites one block of a post from the block editor (editor-rewrite.ts starts it, jobs-editor.ts runs it). */
export const rewriteBlockJob = jobContract('writer.rewrite_block', ZRewriteBlockPayload);
export type TRewriteBlockPayload = JobPayload<typeof rewriteBlockJob>;

export const ZEditorImagePayload = z.object({
  editorImageId: z.uuid(),
  siteId: z.uuid(),
  prompt: z.string(),
  altText: z.string(),
  wpPostId: z.number().int().nullable(),
  style: z.string(),
  holdId: z.uuid(),
});
/** Makes a featured image for a post from the block editor (editor-images.ts starts it, jobs-editor.ts runs it). */
export const editorImageJob = jobContract('writer.editor_image', ZEditorImagePayload);
export type TEditorImagePayload = JobPayload<typeof editorImageJob>;
