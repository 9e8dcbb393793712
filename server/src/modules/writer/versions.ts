import type { TContentVersion, TWriterTask } from '@igny8/shared';
import type { Content, ContentVersion, Prisma, Task } from '../../generated/prisma/client.ts';
import type { StoredSection, VersionFields } from './article.ts';
import type { FaqItem } from './content/seo.ts';

/** What a task view needs of its content: the content row and its newest (= current) version's numbers. */
export const withContentSummary = {
  content: {
    include: {
      versions: { orderBy: { number: 'desc' }, take: 1, select: { wordCount: true, languageMatches: true } },
    },
  },
} as const satisfies Prisma.TaskInclude;

type TaskWithSummary = Task & {
  content: (Content & { versions: { wordCount: number; languageMatches: boolean }[] }) | null;
};

type Outline = { level: 'h2' | 'h3'; heading: string }[];

export function writerTaskView(task: TaskWithSummary): TWriterTask {
  const content = task.content;
  const current = content?.versions[0];
  return {
    id: task.id,
    siteId: task.siteId,
    sectorId: task.sectorId,
    ideaId: task.ideaId,
    clusterId: task.clusterId,
    title: task.title,
    primaryKeyword: task.primaryKeyword,
    secondaryKeywords: task.secondaryKeywords,
    outline: task.outline as Outline,
    contentType: task.contentType,
    targetWordCount: task.targetWordCount,
    language: task.language,
    voice: task.voice,
    imageCount: task.imageCount,
    includeFaq: task.includeFaq,
    status: task.status,
    failureReason: task.failureReason,
    lastJobId: task.lastJobRunId,
    content:
      content && current
        ? {
            id: content.id,
            currentVersion: content.currentVersion,
            approvedVersion: content.approvedVersion,
            wordCount: current.wordCount,
            languageMatches: current.languageMatches,
            demo: content.demo,
          }
        : null,
    createdAt: task.createdAt.toISOString(),
    updatedAt: task.updatedAt.toISOString(),
  };
}

export function versionView(v: ContentVersion): TContentVersion {
  return {
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
    seoTitle: v.seoTitle,
    metaDescription: v.metaDescription,
    slug: v.slug,
    excerpt: v.excerpt,
    sections: v.sections as unknown as StoredSection[],
    faq: v.faq as unknown as FaqItem[],
    body: v.body,
  };
}

/** The version fields as stored (sections and FAQ as JSON). */
export function versionData(fields: VersionFields) {
  return {
    title: fields.title,
    seoTitle: fields.seoTitle,
    metaDescription: fields.metaDescription,
    slug: fields.slug,
    excerpt: fields.excerpt,
    sections: fields.sections as unknown as Prisma.InputJsonValue,
    faq: fields.faq as unknown as Prisma.InputJsonValue,
    body: fields.body,
    wordCount: fields.wordCount,
    detectedLanguage: fields.detectedLanguage,
    languageMatches: fields.languageMatches,
  };
}

/**
 * Adds the next version of a content inside `tx` and makes it current. The content row is locked first, so two
 * writers never take the same number. Any new version ends an approval: the content is no longer approved and an
 * approved task goes back to review (a published one keeps its status: the publisher republishes once approved).
 */
export async function addVersion(
  tx: Prisma.TransactionClient,
  contentId: string,
  data: ReturnType<typeof versionData> & {
    source: ContentVersion['source'];
    jobRunId?: string | null;
    createdById?: string | null;
    note?: string | null;
  },
  options: { expectedCurrent?: number } = {},
): Promise<ContentVersion> {
  const [locked] = await tx.$queryRaw<{ currentVersion: number; taskId: string }[]>`
    SELECT "currentVersion", "taskId" FROM "Content" WHERE id = ${contentId}::uuid FOR UPDATE`;
  if (!locked) throw new Error(`Content ${contentId} vanished`);
  if (options.expectedCurrent !== undefined && locked.currentVersion !== options.expectedCurrent) {
    throw new StaleVersionError(options.expectedCurrent, locked.currentVersion);
  }
  const number = locked.currentVersion + 1;
  const version = await tx.contentVersion.create({ data: { contentId, number, ...data } });
  await tx.content.update({
    where: { id: contentId },
    data: { currentVersion: number, approvedVersion: null, approvedAt: null, approvedById: null },
  });
  await tx.task.updateMany({ where: { id: locked.taskId, status: 'approved' }, data: { status: 'review' } });
  return version;
}

export class StaleVersionError extends Error {
  constructor(
    readonly expected: number,
    readonly current: number,
  ) {
    super(`Version ${expected} is no longer the current one: version ${current} is.`);
  }
}
