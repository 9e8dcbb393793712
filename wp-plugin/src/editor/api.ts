/**
 * The IGNY8 routes the editor sidebar calls, through the plugin's forwarding route (src/api/client.ts): `siteId`
 * is always this site (`current`, filled in by the plugin). Paid runs carry an Idempotency-Key; the featured image
 * goes into the media library through the plugin's own igny8/v1/editor-images route.
 */
import apiFetch from '@wordpress/api-fetch';
import { CURRENT_SITE, igny8Api, toApiError } from '../api/client';
import { REST_NAMESPACE } from '../api/connection';
import { fetchJob, fetchTaskContent, postGenerate } from '../store/writer/api';
import type { WriterTask } from '../store/writer/types';
import type { RewriteApi, RewriteBody } from './block-tools';
import type { DraftApi, Estimate, Sector, TaskBody } from './draft';
import type { Attachment, ImageAccepted, ImageApi, ImageBody } from './featured-image';
import type { EditorJob, RunAccepted } from './job';

export const fetchSectors = () => igny8Api<Sector[]>(`sites/${CURRENT_SITE}/sectors`);

export const postEstimate = (body: TaskBody, signal?: AbortSignal) =>
  igny8Api<Estimate>('writer/estimate', { method: 'POST', body, ...(signal ? { signal } : {}) });

export const postTask = (body: TaskBody) => igny8Api<WriterTask>('writer/tasks', { method: 'POST', body });

const wait = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** What writeDraft calls, over the network. */
export const draftApi: DraftApi = {
  createTask: postTask,
  generate: (taskId) => postGenerate(taskId, false),
  job: fetchJob,
  content: fetchTaskContent,
  wait,
};

/** Starts paid work with an Idempotency-Key (the same key and body answer the run already started). */
const postPaid = <T>(path: string, body: unknown, idempotencyKey: string): Promise<T> =>
  igny8Api<T>(path, { method: 'POST', body, idempotencyKey });

const fetchEditorJob = (jobId: string) => fetchJob(jobId) as Promise<EditorJob>;

export const postBlockEstimate = (body: RewriteBody, signal?: AbortSignal) =>
  igny8Api<Estimate>('writer/blocks/estimate', { method: 'POST', body, ...(signal ? { signal } : {}) });

export const postImageEstimate = (body: ImageBody, signal?: AbortSignal) =>
  igny8Api<Estimate>('writer/editor-images/estimate', { method: 'POST', body, ...(signal ? { signal } : {}) });

/** Adds a made editor image to the media library, attached to the post (the same attachment when asked again). */
export const postAttachment = async (editorImageId: string, postId: number): Promise<Attachment> => {
  try {
    return await apiFetch<Attachment>({
      path: `/${REST_NAMESPACE}/editor-images/${encodeURIComponent(editorImageId)}/attachment`,
      method: 'POST',
      data: { postId },
    });
  } catch (thrown) {
    throw toApiError(thrown);
  }
};

/** What rewriteBlock calls, over the network. */
export const rewriteApi: RewriteApi = {
  start: (body, key) => postPaid<RunAccepted>('writer/blocks/rewrite', body, key),
  job: fetchEditorJob,
  wait,
};

/** What makeFeaturedImage calls, over the network. */
export const imageApi: ImageApi = {
  start: (body, key) => postPaid<ImageAccepted>('writer/editor-images', body, key),
  job: fetchEditorJob,
  wait,
  attach: postAttachment,
};
