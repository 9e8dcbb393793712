/**
 * "Write a draft" in the editor sidebar, without React: the task body from the sidebar's fields, what is missing
 * before an estimate can be asked, and writeDraft (create a hand task, write it, follow the job, load what was
 * written). The sidebar inserts the version's blocks into the post.
 */
import type {
  TContent,
  TCreateWriterTaskRequest,
  TWriterEstimateRequest,
  TWriterJobAccepted,
  TWriterTask,
  WRITER_LIMITS,
} from '@igny8/shared';
import { __, sprintf } from '@wordpress/i18n';
import { CURRENT_SITE } from '../api/client';
import type { JobPolling } from '../store/operations';
import { followRun, type RunProgress } from './job';

/** What the person typed. */
export interface DraftFields {
  keyword: string;
  /** Empty: made from the keyword. */
  title: string;
  /** Target length in words, as typed. */
  words: string;
}

/** The server's bounds (shared/src/writer.ts). */
export const DRAFT_LIMITS = {
  titleMin: 5,
  titleMax: 200 satisfies (typeof WRITER_LIMITS)['title'],
  keywordMax: 200,
  wordsMin: 300,
  wordsMax: 6000,
} as const;
export const DEFAULT_WORDS = 1500;

/** The SEO limits the counters show (shared WRITER_LIMITS). */
export const SEO_LIMITS = {
  title: 60 satisfies (typeof WRITER_LIMITS)['seoTitle'],
  description: 160 satisfies (typeof WRITER_LIMITS)['metaDescription'],
} as const;

/** "trail running shoes" -> "Trail running shoes". */
export const titleFromKeyword = (keyword: string): string => {
  const trimmed = keyword.trim().replace(/\s+/g, ' ');
  return trimmed.charAt(0).toUpperCase() + trimmed.slice(1);
};

/** The target length typed, or the default when the field is empty. */
export const targetWords = (words: string): number => (words.trim() === '' ? DEFAULT_WORDS : Number(words.trim()));

/** Why the fields cannot be sent yet, in the sidebar's words; null when they can. */
export const draftProblem = (fields: DraftFields): string | null => {
  const keyword = fields.keyword.trim();
  if (keyword === '') {
    return __('Type a keyword or an idea to write about.', 'igny8');
  }
  if (keyword.length > DRAFT_LIMITS.keywordMax) {
    /* translators: %d: maximum number of characters */
    return sprintf(__('The keyword is too long: keep it under %d characters.', 'igny8'), DRAFT_LIMITS.keywordMax);
  }
  const title = fields.title.trim() || titleFromKeyword(keyword);
  if (title.length < DRAFT_LIMITS.titleMin) {
    /* translators: %d: minimum number of characters */
    return sprintf(__('Add a title of at least %d characters.', 'igny8'), DRAFT_LIMITS.titleMin);
  }
  if (title.length > DRAFT_LIMITS.titleMax) {
    /* translators: %d: maximum number of characters */
    return sprintf(__('The title is too long: keep it under %d characters.', 'igny8'), DRAFT_LIMITS.titleMax);
  }
  const words = targetWords(fields.words);
  if (!Number.isInteger(words) || words < DRAFT_LIMITS.wordsMin || words > DRAFT_LIMITS.wordsMax) {
    return sprintf(
      /* translators: 1: minimum words, 2: maximum words */
      __('The length must be a whole number of words from %1$d to %2$d.', 'igny8'),
      DRAFT_LIMITS.wordsMin,
      DRAFT_LIMITS.wordsMax,
    );
  }
  return null;
};

/**
 * The task for this site (`current`), the body of `writer/tasks`; without a sector, the body of `writer/estimate`,
 * which does not need one.
 */
export function taskBody(fields: DraftFields): TWriterEstimateRequest;
export function taskBody(fields: DraftFields, sectorId: string): TCreateWriterTaskRequest;
export function taskBody(fields: DraftFields, sectorId?: string): TWriterEstimateRequest {
  return {
    siteId: CURRENT_SITE,
    ...(sectorId ? { sectorId } : {}),
    title: fields.title.trim() || titleFromKeyword(fields.keyword),
    primaryKeyword: fields.keyword.trim(),
    targetWordCount: targetWords(fields.words),
    // The featured image is made on its own (the sidebar's Featured image panel), not by the task.
    imageCount: 0,
  };
}

/** "42 / 60", and whether the text is over its limit. */
export const counter = (text: string, limit: number): { label: string; over: boolean } => ({
  label: `${text.length} / ${limit}`,
  over: text.length > limit,
});

/** The network calls writeDraft makes (the writer store's, wired in write-draft-panel.tsx), replaceable in tests. */
export interface DraftApi extends JobPolling {
  createTask: (body: TCreateWriterTaskRequest) => Promise<TWriterTask>;
  generate: (taskId: string) => Promise<TWriterJobAccepted>;
  content: (taskId: string) => Promise<TContent>;
}

/**
 * Creates the task, writes it (credits are held when it starts), reports the job's progress on every poll and
 * answers the content written. A refusal (402 credits, 404...) is thrown as the server worded it.
 */
export async function writeDraft(
  api: DraftApi,
  body: TCreateWriterTaskRequest,
  onProgress: (progress: RunProgress) => void,
): Promise<TContent> {
  onProgress({ progress: 0, step: null, heldCredits: null });
  const task = await api.createTask(body);
  const started = await api.generate(task.id);
  await followRun(api, started, onProgress, {
    failed: __('Writing the draft failed.', 'igny8'),
    cancelled: __('Writing the draft was cancelled.', 'igny8'),
  });
  return api.content(task.id);
}
