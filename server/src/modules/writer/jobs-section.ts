import { settleStep } from '../ai/jobs.ts';
import type { Prisma } from '../../generated/prisma/client.ts';
import type { JobContext } from '../../jobs/context.ts';
import { defineJob } from '../../jobs/definition.ts';
import { PermanentJobError } from '../../jobs/errors.ts';
import { buildVersion, type StoredSection } from './article.ts';
import type { FaqItem } from './content/seo.ts';
import { regenerateSectionJob, type TRegenerateSectionPayload } from './contracts.ts';
import { writerData } from './data/index.ts';
import type { WriterJobDeps } from './deps.ts';
import { recordFailure, writeSection, type Paid } from './section-writing.ts';
import { versionData } from './versions.ts';

/**
 * Writes one section of a content again (one provider call, stored with its step) and adds a version where only that
 * section differs from the current one, then settles the hold.
 */
export function regenerateSectionDefinition(deps: WriterJobDeps) {
  return defineJob({
    ...regenerateSectionJob,
    retryLimit: 2,
    retryDelay: 5,
    heartbeatSeconds: 30,
    handler: async (ctx, payload) => {
      try {
        return await regenerateSection(deps, ctx, payload);
      } catch (error) {
        await recordFailure(deps, ctx, payload.taskId, error, `Rewriting section ${payload.index + 1}`);
        throw error;
      }
    },
    onFailure: deps.releaseHold,
  });
}

async function regenerateSection(deps: WriterJobDeps, ctx: JobContext, payload: TRegenerateSectionPayload) {
  const out = (await ctx.step(
    'section',
    async () =>
      (await writeSection(
        deps,
        ctx,
        payload,
        // Asked as a new take: the same request could otherwise get the same answer (a model at temperature 0).
        `${payload.heading.slice(0, 120)} (a new version, different from the previous draft)`,
        payload.sectionWords,
      )) as unknown as Prisma.InputJsonValue,
    { progress: 80 },
  )) as unknown as Paid & { html: string };

  const stored = await ctx.transactionalStep(
    'store',
    async (tx) => {
      const db = writerData(tx);
      const content = await db.contents.findWithCurrentVersion(payload.contentId);
      const current = content?.versions[0];
      if (!content || !current) {
        throw new PermanentJobError('CONTENT_GONE', `Content ${payload.contentId} was deleted while it was rewritten.`);
      }
      const sections = current.sections as unknown as StoredSection[];
      if (payload.index >= sections.length) {
        throw new PermanentJobError(
          'SECTION_GONE',
          `Section ${payload.index + 1} no longer exists in version ${current.number}.`,
        );
      }
      if (sections[payload.index]!.heading.slice(0, 200) !== payload.heading) {
        // The article was rewritten or edited meanwhile: this text was written for a section that is gone.
        throw new PermanentJobError(
          'SECTION_CHANGED',
          `Section ${payload.index + 1} is now "${sections[payload.index]!.heading}", no longer "${payload.heading}": rewrite it again.`,
        );
      }
      const next = sections.map((s, i) => (i === payload.index ? { ...s, html: out.html } : s));
      const fields = buildVersion({
        title: current.title,
        sections: next,
        faq: current.faq as unknown as FaqItem[],
        language: content.language,
        seo: {
          seoTitle: current.seoTitle,
          metaDescription: current.metaDescription,
          slug: current.slug,
          excerpt: current.excerpt,
        },
      });
      const version = await db.contents.addVersion(content.id, {
        ...versionData(fields),
        source: 'section_regenerated',
        jobRunId: ctx.jobId,
        createdById: payload.requestedById,
        note: `Section ${payload.index + 1} ("${sections[payload.index]!.heading}") rewritten.`,
      });
      await db.tasks.clearFailureReason(payload.taskId);
      return { contentId: content.id, version: version.number, wordCount: fields.wordCount };
    },
    { progress: 95 },
  );
  await settleStep(ctx, deps.billing, payload.holdId, out);
  return { ...stored, index: payload.index, credits: out.credits, model: out.model, demo: out.demo };
}
