/**
 * The IGNY8 routes the editor sidebar calls, through the plugin's forwarding route (src/api/client.ts): `siteId`
 * is always this site (`current`, filled in by the plugin).
 */
import { CURRENT_SITE, igny8Api } from '../api/client';
import { fetchJob, fetchTaskContent, postGenerate } from '../store/writer/api';
import type { WriterTask } from '../store/writer/types';
import type { DraftApi, Estimate, Sector, TaskBody } from './draft';

export const fetchSectors = () => igny8Api<Sector[]>(`sites/${CURRENT_SITE}/sectors`);

export const postEstimate = (body: TaskBody, signal?: AbortSignal) =>
  igny8Api<Estimate>('writer/estimate', { method: 'POST', body, ...(signal ? { signal } : {}) });

export const postTask = (body: TaskBody) => igny8Api<WriterTask>('writer/tasks', { method: 'POST', body });

/** What writeDraft calls, over the network. */
export const draftApi: DraftApi = {
  createTask: postTask,
  generate: (taskId) => postGenerate(taskId, false),
  job: fetchJob,
  content: fetchTaskContent,
  wait: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};
