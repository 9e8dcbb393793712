/**
 * The writer store's own shapes. What the Writer and Publisher API send and take is the server's contract,
 * imported as types from @igny8/shared (`import type` only: nothing of it is bundled).
 */
import type {
  TContent,
  TContentDiff,
  TContentImage,
  TContentVersionMeta,
  TJobRun,
  TPage,
  TPublication,
  TWriterTask,
  TWriterTasksQuery,
} from '@igny8/shared';
import type { OperationAction, OperationError } from '../operations';

/** What "Make this image again" sends: empty strings keep the current prompt and the default look. */
export interface ImageChange {
  prompt: string;
  style: string;
}

/** What the plugin's igny8/v1/editor-images/{id}/attachment route answers (includes/Rest/EditorImageController.php). */
export interface EditorAttachment {
  attachmentId: number;
  url: string;
  altText: string;
  /** False when the image was already in the media library (a second call answers the same attachment). */
  created: boolean;
}

/** One page of the task list: its filter and cursor (the site is always this one). */
export type TaskQuery = Partial<Pick<TWriterTasksQuery, 'status' | 'cursor'>>;

/** Requests that change something; one of each may run at a time. */
export type WriterOperation =
  'load' | 'write' | 'images' | 'edit' | 'section' | 'restore' | 'approve' | 'publish' | 'alt';

/** What a job the screen follows is doing, for its progress bar. */
export type JobKind = 'write' | 'images' | 'section' | 'publish';

/** A failed request, in the words of the server or the plugin. */
export type WriterError = OperationError<WriterOperation>;

export interface WriterState {
  /** Task pages by their query (JSON). */
  tasks: Record<string, TPage<TWriterTask>>;
  /** Tasks by id, as last read (from a page, the task route or its content). */
  tasksById: Record<string, TWriterTask>;
  /** Contents by task id. */
  contents: Record<string, TContent>;
  /** Version lists by content id, newest first. */
  versions: Record<string, TContentVersionMeta[]>;
  /** Diffs by `contentId:from:to`. */
  diffs: Record<string, TContentDiff>;
  /** Images by content id. */
  images: Record<string, TContentImage[]>;
  /** Publications by content id; null when never published. */
  publications: Record<string, TPublication | null>;
  jobs: Record<string, TJobRun>;
  /** The job each task is being followed by, and what it does. */
  activeJobs: Record<string, { jobId: string; kind: JobKind; heldCredits?: number | undefined }>;
  pending: WriterOperation[];
  error: WriterError | null;
}

export type WriterAction =
  | { type: 'RECEIVE_TASKS'; key: string; page: TPage<TWriterTask> }
  | { type: 'RECEIVE_TASK'; task: TWriterTask }
  | { type: 'RECEIVE_CONTENT'; content: TContent }
  | { type: 'RECEIVE_VERSIONS'; contentId: string; versions: TContentVersionMeta[] }
  | { type: 'RECEIVE_DIFF'; key: string; diff: TContentDiff }
  | { type: 'RECEIVE_IMAGES'; contentId: string; images: TContentImage[] }
  | { type: 'RECEIVE_IMAGE'; image: TContentImage }
  | { type: 'RECEIVE_PUBLICATION'; contentId: string; publication: TPublication | null }
  | { type: 'RECEIVE_JOB'; job: TJobRun }
  | { type: 'FOLLOW_JOB'; taskId: string; jobId: string; kind: JobKind; heldCredits?: number | undefined }
  | { type: 'END_JOB'; taskId: string }
  | OperationAction<WriterOperation>;

/** The part of @wordpress/data's thunk arguments these thunks use. */
export interface WriterThunkArgs {
  dispatch: ((action: WriterAction) => unknown) & {
    invalidateResolutionForStoreSelector: (selector: string) => unknown;
  };
}
