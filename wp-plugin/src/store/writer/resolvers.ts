import {
  fetchDiff,
  fetchImages,
  fetchPublication,
  fetchTask,
  fetchTaskContent,
  fetchTasks,
  fetchVersions,
} from './api';
import { toWriterError } from './errors';
import { diffKey, taskKey } from './keys';
import type { TaskQuery, WriterAction, WriterThunkArgs } from './types';

/** Runs a load; a failure goes to the store's error for the screen to show with a "Try again". */
const load =
  (request: () => Promise<WriterAction>) =>
  async ({ dispatch }: WriterThunkArgs): Promise<void> => {
    try {
      dispatch(await request());
    } catch (thrown) {
      dispatch({ type: 'FAIL_OPERATION', error: toWriterError('load', thrown) });
    }
  };

export const getTasks = (query: TaskQuery) =>
  load(async () => ({ type: 'RECEIVE_TASKS', key: taskKey(query), page: await fetchTasks(query) }));

export const getTask = (taskId: string) => load(async () => ({ type: 'RECEIVE_TASK', task: await fetchTask(taskId) }));

export const getContent = (taskId: string) =>
  load(async () => ({ type: 'RECEIVE_CONTENT', content: await fetchTaskContent(taskId) }));

export const getVersions = (contentId: string) =>
  load(async () => ({ type: 'RECEIVE_VERSIONS', contentId, versions: await fetchVersions(contentId) }));

export const getDiff = (contentId: string, from: number, to: number) =>
  load(async () => ({
    type: 'RECEIVE_DIFF',
    key: diffKey(contentId, from, to),
    diff: await fetchDiff(contentId, from, to),
  }));

export const getImages = (contentId: string) =>
  load(async () => ({ type: 'RECEIVE_IMAGES', contentId, images: await fetchImages(contentId) }));

/** A content never published answers NOT_FOUND: that is "no publication", not an error. */
export const getPublication =
  (contentId: string) =>
  async ({ dispatch }: WriterThunkArgs): Promise<void> => {
    try {
      dispatch({ type: 'RECEIVE_PUBLICATION', contentId, publication: await fetchPublication(contentId) });
    } catch (thrown) {
      const error = toWriterError('load', thrown);
      if (error.code === 'NOT_FOUND') {
        dispatch({ type: 'RECEIVE_PUBLICATION', contentId, publication: null });
      } else {
        dispatch({ type: 'FAIL_OPERATION', error });
      }
    }
  };
