import type {
  TContent,
  TContentImage,
  TEditContentBody,
  TImagesJobAccepted,
  TJobRun,
  TPublication,
  TPublishBody,
} from '@igny8/shared';
import {
  fetchImages,
  fetchPublication,
  fetchTask,
  fetchTaskContent,
  patchContent,
  patchImage,
  postApprove,
  postGenerate,
  postGenerateImages,
  postPublish,
  postRegenerateImage,
  postRegenerateSection,
  postRestore,
} from './api';
import { jobFailure, pollJob, runOperation as runStoreOperation } from '../operations';
import type { ImageChange, JobKind, WriterOperation, WriterThunkArgs } from './types';

export { clearError, isFinished } from '../operations';

const runOperation = <T>(operation: WriterOperation, request: (args: WriterThunkArgs) => Promise<T>) =>
  runStoreOperation<WriterOperation, WriterThunkArgs, T>(operation, request);

/**
 * Follows a task's job to its end, keeping it in the store (getActiveJob) so the task's progress bar moves with
 * the job's progress; a job that did not succeed is thrown in its own words.
 */
const followJob = async (
  { dispatch }: WriterThunkArgs,
  taskId: string,
  kind: JobKind,
  jobId: string,
  heldCredits?: number,
): Promise<TJobRun> => {
  dispatch({ type: 'FOLLOW_JOB', taskId, jobId, kind, heldCredits });
  try {
    const job = await pollJob(jobId, (read) => dispatch({ type: 'RECEIVE_JOB', job: read }));
    if (job.status !== 'succeeded') {
      throw jobFailure(job);
    }
    return job;
  } finally {
    dispatch({ type: 'END_JOB', taskId });
  }
};

/** Loads a task's content again (after a job or an edit elsewhere), with its versions and the task list. */
const refreshContent = async ({ dispatch }: WriterThunkArgs, taskId: string): Promise<TContent> => {
  const content = await fetchTaskContent(taskId);
  dispatch({ type: 'RECEIVE_CONTENT', content });
  dispatch.invalidateResolutionForStoreSelector('getVersions');
  dispatch.invalidateResolutionForStoreSelector('getTasks');
  return content;
};

/** Writes a task's article (or writes it again): holds the credits, follows the job, loads what was written. */
export const writeTask = (taskId: string, regenerate = false) =>
  runOperation<TContent>('write', async (args) => {
    args.dispatch.invalidateResolutionForStoreSelector('getTasks');
    const accepted = await postGenerate(taskId, regenerate);
    try {
      await followJob(args, taskId, 'write', accepted.jobId, accepted.heldCredits);
    } finally {
      // The task's status (and its failure reason when the job failed).
      args.dispatch({ type: 'RECEIVE_TASK', task: await fetchTask(taskId) });
      args.dispatch.invalidateResolutionForStoreSelector('getTasks');
    }
    return refreshContent(args, taskId);
  });

/** Follows an images job to its end and loads the content's images and the task again. */
const followImages = async (args: WriterThunkArgs, taskId: string, contentId: string, accepted: TImagesJobAccepted) => {
  await followJob(args, taskId, 'images', accepted.jobId, accepted.heldCredits);
  const images = await fetchImages(contentId);
  args.dispatch({ type: 'RECEIVE_IMAGES', contentId, images });
  args.dispatch({ type: 'RECEIVE_TASK', task: await fetchTask(taskId) });
  args.dispatch.invalidateResolutionForStoreSelector('getTasks');
  return images;
};

/** Makes a content's images (featured and in-article) in one look (`style`, empty: the default), and loads them. */
export const makeImages = (taskId: string, contentId: string, style = '') =>
  runOperation<TContentImage[]>('images', async (args) =>
    followImages(args, taskId, contentId, await postGenerateImages(contentId, style)),
  );

/** Makes one image again (the others stay), from a new prompt or style when given, and loads the images. */
export const regenerateImage = (taskId: string, contentId: string, imageId: string, change: ImageChange) =>
  runOperation<TContentImage[]>('images', async (args) =>
    followImages(args, taskId, contentId, await postRegenerateImage(imageId, change)),
  );

/** Makes an earlier version current again (as a new version) and loads the content and its versions. */
export const restoreVersion = (taskId: string, contentId: string, version: number) =>
  runOperation<TContent>('restore', async (args) => {
    await postRestore(contentId, version);
    return refreshContent(args, taskId);
  });

/** Rewrites one section with AI (a new version) and loads the content again. */
export const regenerateSection = (taskId: string, contentId: string, index: number) =>
  runOperation<TContent>('section', async (args) => {
    const accepted = await postRegenerateSection(contentId, index);
    await followJob(args, taskId, 'section', accepted.jobId, accepted.heldCredits);
    return refreshContent(args, taskId);
  });

/**
 * Saves an edit as a new version. `baseVersion` is the version the edit was made on: when someone saved a newer
 * one first, the server refuses (CONFLICT) and the screen offers to reload.
 */
export const editContent = (contentId: string, body: TEditContentBody) =>
  runOperation<TContent>('edit', async ({ dispatch }) => {
    const content = await patchContent(contentId, body);
    dispatch({ type: 'RECEIVE_CONTENT', content });
    dispatch.invalidateResolutionForStoreSelector('getVersions');
    dispatch.invalidateResolutionForStoreSelector('getTasks');
    return content;
  });

/** Loads a task's content again (the "reload" of a conflicting edit). */
export const reloadContent = (taskId: string) => runOperation<TContent>('load', (args) => refreshContent(args, taskId));

/** Approves the current version (a language mismatch needs to be accepted explicitly). */
export const approveContent = (contentId: string, version: number, acceptLanguageMismatch: boolean) =>
  runOperation<TContent>('approve', async ({ dispatch }) => {
    const content = await postApprove(contentId, version, acceptLanguageMismatch);
    dispatch({ type: 'RECEIVE_CONTENT', content });
    dispatch.invalidateResolutionForStoreSelector('getTasks');
    return content;
  });

/** Publishes the approved version to this site, follows the job, and answers the publication (with its link). */
export const publishContent = (taskId: string, contentId: string, body: TPublishBody) =>
  runOperation<TPublication>('publish', async (args) => {
    const accepted = await postPublish(contentId, body);
    args.dispatch({ type: 'RECEIVE_PUBLICATION', contentId, publication: accepted.publication });
    try {
      await followJob(args, taskId, 'publish', accepted.jobId);
    } finally {
      args.dispatch({ type: 'RECEIVE_TASK', task: await fetchTask(taskId) });
      args.dispatch.invalidateResolutionForStoreSelector('getTasks');
    }
    const publication = await fetchPublication(contentId);
    args.dispatch({ type: 'RECEIVE_PUBLICATION', contentId, publication });
    return publication;
  });

/**
 * Follows a job that was already running when the screen opened (a task being written or published), then loads
 * the task and its content again.
 */
export const resumeJob = (taskId: string, jobId: string, kind: JobKind) =>
  runOperation<TJobRun>(kind === 'publish' ? 'publish' : 'write', async (args) => {
    try {
      return await followJob(args, taskId, kind, jobId);
    } finally {
      const task = await fetchTask(taskId);
      args.dispatch({ type: 'RECEIVE_TASK', task });
      args.dispatch.invalidateResolutionForStoreSelector('getTasks');
      if (task.content) {
        await refreshContent(args, taskId);
      }
      if (kind === 'publish' && task.content) {
        args.dispatch.invalidateResolutionForStoreSelector('getPublication');
      }
    }
  });

/** Changes an image's alt text. */
export const updateAltText = (imageId: string, altText: string) =>
  runOperation<TContentImage>('alt', async ({ dispatch }) => {
    const image = await patchImage(imageId, altText);
    dispatch({ type: 'RECEIVE_IMAGE', image });
    return image;
  });
