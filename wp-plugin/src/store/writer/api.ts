/**
 * The writer and publisher routes the Writer screen and the block editor's sidebar call, through the plugin's
 * forwarding route (src/api/client.ts): `siteId` is always this site (`current`, filled in by the plugin). Paid runs
 * of the sidebar carry an Idempotency-Key; its featured image goes into the media library through the plugin's own
 * igny8/v1/editor-images route.
 */
import apiFetch from '@wordpress/api-fetch';
import { CURRENT_SITE, igny8Api, toApiError } from '../../api/client';
import { REST_NAMESPACE } from '../../api/connection';
import { TASKS_PAGE_SIZE } from './constants';
import type {
  TContent,
  TContentDiff,
  TContentImage,
  TContentVersionMeta,
  TBlockRewriteBody,
  TCreateWriterTaskRequest,
  TEditContentBody,
  TEditorImageAccepted,
  TEditorImageBody,
  TImagesJobAccepted,
  TPage,
  TPublication,
  TPublishAccepted,
  TPublishBody,
  TWriterEstimate,
  TWriterEstimateRequest,
  TWriterJobAccepted,
  TWriterTask,
} from '@igny8/shared';
import type { EditorAttachment, ImageChange, TaskQuery } from './types';

export const fetchTasks = (query: TaskQuery) =>
  igny8Api<TPage<TWriterTask>>('writer/tasks', {
    query: { siteId: CURRENT_SITE, limit: TASKS_PAGE_SIZE, status: query.status, cursor: query.cursor },
  });

export const fetchTask = (taskId: string) => igny8Api<TWriterTask>(`writer/tasks/${taskId}`);

export const fetchTaskContent = (taskId: string) => igny8Api<TContent>(`writer/tasks/${taskId}/content`);

export const fetchVersions = (contentId: string) =>
  igny8Api<TContentVersionMeta[]>(`writer/contents/${contentId}/versions`);

export const fetchDiff = (contentId: string, from: number, to: number) =>
  igny8Api<TContentDiff>(`writer/contents/${contentId}/diff`, { query: { from, to } });

export const fetchImages = (contentId: string) => igny8Api<TContentImage[]>(`writer/contents/${contentId}/images`);

export const fetchPublication = (contentId: string) =>
  igny8Api<TPublication>(`publisher/contents/${contentId}/publication`);

// Writes carry a JSON body, even an empty one: a POST forwarded without one is refused by the server (415).
export const postGenerate = (taskId: string, regenerate: boolean) =>
  igny8Api<TWriterJobAccepted>(`writer/tasks/${taskId}/generate`, { method: 'POST', body: { regenerate } });

/** `style`: the look of every image ("watercolour illustration"); empty: the server's default. */
export const postGenerateImages = (contentId: string, style = '') =>
  igny8Api<TImagesJobAccepted>(`writer/contents/${contentId}/images/generate`, {
    method: 'POST',
    body: style.trim() === '' ? {} : { style: style.trim() },
  });

/** Makes one image again, from a new prompt and style when given (empty: the current prompt, the default look). */
export const postRegenerateImage = (imageId: string, change: ImageChange) =>
  igny8Api<TImagesJobAccepted>(`writer/images/${imageId}/regenerate`, {
    method: 'POST',
    body: {
      ...(change.prompt.trim() === '' ? {} : { prompt: change.prompt.trim() }),
      ...(change.style.trim() === '' ? {} : { style: change.style.trim() }),
    },
  });

/** Makes an earlier version current again, as a new version (history is kept). */
export const postRestore = (contentId: string, version: number) =>
  igny8Api<TContent>(`writer/contents/${contentId}/restore`, { method: 'POST', body: { version } });

export const patchContent = (contentId: string, body: TEditContentBody) =>
  igny8Api<TContent>(`writer/contents/${contentId}`, { method: 'PATCH', body });

export const postRegenerateSection = (contentId: string, index: number) =>
  igny8Api<TWriterJobAccepted>(`writer/contents/${contentId}/sections/${index}/regenerate`, {
    method: 'POST',
    body: {},
  });

export const postApprove = (contentId: string, version: number, acceptLanguageMismatch: boolean) =>
  igny8Api<TContent>(`writer/contents/${contentId}/approve`, {
    method: 'POST',
    body: { version, acceptLanguageMismatch },
  });

export const postPublish = (contentId: string, body: TPublishBody) =>
  igny8Api<TPublishAccepted>(`publisher/contents/${contentId}/publish`, { method: 'POST', body });

export const patchImage = (imageId: string, altText: string) =>
  igny8Api<TContentImage>(`writer/images/${imageId}`, { method: 'PATCH', body: { altText } });

// The block editor's sidebar: a hand task written as a draft, one block rewritten, a featured image made.

export const postEstimate = (body: TWriterEstimateRequest, signal?: AbortSignal) =>
  igny8Api<TWriterEstimate>('writer/estimate', { method: 'POST', body, ...(signal ? { signal } : {}) });

export const postTask = (body: TCreateWriterTaskRequest) =>
  igny8Api<TWriterTask>('writer/tasks', { method: 'POST', body });

export const postBlockEstimate = (body: TBlockRewriteBody, signal?: AbortSignal) =>
  igny8Api<TWriterEstimate>('writer/blocks/estimate', { method: 'POST', body, ...(signal ? { signal } : {}) });

export const postImageEstimate = (body: TEditorImageBody, signal?: AbortSignal) =>
  igny8Api<TWriterEstimate>('writer/editor-images/estimate', { method: 'POST', body, ...(signal ? { signal } : {}) });

/** Starts a paid rewrite with an Idempotency-Key (the same key and body answer the run already started). */
export const postBlockRewrite = (body: TBlockRewriteBody, idempotencyKey: string) =>
  igny8Api<TWriterJobAccepted>('writer/blocks/rewrite', { method: 'POST', body, idempotencyKey });

/** Starts a paid featured image with an Idempotency-Key, like postBlockRewrite. */
export const postEditorImage = (body: TEditorImageBody, idempotencyKey: string) =>
  igny8Api<TEditorImageAccepted>('writer/editor-images', { method: 'POST', body, idempotencyKey });

/** Adds a made editor image to the media library, attached to the post (the same attachment when asked again). */
export const postAttachment = async (editorImageId: string, postId: number): Promise<EditorAttachment> => {
  try {
    return await apiFetch<EditorAttachment>({
      path: `/${REST_NAMESPACE}/editor-images/${encodeURIComponent(editorImageId)}/attachment`,
      method: 'POST',
      data: { postId },
    });
  } catch (thrown) {
    throw toApiError(thrown);
  }
};
