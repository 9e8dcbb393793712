import type { TestContext } from '../helpers/app.ts';
import { eventually } from '../helpers/processes.ts';
import type { Member } from '../helpers/users.ts';
import { siteWithSector } from '../planner/helpers.ts';

/** Calls /api/v1/writer{url} as the member. */
export function writerApi(t: TestContext) {
  return (
    member: Member,
    method: 'GET' | 'POST' | 'PATCH' | 'DELETE',
    url: string,
    payload?: unknown,
    headers: Record<string, string> = {},
  ) =>
    t.app.inject({
      method,
      url: `/api/v1/writer${url}`,
      headers: { ...member.headers, ...headers },
      ...(payload !== undefined ? { payload: payload as object } : {}),
    });
}

export const outlineOf = (headings: string[]) => headings.map((heading) => ({ level: 'h2' as const, heading }));

/** A hand-made task on a new site (task fields overridable); returns the task and where it lives. */
export async function handTask(t: TestContext, member: Member, fields: Record<string, unknown> = {}) {
  const where = await siteWithSector(t, member);
  const res = await writerApi(t)(member, 'POST', '/tasks', {
    ...where,
    title: 'How to choose trail running shoes',
    primaryKeyword: 'trail running shoes',
    secondaryKeywords: ['grip', 'cushioning'],
    outline: outlineOf(['Fit and comfort', 'Grip on wet rock']),
    targetWordCount: 800,
    imageCount: 0,
    ...fields,
  });
  if (res.statusCode !== 201) throw new Error(`task: ${res.body}`);
  return { ...where, task: res.json().data as { id: string; status: string; siteId: string; sectorId: string } };
}

/** Polls a job until it succeeds (throws with the job's error when it fails). */
export async function jobDone(t: TestContext, member: Member, jobId: string, timeoutMs = 60_000) {
  const job = await jobEnded(t, member, jobId, timeoutMs);
  if (job.status !== 'succeeded') throw new Error(`job ${job.status}: ${JSON.stringify(job.error)}`);
  return job;
}

/** Polls a job until it ends, whatever the outcome. */
export async function jobEnded(t: TestContext, member: Member, jobId: string, timeoutMs = 60_000) {
  return eventually(async () => {
    const res = await t.app.inject({ method: 'GET', url: `/api/v1/jobs/${jobId}`, headers: member.headers });
    const job = res.json().data;
    return ['succeeded', 'failed', 'cancelled'].includes(job.status) ? job : undefined;
  }, timeoutMs);
}

/** Starts writing a task and waits for the job; returns the job. */
export async function writeTask(t: TestContext, member: Member, taskId: string, body: object = {}) {
  const res = await writerApi(t)(member, 'POST', `/tasks/${taskId}/generate`, body);
  if (res.statusCode !== 202) throw new Error(`generate: ${res.statusCode} ${res.body}`);
  return jobDone(t, member, res.json().data.jobId);
}
