import { callAi, settleStep } from '../ai/jobs.ts';
import type { Prisma } from '../../generated/prisma/client.ts';
import type { JobContext } from '../../jobs/context.ts';
import type { JobDefinition } from '../../jobs/definition.ts';
import { defineJob } from '../../jobs/definition.ts';
import { PermanentJobError } from '../../jobs/errors.ts';
import {
  buildVersion,
  CATCH_UP,
  FAQ_SECTION,
  faqWords,
  parseFaq,
  SECTION_WORDS_MIN,
  sectionWordsFor,
  type OutlineItem,
  type StoredSection,
} from './article.ts';
import { sectionToBlocks } from './content/blocks.ts';
import { uniqueSlug, type FaqItem } from './content/seo.ts';
import { countWords } from './content/words.ts';
import { generateContentJob, type TGenerateContentPayload } from './contracts.ts';
import { writerData } from './data/index.ts';
import type { WriterJobDeps } from './deps.ts';
import { regenerateSectionDefinition } from './jobs-section.ts';
import { recordFailure, runContext, sumPaid, writeSection, type Paid, type WrittenSection } from './section-writing.ts';
import { versionData } from './versions.ts';

/**
 * Writes a task's article: an outline first when the task has none, then one step per section (each a provider call
 * whose sanitized HTML, usage and credits are stored with the step, so a retry after a crash starts at the next
 * unwritten section and pays for no section twice), the FAQ when asked, then the content and its new version in one
 * transaction, then the settlement of the hold. Each section is asked for the words left over by the sections before
 * it, so the article lands near its target length.
 */
export function generateContentDefinition(deps: WriterJobDeps) {
  return defineJob({
    ...generateContentJob,
    retryLimit: 2,
    retryDelay: 5,
    heartbeatSeconds: 30,
    handler: async (ctx, payload) => {
      try {
        return await generateContent(deps, ctx, payload);
      } catch (error) {
        await recordFailure(deps, ctx, payload.taskId, error, 'Writing');
        throw error;
      }
    },
    onFailure: async (job, payload) => {
      await deps.releaseHold(job);
      const run = await deps.data.lookups.findJobCancelRequest(job.jobId);
      const task = await deps.data.tasks.findFailureReason(payload.taskId);
      await deps.data.tasks.markWritingFailed(
        payload.taskId,
        job.jobId,
        run?.cancelRequestedAt
          ? 'Writing was cancelled before it finished; no credits were charged.'
          : (task?.failureReason ?? 'Writing failed; no credits were charged. Try again.'),
      );
    },
  });
}

async function generateContent(deps: WriterJobDeps, ctx: JobContext, payload: TGenerateContentPayload) {
  // The route marks the task; a crash between its enqueue and that mark is made good here.
  const marked = await deps.data.tasks.markWriting(ctx.accountId, payload.taskId, ctx.jobId);
  if (marked.count === 0) {
    throw new PermanentJobError('TASK_GONE', `Task ${payload.taskId} was deleted or is being published.`);
  }
  const paid: Paid[] = [];

  let outline: OutlineItem[] = payload.outline;
  if (outline.length === 0) {
    const written = (await ctx.step(
      'outline',
      () =>
        callAi(ctx, async (signal) => {
          const result = await deps.engine.run<{ ideas: { outline: OutlineItem[] }[] }>(
            runContext(ctx, payload, signal),
            'generate_ideas',
            {
              clusterName: payload.title.slice(0, 200),
              keywords: [payload.primaryKeyword, ...payload.secondaryKeywords],
              ideaCount: 1,
              existingTitles: [],
            },
          );
          const items = (result.output.ideas[0]?.outline ?? [])
            .filter((o) => o.heading.trim() !== '')
            .slice(0, payload.outlineSections);
          if (items.length === 0) {
            throw new PermanentJobError('AI_MALFORMED_OUTPUT', 'The model wrote no outline for the article.');
          }
          return {
            outline: items.map((o) => ({ level: o.level, heading: o.heading.trim().slice(0, 200) })),
            usage: { ...result.usage },
            credits: result.credits,
            model: result.model,
            demo: result.demo,
          } as unknown as Prisma.InputJsonValue;
        }),
      { progress: 5 },
    )) as unknown as Paid & { outline: OutlineItem[] };
    outline = written.outline;
    paid.push(written);
    // Kept on the task, so the reviewer sees (and may change) the outline the article was written from.
    await deps.data.tasks.keepOutline(payload.taskId, outline as unknown as Prisma.InputJsonValue);
  }

  const p = { ...payload, outline };
  const sections: StoredSection[] = [];
  let written = 0;
  for (let i = 0; i < outline.length; i++) {
    const item = outline[i]!;
    const sectionWords = sectionWordsFor(outline, payload.targetWordCount, payload.includeFaq, i, written);
    const section = (await ctx.step(
      `section:${i}`,
      async () => {
        const out = await writeSection(deps, ctx, p, item.heading, sectionWords);
        const words = countWords(sectionToBlocks({ heading: item.heading, html: out.html }));
        return { ...out, words } as unknown as Prisma.InputJsonValue;
      },
      { progress: 5 + Math.round((85 * (i + 1)) / (outline.length + (payload.includeFaq ? 1 : 0))) },
    )) as unknown as WrittenSection;
    written += section.words;
    paid.push(section);
    sections.push({ level: item.level, heading: item.heading, html: section.html });
  }

  let faq: FaqItem[] = [];
  if (payload.includeFaq) {
    // What the sections left of the target, within the FAQ's planned share (the hold covers CATCH_UP times it).
    const planned = faqWords(payload.targetWordCount, true);
    const budget = Math.round(
      Math.max(SECTION_WORDS_MIN, Math.min(planned * CATCH_UP, payload.targetWordCount - written)),
    );
    const out = (await ctx.step(
      'faq',
      async () => {
        const answer = await writeSection(deps, ctx, p, FAQ_SECTION, budget);
        return { ...answer, faq: parseFaq(answer.html) } as unknown as Prisma.InputJsonValue;
      },
      { progress: 90 },
    )) as unknown as Paid & { faq: FaqItem[] };
    faq = out.faq;
    paid.push(out);
  }

  const total = sumPaid(paid);
  const stored = await ctx.transactionalStep(
    'store',
    async (tx) => {
      const db = writerData(tx);
      const task = await db.tasks.findForStore(payload.taskId);
      if (!task) throw new PermanentJobError('TASK_GONE', `Task ${payload.taskId} was deleted while it was written.`);
      const content =
        task.content ??
        (await db.contents.create({
          accountId: ctx.accountId,
          siteId: payload.siteId,
          taskId: payload.taskId,
          language: payload.language,
          demo: total.demo,
        }));
      await db.contents.setLanguageAndDemo(content.id, payload.language, total.demo);
      const built = buildVersion({ title: payload.title, sections, faq, language: payload.language });
      // Another article of the site already has this slug: take the next free one, as WordPress would.
      const others = await db.contents.slugsLike(payload.siteId, content.id, built.slug);
      const fields = { ...built, slug: uniqueSlug(built.slug, new Set(others.map((o) => o.slug))) };
      const version = await db.contents.addVersion(content.id, {
        ...versionData(fields),
        source: 'generated',
        jobRunId: ctx.jobId,
        note: fields.notes.length ? fields.notes.join(' ') : null,
      });
      // Images are made next (another job moves written -> review); without any to make, it is ready for review.
      // Written again after its images were made: they are kept, so it is ready for review at once.
      const status = task.imageCount === 0 || content._count.images > 0 ? 'review' : 'written';
      await db.tasks.finishWriting(payload.taskId, ctx.jobId, status);
      return { contentId: content.id, version: version.number, wordCount: fields.wordCount };
    },
    { progress: 95 },
  );

  await settleStep(ctx, deps.billing, payload.holdId, total);
  return { ...stored, credits: total.credits, model: total.model, demo: total.demo, sections: sections.length };
}

export function writerContentJobs(deps: WriterJobDeps): JobDefinition[] {
  return [generateContentDefinition(deps), regenerateSectionDefinition(deps)] as unknown as JobDefinition[];
}
