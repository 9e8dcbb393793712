import type { TApproveContentBody, TEditContentBody } from '@igny8/shared';
import { AppError, errors } from '../../errors.ts';
import type { TaskStatus } from '../../generated/prisma/client.ts';
import type { AuthContext } from '../auth/credentials.ts';
import { buildVersion, languageName, type StoredSection } from './article.ts';
import { sanitizeFragment } from './content/sanitize.ts';
import type { FaqItem } from './content/seo.ts';
import { countWords, textOf } from './content/words.ts';
import { contentLookup } from './contents-read.ts';
import { StaleVersionError, type NewVersion } from './data/index.ts';
import type { WriterServiceDeps } from './deps.ts';
import { versionData } from './versions.ts';

/** Task statuses in which the content cannot change: a job is writing or publishing it. */
export const LOCKED: TaskStatus[] = ['writing', 'publishing'];

export function locked(task: { id: string; status: TaskStatus }, doing: string): never {
  throw new AppError(
    'CONFLICT',
    `Task ${task.id} is ${task.status === 'writing' ? 'being written' : 'being published'} right now, so its content cannot be ${doing}: wait for the job to finish.`,
    { taskId: task.id, status: task.status },
  );
}

/** Review of written content by hand: edits, restores and approval. */
export function createContentsEdit({ data }: Pick<WriterServiceDeps, 'data'>) {
  const { findContent, findVersion, view } = contentLookup(data);

  /** Adds a version made by a person (edit or restore); 409 when someone else added one since `baseVersion`. */
  async function addByHand(auth: AuthContext, contentId: string, version: NewVersion, baseVersion?: number) {
    try {
      await data.transaction((tx) =>
        tx.contents.addVersion(contentId, { ...version, createdById: auth.userId }, { expectedCurrent: baseVersion }),
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
      await data.transaction(async (tx) => {
        // Only if nothing changed meanwhile: a version added since, or a job that took the task, wins.
        const approved = await tx.contents.approveIfCurrent(content.id, number, auth.userId ?? null);
        const moved = await tx.tasks.approveUnlessIn(task.id, LOCKED);
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
