import type { TContent, TContentDiff } from '@igny8/shared';
import { diffWords, type ChangeObject } from 'diff';
import { AppError, errors } from '../../errors.ts';
import type { ContentVersion } from '../../generated/prisma/client.ts';
import type { AuthContext } from '../auth/credentials.ts';
import type { StoredSection } from './article.ts';
import type { FaqItem } from './content/seo.ts';
import { countTextWords, textOf } from './content/words.ts';
import type { WriterDataAccess } from './data/index.ts';
import type { WriterServiceDeps } from './deps.ts';
import { versionMetaView, versionView, writerTaskView } from './versions.ts';

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

/** Finding a content and its versions, and the content's view: shared by the reading, editing and rewriting parts. */
export function contentLookup(data: WriterDataAccess) {
  async function findContent(auth: AuthContext, contentId: string) {
    const content = await data.contents.find(auth.accountId, contentId);
    if (!content) throw errors.notFound('Content', contentId);
    return content;
  }

  async function findVersion(contentId: string, number: number): Promise<ContentVersion> {
    const version = await data.contents.findVersion(contentId, number);
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

  return { findContent, findVersion, view };
}

/** Reading written content: the current version, the history, one version, and what changed between two. */
export function createContentsRead({ data }: Pick<WriterServiceDeps, 'data'>) {
  const { findContent, findVersion, view } = contentLookup(data);

  return {
    get: view,

    async forTask(auth: AuthContext, taskId: string) {
      const content = await data.contents.findIdOfTask(auth.accountId, taskId);
      if (!content) {
        const task = await data.tasks.findBare(auth.accountId, taskId);
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
      const rows = await data.contents.listVersions(content.id);
      return rows.map(versionMetaView);
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
  };
}
