import type { AuthContext } from '../auth/credentials.ts';
import { errors } from '../../errors.ts';
import { outlineStrings, type StoredSection } from './article.ts';
import { countWords } from './content/words.ts';
import { contentLookup } from './contents-read.ts';
import { LOCKED, locked } from './contents-edit.ts';
import { regenerateSectionJob, type TRegenerateSectionPayload } from './contracts.ts';
import type { WriterServiceDeps } from './deps.ts';

/** Rewriting written content with AI (paid jobs). */
export function createContentsRun({ data, runs }: Pick<WriterServiceDeps, 'data' | 'runs'>) {
  const { findContent, findVersion } = contentLookup(data);

  return {
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
        type: regenerateSectionJob.type,
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
      await data.tasks.setLastJob(task.id, started.run.id);
      return started;
    },
  };
}
