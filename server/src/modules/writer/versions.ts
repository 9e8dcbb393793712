import type { TContentVersion, TContentVersionMeta, TWriterTask } from '@igny8/shared';
import type { Content, ContentVersion, Prisma, Task } from '../../generated/prisma/client.ts';
import type { StoredSection, VersionFields } from './article.ts';
import type { FaqItem } from './content/seo.ts';

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

/** What a version list shows of each version (no body, sections or SEO fields). */
export function versionMetaView(v: Omit<ContentVersion, 'body' | 'sections' | 'faq'>): TContentVersionMeta {
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
  };
}

export function versionView(v: ContentVersion): TContentVersion {
  return {
    ...versionMetaView(v),
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
