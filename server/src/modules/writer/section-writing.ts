import { callAi } from '../ai/jobs.ts';
import type { AiRunContext } from '../ai/engine.ts';
import type { JobContext } from '../../jobs/context.ts';
import { JobCancelledError, PermanentJobError } from '../../jobs/errors.ts';
import { outlineStrings, type OutlineItem } from './article.ts';
import { sanitizeFragment } from './content/blocks.ts';
import type { WriterJobDeps } from './deps.ts';

/** What the writing jobs share: one section written by a provider call, what paid calls cost, why a job stopped. */

/** What one paid call left behind (stored as the step's output, so a retry reuses it and pays nothing again). */
export interface Paid {
  usage: Record<string, number>;
  credits: number;
  model: string;
  demo: boolean;
}
export interface WrittenSection extends Paid {
  html: string;
  /** Words of the section as published (heading included). */
  words: number;
}

export function sumPaid(parts: Paid[]): Paid {
  const usage: Record<string, number> = {};
  for (const p of parts) for (const [k, v] of Object.entries(p.usage)) usage[k] = (usage[k] ?? 0) + v;
  return {
    usage,
    credits: parts.reduce((sum, p) => sum + p.credits, 0),
    model: parts[0]?.model ?? '',
    demo: parts.some((p) => p.demo),
  };
}

/**
 * The engine's context for a task's calls: the task's own language and voice win over the sector's (and the
 * site's).
 */
export function runContext(
  ctx: JobContext,
  p: { siteId: string; sectorId: string; language: string; voice: string | null },
  signal: AbortSignal,
): AiRunContext {
  const context = {
    accountId: ctx.accountId,
    siteId: p.siteId,
    sectorId: p.sectorId,
    jobRunId: ctx.jobId,
    signal,
    language: p.language,
    ...(p.voice ? { voice: p.voice } : {}),
  };
  return context;
}

/** The reason a writing job stopped, in the product's words (provider messages are already; others are not shown). */
function failureReason(error: unknown, what: string): string {
  if (error instanceof PermanentJobError) return `${what} failed: ${error.message}`;
  return `${what} failed because of an unexpected error; it was retried and then given up. Try again later.`;
}

export async function recordFailure(
  deps: WriterJobDeps,
  ctx: JobContext,
  taskId: string,
  error: unknown,
  what: string,
) {
  if (error instanceof JobCancelledError) return;
  await deps.data.tasks.recordFailureReason(taskId, ctx.jobId, failureReason(error, what)).catch(() => {});
}

export async function writeSection(
  deps: WriterJobDeps,
  ctx: JobContext,
  p: {
    siteId: string;
    sectorId: string;
    language: string;
    voice: string | null;
    title: string;
    outline: OutlineItem[];
    primaryKeyword: string;
    secondaryKeywords: string[];
    targetWordCount: number;
  },
  section: string,
  sectionWords: number,
): Promise<{ html: string } & Paid> {
  return callAi(ctx, async (signal) => {
    const result = await deps.engine.run<{ heading: string; html: string }>(
      runContext(ctx, p, signal),
      'generate_content',
      {
        title: p.title.slice(0, 200),
        outline: outlineStrings(p.outline),
        section: section.slice(0, 200),
        primaryKeyword: p.primaryKeyword,
        secondaryKeywords: p.secondaryKeywords,
        targetWords: p.targetWordCount,
        sectionWords,
      },
    );
    return {
      // Sanitized before it is stored anywhere, even in the job's steps.
      html: sanitizeFragment(result.output.html),
      usage: { ...result.usage },
      credits: result.credits,
      model: result.model,
      demo: result.demo,
    };
  });
}
