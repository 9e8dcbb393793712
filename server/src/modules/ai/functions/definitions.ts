import type { TAiFunction } from '@igny8/shared';
import { z } from 'zod';

/**
 * The five AI functions of the product: what each takes, the structure its answer must have, and how much output it
 * may need (the credit estimate is based on it). Output schemas have no optional fields, as strict structured output
 * requires.
 */
export interface AiFunctionDefinition<TInput extends z.ZodType, TOutput extends z.ZodType | null> {
  name: TAiFunction;
  kind: 'text' | 'image';
  input: TInput;
  /** Null for image generation (the answer is an image, not JSON). */
  output: TOutput;
  /** Template variables (besides the site and sector context) from the input. */
  variables: (input: z.infer<TInput>) => Record<string, string>;
  /** Upper bound of output tokens for one call: the estimate and the hold use it. */
  maxOutputTokens: (input: z.infer<TInput>) => number;
  /** Instructions that do not change with the prompt: the answer's role and rules. */
  system: string;
}

export function defineAiFunction<TInput extends z.ZodType, TOutput extends z.ZodType | null>(
  definition: AiFunctionDefinition<TInput, TOutput>,
): AiFunctionDefinition<TInput, TOutput> {
  return definition;
}

/** One item per line, as a bulleted list (models and the fake provider both read it as a list). */
const list = (items: string[]) => items.map((item) => `- ${item}`).join('\n');

export const ZClusterOutput = z.object({
  clusters: z.array(z.object({ name: z.string().min(1).max(120), keywords: z.array(z.string().min(1)).min(1) })).min(1),
});

export const autoCluster = defineAiFunction({
  name: 'auto_cluster',
  kind: 'text' as const,
  input: z.object({
    keywords: z.array(z.string().min(1).max(200)).min(2).max(500),
    maxClusters: z.number().int().min(1).max(100).default(20),
  }),
  output: ZClusterOutput,
  variables: (input) => ({ keywords: list(input.keywords), max_clusters: String(input.maxClusters) }),
  maxOutputTokens: (input) => 200 + input.keywords.length * 12,
  system: 'You are an SEO strategist. Answer only with the requested structure. Use the keywords exactly as given.',
});

export const CONTENT_TYPES = ['how-to', 'listicle', 'guide', 'comparison', 'review'] as const;
export const INTENTS = ['informational', 'commercial', 'transactional', 'navigational'] as const;

export const ZIdeaOutput = z.object({
  ideas: z
    .array(
      z.object({
        title: z.string().min(5).max(200),
        angle: z.string().min(1).max(500),
        contentType: z.enum(CONTENT_TYPES),
        outline: z.array(z.object({ level: z.enum(['h2', 'h3']), heading: z.string().min(1).max(200) })).min(2),
        primaryKeyword: z.string().min(1),
        secondaryKeywords: z.array(z.string()),
        intent: z.enum(INTENTS),
        targetWords: z.number().int().min(300).max(6000),
      }),
    )
    .min(1),
});

export const generateIdeas = defineAiFunction({
  name: 'generate_ideas',
  kind: 'text' as const,
  input: z.object({
    clusterName: z.string().min(1).max(200),
    keywords: z.array(z.string().min(1)).min(1).max(200),
    ideaCount: z.number().int().min(1).max(20).default(5),
    existingTitles: z.array(z.string()).max(200).default([]),
  }),
  output: ZIdeaOutput,
  variables: (input) => ({
    cluster_name: input.clusterName,
    keywords: list(input.keywords),
    idea_count: String(input.ideaCount),
    existing_titles: input.existingTitles.length ? input.existingTitles.join('; ') : 'none',
  }),
  maxOutputTokens: (input) => 300 + input.ideaCount * 400,
  system: 'You are an SEO content strategist. Answer only with the requested structure.',
});

export const ZSectionOutput = z.object({
  heading: z.string().min(1).max(200),
  /** HTML of the section body (paragraphs, lists, tables); sanitized before it is stored. */
  html: z.string().min(1),
});

/**
 * A block of a post to rewrite instead of a new section (the block editor's "improve" and "regenerate"): the same
 * function, model and prompt as section writing, with the block and what to do with it as the section to write.
 */
export const ZBlockRewriteInput = z.object({
  mode: z.enum(['improve', 'regenerate']),
  /** The block in words: "paragraph", "heading (H3)", "bulleted list", "quote". */
  block: z.string().min(1).max(60),
  /** How the answer must be shaped, e.g. "one <p> element". */
  shape: z.string().min(1).max(300),
  /** The block's current HTML, already sanitized. */
  html: z.string().min(1).max(20_000),
  /** Words of the block now. */
  words: z.number().int().min(0).max(10_000),
  instruction: z.string().max(500).default(''),
});
export type TBlockRewriteInput = z.infer<typeof ZBlockRewriteInput>;

/** The "section" a block rewrite asks for: what to do, the shape of the answer, then the block as it is. */
export function blockRewriteBrief(r: TBlockRewriteInput): string {
  const words = Math.max(10, r.words);
  const what =
    r.mode === 'improve'
      ? `Improve this ${r.block} of the article (about ${words} words): keep its meaning, its facts and about its ` +
        'length; make it clearer, correct its grammar and spelling, and use the primary keyword where it reads ' +
        'naturally.'
      : `Write this ${r.block} of the article anew (about ${words} words): the same point, in new words, ` +
        'using the primary keyword where it reads naturally.';
  const instruction = r.instruction.trim();
  const asked = instruction ? ` The writer asks: ${instruction}${/[.!?]$/.test(instruction) ? '' : '.'}` : '';
  return (
    `${what}${asked} Answer with the new ${r.block} alone in the html field as ${r.shape}; no other blocks, ` +
    `headings or notes. The ${r.block} now:\n${r.html}\n`
  );
}

export const generateContent = defineAiFunction({
  name: 'generate_content',
  kind: 'text' as const,
  input: z.object({
    title: z.string().min(1).max(200),
    outline: z.array(z.string().min(1)).min(1).max(40),
    section: z.string().min(1).max(200),
    primaryKeyword: z.string().min(1),
    secondaryKeywords: z.array(z.string()).default([]),
    targetWords: z.number().int().min(100).max(8000),
    sectionWords: z.number().int().min(50).max(3000),
    /** Rewrite this block instead of writing the section. */
    rewrite: ZBlockRewriteInput.optional(),
  }),
  output: ZSectionOutput,
  variables: (input) => ({
    title: input.title,
    outline: list(input.outline),
    section: input.rewrite ? blockRewriteBrief(input.rewrite) : `${input.section} (about ${input.sectionWords} words)`,
    primary_keyword: input.primaryKeyword,
    secondary_keywords: input.secondaryKeywords.join(', ') || 'none',
    target_words: String(input.targetWords),
  }),
  // About 1.4 tokens per English word, more for other languages and HTML markup: a generous ceiling costs nothing
  // (the unused part of the hold is released) while a tight one cuts answers off. A rewritten block may be as long
  // as its HTML (escaped in JSON) or grow a little.
  maxOutputTokens: (input) =>
    input.rewrite
      ? Math.ceil(Math.max(Math.max(10, input.rewrite.words) * 3, input.rewrite.html.length / 2)) + 300
      : Math.ceil(input.sectionWords * 3) + 300,
  system: 'You are an expert writer. Answer only with the requested structure; the html field holds the section body.',
});

export const ZImagePromptOutput = z.object({
  images: z
    .array(
      z.object({
        role: z.enum(['featured', 'inline']),
        prompt: z.string().min(10).max(1000),
        altText: z.string().min(5).max(250),
      }),
    )
    .min(1),
});

export const generateImagePrompts = defineAiFunction({
  name: 'generate_image_prompts',
  kind: 'text' as const,
  input: z.object({
    title: z.string().min(1).max(200),
    summary: z.string().max(4000).default(''),
    imageCount: z.number().int().min(1).max(10).default(3),
  }),
  output: ZImagePromptOutput,
  variables: (input) => ({
    title: input.title,
    summary: input.summary || input.title,
    image_count: String(input.imageCount),
  }),
  maxOutputTokens: (input) => 150 + input.imageCount * 200,
  system: 'You are an art director. Answer only with the requested structure. The first image is the featured one.',
});

export const generateImages = defineAiFunction({
  name: 'generate_images',
  kind: 'image' as const,
  input: z.object({ prompt: z.string().min(10).max(2000), style: z.string().max(200).default('natural photograph') }),
  output: null,
  variables: (input) => ({ prompt: input.prompt, style: input.style }),
  maxOutputTokens: () => 0,
  system: '',
});

export const AI_FUNCTION_DEFINITIONS = {
  auto_cluster: autoCluster,
  generate_ideas: generateIdeas,
  generate_content: generateContent,
  generate_image_prompts: generateImagePrompts,
  generate_images: generateImages,
} as const;
