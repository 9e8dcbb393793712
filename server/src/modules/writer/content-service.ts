import type { TApproveContentBody, TContent, TContentDiff, TEditContentBody } from '@igny8/shared';
import { diffWords, type ChangeObject } from 'diff';
import { z } from 'zod';
import type { AiRunsService } from '../ai/runs-service.ts';
import { AppError, errors } from '../../errors.ts';
import type { ContentVersion, PrismaClient, TaskStatus } from '../../generated/prisma/client.ts';
import type { AuthContext } from '../auth/credentials.ts';
import { buildVersion, languageName, type StoredSection } from './article.ts';
import { sanitizeFragment } from './content/blocks.ts';
import type { FaqItem } from './content/seo.ts';
import { countTextWords, countWords, textOf } from './content/words.ts';
import { outlineStrings } from './tasks-service.ts';
import {
  addVersion,
  StaleVersionError,
  versionData,
  versionView,
  withContentSummary,
  writerTaskView,
} from './versions.ts';

export const REGENERATE_SECTION_JOB = 'writer.regenerate_section';

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
export type TRegenerateSectionPayload = z.infer<typeof ZRegenerateSectionPayload>;

/** Task statuses in which the content cannot change: a job is writing or publishing it. */
const LOCKED: TaskStatus[] = ['writing', 'publishing'];

function locked(task: { id: string; status: TaskStatus }, doing: string): never {
  throw new AppError(
    'CONFLICT',
    `Task ${task.id} is ${task.status === 'writing' ? 'being written' : 'being published'} right now, so its content cannot be ${doing}: wait for the job to finish.`,
    { taskId: task.id, status: task.status },
  );
}

/**
 * Word diff of two texts. Words, not lines: a reviewer compares prose, and a line diff of block markup would mark a
 * whole paragraph changed for one word (jsdiff's diffWords keeps the whitespace with the words around it).
 */
function fieldDiff(field: string, from: string, to: string) {
  const parts = from === to ? [{ value: to, added: false, removed: false }] : diffWords(from, to).map(part);
  return { field, changed: from !== to, parts };
}
const part = (c: ChangeObject<string>) => ({ value: c.value, added: !!c.added, removed: !!c.removed });

const faqText = (faq: FaqItem[]) => faq.map((f) => `${f.question}\n${textOf(f.answer)}`).join('\n\n');

export function createWriterContentService({ prisma, runs }: { prisma: PrismaClient; runs: AiRunsService }) {
  async function findContent(auth: AuthContext, contentId: string) {
    const content = await prisma.content.findFirst({
      where: { id: contentId, accountId: auth.accountId },
      include: { task: { include: withContentSummary } },
    });
    if (!content) throw errors.notFound('Content', contentId);
    return content;
  }

  async function findVersion(contentId: string, number: number): Promise<ContentVersion> {
    const version = await prisma.contentVersion.findUnique({ where: { contentId_number: { contentId, number } } });
    if (!version) throw errors.notFound(`Version ${number} of content`, contentId);
    return version;
  }

  async function view(auth: AuthContext, contentId: string): Promise<TContent> {
    const content = await findContent(auth, contentId);
    const version = await findVersion(content.id, content.currentVersion);
    return {
      id: content.id,
      taskId: content.taskId,
      siteId: content.siteId,
      language: content.language,
      demo: content.demo,
      currentVersion: content.currentVersion,
      approvedVersion: content.approvedVersion,
      approvedAt: content.approvedAt?.toISOString() ?? null,
      approved: content.approvedVersion !== null && content.approvedVersion === content.currentVersion,
      version: versionView(version),
      task: writerTaskView(content.task),
    };
  }

  /** Adds a version made by a person (edit or restore); 409 when someone else added one since `baseVersion`. */
  async function addByHand(
    auth: AuthContext,
    contentId: string,
    data: Parameters<typeof addVersion>[2],
    baseVersion?: number,
  ) {
    try {
      await prisma.$transaction((tx) =>
        addVersion(tx, contentId, { ...data, createdById: auth.userId }, { expectedCurrent: baseVersion }),
      );
    } catch (error) {
      if (error instanceof StaleVersionError) {
        throw new AppError(
          'CONFLICT',
          `This edit was made on version ${error.expected}, but version ${error.current} is current now: reload it and apply your changes again.`,
          { baseVersion: error.expected, currentVersion: error.current },
        );
      }
      throw error;
    }
    return view(auth, contentId);
  }

  return {
    get: view,

    async forTask(auth: AuthContext, taskId: string) {
      const content = await prisma.content.findFirst({
        where: { taskId, accountId: auth.accountId },
        select: { id: true },
      });
      if (!content) {
        const task = await prisma.task.findFirst({ where: { id: taskId, accountId: auth.accountId } });
        if (!task) throw errors.notFound('Task', taskId);
        throw new AppError(
          'NOT_FOUND',
          `Task ${taskId} has not been written yet: start it with POST /api/v1/writer/tasks/${taskId}/generate.`,
        );
      }
      return view(auth, content.id);
    },

    async versions(auth: AuthContext, contentId: string) {
      const content = await findContent(auth, contentId);
      const rows = await prisma.contentVersion.findMany({
        where: { contentId: content.id },
        orderBy: { number: 'desc' },
        omit: { body: true, sections: true, faq: true },
      });
      return rows.map((v) => ({
        number: v.number,
        source: v.source,
        title: v.title,
        wordCount: v.wordCount,
        detectedLanguage: v.detectedLanguage,
        languageMatches: v.languageMatches,
        jobId: v.jobRunId,
        createdById: v.createdById,
        note: v.note,
        createdAt: v.createdAt.toISOString(),
      }));
    },

    async version(auth: AuthContext, contentId: string, number: number) {
      const content = await findContent(auth, contentId);
      return versionView(await findVersion(content.id, number));
    },

    async diff(auth: AuthContext, contentId: string, query: { from?: number; to?: number }): Promise<TContentDiff> {
      const content = await findContent(auth, contentId);
      const toNumber = query.to ?? content.currentVersion;
      const fromNumber = query.from ?? Math.max(1, toNumber - 1);
      const [from, to] = await Promise.all([findVersion(content.id, fromNumber), findVersion(content.id, toNumber)]);
      const fields = (['title', 'seoTitle', 'metaDescription', 'slug', 'excerpt'] as const).map((f) =>
        fieldDiff(f, from[f], to[f]),
      );
      fields.push(fieldDiff('faq', faqText(from.faq as unknown as FaqItem[]), faqText(to.faq as unknown as FaqItem[])));
      const a = from.sections as unknown as StoredSection[];
      const b = to.sections as unknown as StoredSection[];
      const sections = Array.from({ length: Math.max(a.length, b.length) }, (_, index) => {
        const x = a[index];
        const y = b[index];
        const heading = fieldDiff('heading', x?.heading ?? '', y?.heading ?? '');
        const text = fieldDiff('text', x ? textOf(x.html) : '', y ? textOf(y.html) : '');
        const status = !x ? 'added' : !y ? 'removed' : heading.changed || text.changed ? 'changed' : 'unchanged';
        return { index, status: status as 'added' | 'removed' | 'changed' | 'unchanged', heading, text };
      });
      let wordsAdded = 0;
      let wordsRemoved = 0;
      for (const d of [...fields, ...sections.flatMap((s) => [s.heading, s.text])]) {
        for (const p of d.parts) {
          if (p.added) wordsAdded += countTextWords(p.value);
          if (p.removed) wordsRemoved += countTextWords(p.value);
        }
      }
      return { from: from.number, to: to.number, fields, sections, wordsAdded, wordsRemoved };
    },

    /**
     * An edit by hand, made on `baseVersion` (409 naming both numbers when another version came since): section HTML
     * is sanitized, SEO fields are checked against their limits, and the result is a new version `edited`.
     */
    async edit(auth: AuthContext, contentId: string, body: TEditContentBody) {
      const content = await findContent(auth, contentId);
      if (LOCKED.includes(content.task.status)) locked(content.task, 'edited');
      if (body.baseVersion !== content.currentVersion) {
        throw new AppError(
          'CONFLICT',
          `This edit was made on version ${body.baseVersion}, but version ${content.currentVersion} is current now: reload it and apply your changes again.`,
          { baseVersion: body.baseVersion, currentVersion: content.currentVersion },
        );
      }
      const current = await findVersion(content.id, content.currentVersion);
      const sections = (current.sections as unknown as StoredSection[]).map((s) => ({ ...s }));
      const problems: { in: string; field: string; message: string }[] = [];
      (body.sections ?? []).forEach((change, i) => {
        const section = sections[change.index];
        if (!section) {
          problems.push({
            in: 'body',
            field: `sections.${i}.index`,
            message: `there is no section ${change.index} (version ${current.number} has ${sections.length}, numbered from 0)`,
          });
          return;
        }
        if (change.heading !== undefined) {
          const heading = textOf(change.heading);
          if (heading === '')
            problems.push({ in: 'body', field: `sections.${i}.heading`, message: 'must have some text' });
          section.heading = heading;
        }
        if (change.html !== undefined) {
          const html = sanitizeFragment(change.html);
          if (countWords(html) === 0) {
            problems.push({
              in: 'body',
              field: `sections.${i}.html`,
              message: 'has no text left once unsafe or unsupported markup is removed',
            });
          }
          section.html = html;
        }
      });
      if (problems.length) throw errors.validation(problems);
      const fields = buildVersion({
        title: body.title ?? current.title,
        sections,
        faq: body.faq ?? (current.faq as unknown as FaqItem[]),
        language: content.language,
        seo: {
          seoTitle: body.seoTitle ?? current.seoTitle,
          metaDescription: body.metaDescription ?? current.metaDescription,
          slug: body.slug ?? current.slug,
          excerpt: body.excerpt ?? current.excerpt,
        },
      });
      const changed = Object.keys(body).filter((k) => k !== 'baseVersion' && k !== 'note');
      return addByHand(
        auth,
        content.id,
        { ...versionData(fields), source: 'edited', note: body.note ?? `Edited: ${changed.join(', ')}.` },
        body.baseVersion,
      );
    },

    /** A new version `restored` with the content of an earlier one (history is never rewritten). */
    async restore(auth: AuthContext, contentId: string, number: number) {
      const content = await findContent(auth, contentId);
      if (LOCKED.includes(content.task.status)) locked(content.task, 'restored');
      const old = await findVersion(content.id, number);
      const fields = buildVersion({
        title: old.title,
        sections: old.sections as unknown as StoredSection[],
        faq: old.faq as unknown as FaqItem[],
        language: content.language,
        seo: { seoTitle: old.seoTitle, metaDescription: old.metaDescription, slug: old.slug, excerpt: old.excerpt },
      });
      return addByHand(auth, content.id, {
        ...versionData(fields),
        source: 'restored',
        note: `Restored from version ${old.number}.`,
      });
    },

    /** Starts rewriting one section (a paid job; one provider call); the result is a new version. */
    async regenerateSection(
      auth: AuthContext,
      requestId: string,
      contentId: string,
      index: number,
      idempotencyKey?: string,
    ) {
      const content = await findContent(auth, contentId);
      if (LOCKED.includes(content.task.status)) locked(content.task, 'rewritten');
      const current = await findVersion(content.id, content.currentVersion);
      const sections = current.sections as unknown as StoredSection[];
      const section = sections[index];
      if (!section) {
        throw errors.validation([
          {
            in: 'params',
            field: 'index',
            message: `there is no section ${index}: version ${current.number} has ${sections.length}, numbered from 0`,
          },
        ]);
      }
      const task = content.task;
      const payload: Omit<TRegenerateSectionPayload, 'holdId'> = {
        contentId: content.id,
        taskId: task.id,
        siteId: task.siteId,
        sectorId: task.sectorId,
        index,
        heading: section.heading.slice(0, 200),
        // The same length as the section has now (within the function's bounds).
        sectionWords: Math.min(3000, Math.max(50, countWords(section.html))),
        title: current.title,
        outline: sections.map((s) => ({ level: s.level, heading: s.heading })),
        primaryKeyword: task.primaryKeyword,
        secondaryKeywords: task.secondaryKeywords,
        targetWordCount: task.targetWordCount,
        language: content.language,
        voice: task.voice,
        requestedById: auth.userId ?? null,
      };
      const started = await runs.startHeld(auth, requestId, {
        type: REGENERATE_SECTION_JOB,
        operation: 'generate_content',
        siteId: task.siteId,
        body: { contentId: content.id, index, version: current.number },
        ...(idempotencyKey ? { idempotencyKey } : {}),
        estimate: () =>
          runs.estimate(auth.accountId, task.siteId, 'generate_content', {
            title: payload.title.slice(0, 200),
            outline: outlineStrings(payload.outline),
            section: payload.heading,
            primaryKeyword: payload.primaryKeyword,
            secondaryKeywords: payload.secondaryKeywords,
            targetWords: payload.targetWordCount,
            sectionWords: payload.sectionWords,
          }),
        payload: ({ holdId }) => ({ ...payload, holdId }),
      });
      await prisma.task.updateMany({ where: { id: task.id }, data: { lastJobRunId: started.run.id } });
      return started;
    },

    /**
     * Approves the current version for publishing. 422 when its text does not read as the language asked for,
     * unless `acceptLanguageMismatch`; 409 when `version` is not the current one or a job is working on the task.
     */
    async approve(auth: AuthContext, contentId: string, body: TApproveContentBody) {
      const content = await findContent(auth, contentId);
      const task = content.task;
      if (LOCKED.includes(task.status)) locked(task, 'approved');
      const number = body.version ?? content.currentVersion;
      if (number !== content.currentVersion) {
        throw new AppError(
          'CONFLICT',
          `Version ${number} is not the current one (version ${content.currentVersion} is): restore it first to approve it.`,
          { version: number, currentVersion: content.currentVersion },
        );
      }
      const version = await findVersion(content.id, number);
      if (!version.languageMatches && !body.acceptLanguageMismatch) {
        const detected = version.detectedLanguage ? languageName(version.detectedLanguage) : 'another language';
        const message = `Version ${number} reads as ${detected}, but it was asked for in ${languageName(content.language)}: rewrite it, or approve with "acceptLanguageMismatch": true.`;
        throw new AppError('VALIDATION_FAILED', message, {
          fields: [{ in: 'body', field: 'acceptLanguageMismatch', message }],
          detectedLanguage: version.detectedLanguage,
          language: content.language,
        });
      }
      await prisma.$transaction(async (tx) => {
        // Only if nothing changed meanwhile: a version added since, or a job that took the task, wins.
        const approved = await tx.content.updateMany({
          where: { id: content.id, currentVersion: number },
          data: { approvedVersion: number, approvedAt: new Date(), approvedById: auth.userId ?? null },
        });
        const moved = await tx.task.updateMany({
          where: { id: task.id, status: { notIn: LOCKED } },
          data: { status: 'approved', failureReason: null },
        });
        if (approved.count === 0 || moved.count === 0) {
          throw new AppError('CONFLICT', `Content ${content.id} changed while it was being approved: reload it.`, {
            contentId: content.id,
          });
        }
      });
      return view(auth, content.id);
    },
  };
}

export type WriterContentService = ReturnType<typeof createWriterContentService>;
