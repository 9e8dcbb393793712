import { diffKey, taskKey } from './keys';
import type {
  TContent,
  TContentDiff,
  TContentImage,
  TContentVersionMeta,
  TJobRun,
  TPage,
  TPublication,
  TWriterTask,
} from '@igny8/shared';
import type { JobKind, TaskQuery, WriterError, WriterOperation, WriterState } from './types';

/** One page of the site's tasks; `undefined` until loaded (the resolver fetches it). */
export const getTasks = (state: WriterState, query: TaskQuery): TPage<TWriterTask> | undefined =>
  state.tasks[taskKey(query)];

/** A task; `undefined` until loaded. */
export const getTask = (state: WriterState, taskId: string): TWriterTask | undefined => state.tasksById[taskId];

/** A task's content (current version whole); `undefined` until loaded. */
export const getContent = (state: WriterState, taskId: string): TContent | undefined => state.contents[taskId];

/** A content's versions, newest first; `undefined` until loaded. */
export const getVersions = (state: WriterState, contentId: string): TContentVersionMeta[] | undefined =>
  state.versions[contentId];

/** What changed between two versions; `undefined` until loaded. */
export const getDiff = (state: WriterState, contentId: string, from: number, to: number): TContentDiff | undefined =>
  state.diffs[diffKey(contentId, from, to)];

/** A content's images, featured first; `undefined` until loaded. */
export const getImages = (state: WriterState, contentId: string): TContentImage[] | undefined =>
  state.images[contentId];

/** A content's publication; `null` when never published, `undefined` until loaded. */
export const getPublication = (state: WriterState, contentId: string): TPublication | null | undefined =>
  state.publications[contentId];

/** A job as last polled. */
export const getJob = (state: WriterState, jobId: string): TJobRun | undefined => state.jobs[jobId];

/** The job running for a task (writing, images, a section or publishing), with its last polled state. */
export const getActiveJob = (
  state: WriterState,
  taskId: string,
): { jobId: string; kind: JobKind; heldCredits?: number | undefined; job: TJobRun | undefined } | undefined => {
  const active = state.activeJobs[taskId];
  return active ? { ...active, job: state.jobs[active.jobId] } : undefined;
};

export const isPending = (state: WriterState, operation: WriterOperation): boolean => state.pending.includes(operation);

export const getError = (state: WriterState): WriterError | null => state.error;
