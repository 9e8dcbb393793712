/**
 * The writer and publisher routes the Writer screen calls, through the plugin's forwarding route
 * (src/api/client.ts): `siteId` is always this site (`current`, filled in by the plugin).
 */
import { CURRENT_SITE, igny8Api } from '../../api/client';
import { TASKS_PAGE_SIZE } from './constants';
import type {
  Content,
  ContentDiff,
  ContentImage,
  ContentVersionMeta,
  EditContentBody,
  ImageChange,
  JobAccepted,
  JobRun,
  Page,
  Publication,
  PublishAccepted,
  PublishBody,
  TaskQuery,
  WriterTask,
} from './types';

export const fetchTasks = (query: TaskQuery) =>
  igny8Api<Page<WriterTask>>('writer/tasks', {
    query: { siteId: CURRENT_SITE, limit: TASKS_PAGE_SIZE, status: query.status, cursor: query.cursor },
  });

export const fetchTask = (taskId: string) => igny8Api<WriterTask>(`writer/tasks/${taskId}`);

export const fetchTaskContent = (taskId: string) => igny8Api<Content>(`writer/tasks/${taskId}/content`);

export const fetchVersions = (contentId: string) =>
  igny8Api<ContentVersionMeta[]>(`writer/contents/${contentId}/versions`);

export const fetchDiff = (contentId: string, from: number, to: number) =>
  igny8Api<ContentDiff>(`writer/contents/${contentId}/diff`, { query: { from, to } });

export const fetchImages = (contentId: string) => igny8Api<ContentImage[]>(`writer/contents/${contentId}/images`);

export const fetchPublication = (contentId: string) =>
  igny8Api<Publication>(`publisher/contents/${contentId}/publication`);

export const fetchJob = (jobId: string) => igny8Api<JobRun>(`jobs/${encodeURIComponent(jobId)}`);

// Writes carry a JSON body, even an empty one: a POST forwarded without one is refused by the server (415).
export const postGenerate = (taskId: string, regenerate: boolean) =>
  igny8Api<JobAccepted>(`writer/tasks/${taskId}/generate`, { method: 'POST', body: { regenerate } });

/** `style`: the look of every image ("watercolour illustration"); empty: the server's default. */
export const postGenerateImages = (contentId: string, style = '') =>
  igny8Api<JobAccepted>(`writer/contents/${contentId}/images/generate`, {
    method: 'POST',
    body: style.trim() === '' ? {} : { style: style.trim() },
  });

/** Makes one image again, from a new prompt and style when given (empty: the current prompt, the default look). */
export const postRegenerateImage = (imageId: string, change: ImageChange) =>
  igny8Api<JobAccepted>(`writer/images/${imageId}/regenerate`, {
    method: 'POST',
    body: {
      ...(change.prompt.trim() === '' ? {} : { prompt: change.prompt.trim() }),
      ...(change.style.trim() === '' ? {} : { style: change.style.trim() }),
    },
  });

/** Makes an earlier version current again, as a new version (history is kept). */
export const postRestore = (contentId: string, version: number) =>
  igny8Api<Content>(`writer/contents/${contentId}/restore`, { method: 'POST', body: { version } });

export const patchContent = (contentId: string, body: EditContentBody) =>
  igny8Api<Content>(`writer/contents/${contentId}`, { method: 'PATCH', body });

export const postRegenerateSection = (contentId: string, index: number) =>
  igny8Api<JobAccepted>(`writer/contents/${contentId}/sections/${index}/regenerate`, { method: 'POST', body: {} });

export const postApprove = (contentId: string, version: number, acceptLanguageMismatch: boolean) =>
  igny8Api<Content>(`writer/contents/${contentId}/approve`, {
    method: 'POST',
    body: { version, acceptLanguageMismatch },
  });

export const postPublish = (contentId: string, body: PublishBody) =>
  igny8Api<PublishAccepted>(`publisher/contents/${contentId}/publish`, { method: 'POST', body });

export const patchImage = (imageId: string, altText: string) =>
  igny8Api<ContentImage>(`writer/images/${imageId}`, { method: 'PATCH', body: { altText } });
