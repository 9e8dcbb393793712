/**
 * The Writer and Publisher API's shapes as the Writer screen uses them (server contract: shared/src/writer.ts,
 * writer-images.ts, publisher.ts, jobs.ts). Written out here rather than imported from @igny8/shared, whose zod
 * schemas would otherwise be bundled into the screen.
 */
import type { OperationAction, OperationError } from '../operations';

export type TaskStatus =
  'queued' | 'writing' | 'written' | 'review' | 'approved' | 'publishing' | 'published' | 'failed';
export type JobStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';
export type PublishStatus = 'draft' | 'publish' | 'future';
export type PublicationStatus = 'publishing' | 'draft' | 'scheduled' | 'published' | 'unpublished' | 'failed';

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface ContentSummary {
  id: string;
  currentVersion: number;
  approvedVersion: number | null;
  wordCount: number;
  languageMatches: boolean;
  demo: boolean;
}

export interface WriterTask {
  id: string;
  siteId: string;
  sectorId: string;
  title: string;
  primaryKeyword: string;
  targetWordCount: number;
  language: string | null;
  imageCount: number;
  status: TaskStatus;
  failureReason: string | null;
  lastJobId: string | null;
  content: ContentSummary | null;
  createdAt: string;
  updatedAt: string;
}

export interface Section {
  level: 'h2' | 'h3';
  heading: string;
  html: string;
}

export interface ContentVersionMeta {
  number: number;
  source: 'generated' | 'edited' | 'section_regenerated' | 'restored';
  title: string;
  wordCount: number;
  detectedLanguage: string | null;
  languageMatches: boolean;
  note: string | null;
  createdAt: string;
}

export interface ContentVersion extends ContentVersionMeta {
  seoTitle: string;
  metaDescription: string;
  slug: string;
  excerpt: string;
  sections: Section[];
  /** WordPress block markup, sanitized by the server. */
  body: string;
}

export interface Content {
  id: string;
  taskId: string;
  siteId: string;
  language: string;
  demo: boolean;
  currentVersion: number;
  approvedVersion: number | null;
  approvedAt: string | null;
  approved: boolean;
  version: ContentVersion;
  task: WriterTask;
}

export interface DiffPart {
  value: string;
  added: boolean;
  removed: boolean;
}

export interface FieldDiff {
  field: string;
  changed: boolean;
  parts: DiffPart[];
}

export interface ContentDiff {
  from: number;
  to: number;
  fields: FieldDiff[];
  sections: {
    index: number;
    status: 'unchanged' | 'changed' | 'added' | 'removed';
    heading: FieldDiff;
    text: FieldDiff;
  }[];
  wordsAdded: number;
  wordsRemoved: number;
}

export interface ContentImage {
  id: string;
  contentId: string;
  role: 'featured' | 'inline';
  position: number;
  prompt: string;
  altText: string;
  title: string;
  status: 'pending' | 'generated' | 'failed';
  width: number | null;
  height: number | null;
  error: string | null;
  updatedAt: string;
}

/** What "Make this image again" sends: empty strings keep the current prompt and the default look. */
export interface ImageChange {
  prompt: string;
  style: string;
}

export interface Publication {
  id: string;
  contentId: string;
  status: PublicationStatus;
  requestedStatus: PublishStatus;
  scheduledAt: string | null;
  postId: number | null;
  wpStatus: string | null;
  url: string | null;
  publishedVersion: number | null;
  lastError: string | null;
  jobId: string | null;
  publishedAt: string | null;
}

export interface JobRun {
  id: string;
  type: string;
  status: JobStatus;
  /** 0-100. */
  progress: number;
  currentStep: string | null;
  error: { code: string; message: string } | null;
}

/** What starting paid work answers (202). */
export interface JobAccepted {
  jobId: string;
  status: string;
  heldCredits: number;
  model: string;
}

export interface PublishAccepted {
  jobId: string;
  status: string;
  publication: Publication;
}

export interface EditContentBody {
  baseVersion: number;
  title?: string;
  seoTitle?: string;
  metaDescription?: string;
  excerpt?: string;
  sections?: { index: number; html?: string }[];
}

export interface PublishBody {
  status: PublishStatus;
  scheduledAt?: string;
  categories: string[];
  tags: string[];
}

export interface TaskQuery {
  status?: TaskStatus | undefined;
  cursor?: string | undefined;
}

/** Requests that change something; one of each may run at a time. */
export type WriterOperation =
  'load' | 'write' | 'images' | 'edit' | 'section' | 'restore' | 'approve' | 'publish' | 'alt';

/** What a job the screen follows is doing, for its progress bar. */
export type JobKind = 'write' | 'images' | 'section' | 'publish';

/** A failed request, in the words of the server or the plugin. */
export type WriterError = OperationError<WriterOperation>;

export interface WriterState {
  /** Task pages by their query (JSON). */
  tasks: Record<string, Page<WriterTask>>;
  /** Tasks by id, as last read (from a page, the task route or its content). */
  tasksById: Record<string, WriterTask>;
  /** Contents by task id. */
  contents: Record<string, Content>;
  /** Version lists by content id, newest first. */
  versions: Record<string, ContentVersionMeta[]>;
  /** Diffs by `contentId:from:to`. */
  diffs: Record<string, ContentDiff>;
  /** Images by content id. */
  images: Record<string, ContentImage[]>;
  /** Publications by content id; null when never published. */
  publications: Record<string, Publication | null>;
  jobs: Record<string, JobRun>;
  /** The job each task is being followed by, and what it does. */
  activeJobs: Record<string, { jobId: string; kind: JobKind; heldCredits?: number | undefined }>;
  pending: WriterOperation[];
  error: WriterError | null;
}

export type WriterAction =
  | { type: 'RECEIVE_TASKS'; key: string; page: Page<WriterTask> }
  | { type: 'RECEIVE_TASK'; task: WriterTask }
  | { type: 'RECEIVE_CONTENT'; content: Content }
  | { type: 'RECEIVE_VERSIONS'; contentId: string; versions: ContentVersionMeta[] }
  | { type: 'RECEIVE_DIFF'; key: string; diff: ContentDiff }
  | { type: 'RECEIVE_IMAGES'; contentId: string; images: ContentImage[] }
  | { type: 'RECEIVE_IMAGE'; image: ContentImage }
  | { type: 'RECEIVE_PUBLICATION'; contentId: string; publication: Publication | null }
  | { type: 'RECEIVE_JOB'; job: JobRun }
  | { type: 'FOLLOW_JOB'; taskId: string; jobId: string; kind: JobKind; heldCredits?: number | undefined }
  | { type: 'END_JOB'; taskId: string }
  | OperationAction<WriterOperation>;

/** The part of @wordpress/data's thunk arguments these thunks use. */
export interface WriterThunkArgs {
  dispatch: ((action: WriterAction) => unknown) & {
    invalidateResolutionForStoreSelector: (selector: string) => unknown;
  };
}
