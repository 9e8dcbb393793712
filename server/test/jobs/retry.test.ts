import pino from 'pino';
import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineJob, JobRegistry } from '../../src/jobs/definition.ts';
import { PermanentJobError } from '../../src/jobs/errors.ts';
import { JobWorker } from '../../src/jobs/worker.ts';
import type { AuthContext } from '../../src/modules/auth/credentials.ts';
import { createTestApp, type TestContext } from '../helpers/app.ts';
import { eventually } from '../helpers/processes.ts';
import { addMember, registerOwner, type Member } from '../helpers/users.ts';

/**
 * Retrying a failed job (POST /jobs/:jobId/retry): one new job however often it is asked for (also at once), a paid
 * job holds its credits again and is charged once; only failed jobs; editors and up. A test job stands in for paid
 * work: it holds credits like every paid job (through the AI runs service), fails while `failing` says so, and
 * otherwise captures what it held.
 */
const PAID_JOB = 'test.paid_work';
const HELD = 40;
const USED = 25;
const failing = new Set<string>();
let t: TestContext;
let worker: JobWorker;

const paidJob = defineJob({
  type: PAID_JOB,
  payload: z.object({ holdId: z.uuid(), label: z.string() }),
  retryLimit: 0,
  handler: async (ctx, payload) => {
    if (failing.has(payload.label)) throw new PermanentJobError('TEST_REFUSED', `The test refused ${payload.label}.`);
    await ctx.step('charge', async () => {
      await t.services.billing.settle(payload.holdId, { captured: USED });
    });
    return { label: payload.label };
  },
  onFailure: async ({ jobId }) => {
    const hold = await t.db.prisma.creditHold.findUnique({ where: { jobRunId: jobId } });
    if (hold) await t.services.billing.release(hold.id);
  },
});

const auth = (m: Member): AuthContext => ({
  userId: m.userId,
  accountId: m.accountId,
  role: 'owner',
  isOperator: false,
  credential: { kind: 'user' },
});

/** Starts the paid test job as the owner would start any paid work: hold and enqueue in one transaction. */
async function startPaid(owner: Member, label: string): Promise<string> {
  const started = await t.services.ai.runs.startHeld(auth(owner), 'req-test', {
    type: PAID_JOB,
    operation: 'generate_content',
    siteId: null,
    body: { label },
    estimate: async () => ({ credits: HELD, model: 'test/model' }),
    payload: ({ holdId }) => ({ holdId, label }),
  });
  return started.run.id;
}

const get = async (m: Member, url: string) => t.app.inject({ method: 'GET', url, headers: m.headers });
const retry = (m: Member, jobId: string) =>
  t.app.inject({ method: 'POST', url: `/api/v1/jobs/${jobId}/retry`, headers: m.headers });
const ended = (m: Member, jobId: string) =>
  eventually(async () => {
    const job = (await get(m, `/api/v1/jobs/${jobId}`)).json().data;
    return ['succeeded', 'failed', 'cancelled'].includes(job.status) ? job : undefined;
  }, 20_000);
const balance = (m: Member) => t.services.billing.balance(m.accountId);

async function funded(credits: number): Promise<Member> {
  const owner = await registerOwner(t.app);
  await t.services.billing.grant(owner.accountId, credits, 'test credits', owner.userId);
  return owner;
}

async function failedJob(owner: Member, label: string) {
  failing.add(label);
  const jobId = await startPaid(owner, label);
  const job = await ended(owner, jobId);
  expect(job.status).toBe('failed');
  failing.delete(label);
  return jobId;
}

beforeAll(async () => {
  t = await createTestApp({}, { extraJobs: [paidJob] });
  worker = new JobWorker(t.queue.boss, t.db.prisma, new JobRegistry().register(paidJob), pino({ level: 'silent' }), {
    concurrency: 2,
    pollingIntervalSeconds: 0.5,
    backstopPollingSeconds: 1,
  });
  await worker.start();
});
afterAll(async () => {
  await worker?.stop();
  await t?.close();
});

describe('retrying a failed job', () => {
  it('shows the failure in the product words, then one retry (asked 8 times at once) charges once', async () => {
    const owner = await funded(1_000);
    const start = await balance(owner);
    const failedId = await failedJob(owner, 'first');
    const failed = (await get(owner, `/api/v1/jobs/${failedId}`)).json().data;
    expect(failed.error).toEqual({ code: 'TEST_REFUSED', message: 'The test refused first.' });
    expect(failed.retryOf).toBeNull();
    // The failed job's hold was given back.
    expect(await balance(owner)).toBe(start);

    const answers = await Promise.all(Array.from({ length: 8 }, () => retry(owner, failedId)));
    expect(answers.map((a) => a.statusCode)).toEqual(Array(8).fill(202));
    const ids = new Set(answers.map((a) => a.json().data.jobId));
    expect(ids.size).toBe(1);
    const [newId] = [...ids] as [string];
    expect(newId).not.toBe(failedId);
    expect(answers[0]!.json().data).toMatchObject({ retryOf: failedId, heldCredits: HELD });
    expect(await t.db.prisma.jobRun.count({ where: { accountId: owner.accountId, type: PAID_JOB } })).toBe(2);

    const done = await ended(owner, newId);
    expect(done).toMatchObject({ status: 'succeeded', retryOf: failedId, result: { label: 'first' } });
    // Held once, captured once: the balance fell by what the retry used, and only by that.
    expect(await balance(owner)).toBe(start - USED);
    const holds = await t.db.prisma.creditHold.findMany({ where: { accountId: owner.accountId } });
    expect(holds.map((h) => [h.jobRunId, h.captured]).sort()).toEqual(
      [
        [failedId, 0],
        [newId, USED],
      ].sort(),
    );
    const captures = await t.db.prisma.creditLedgerEntry.count({
      where: { accountId: owner.accountId, kind: 'capture' },
    });
    expect(captures).toBe(1);

    // Asking again after it ran answers the same job and charges nothing more.
    const again = await retry(owner, failedId);
    expect(again.statusCode).toBe(202);
    expect(again.json().data.jobId).toBe(newId);
    expect(await balance(owner)).toBe(start - USED);
  });

  it('refuses a job that did not fail, and a retry the balance cannot cover (402, nothing enqueued)', async () => {
    const owner = await funded(1_000);
    const start = await balance(owner);
    const okId = await startPaid(owner, 'fine');
    expect((await ended(owner, okId)).status).toBe('succeeded');
    const notFailed = await retry(owner, okId);
    expect(notFailed.statusCode).toBe(409);
    expect(notFailed.json()).toMatchObject({ code: 'JOB_NOT_RETRYABLE' });
    expect(notFailed.json().error).toMatch(/is succeeded: only a failed job can be retried/);

    const failedId = await failedJob(owner, 'poor');
    // Spend down to less than the retry must hold.
    await t.services.billing.grant(owner.accountId, -(start - USED - 10), 'spent elsewhere', null, 'adjustment');
    const poor = await retry(owner, failedId);
    expect(poor.statusCode).toBe(402);
    expect(poor.json()).toMatchObject({ code: 'INSUFFICIENT_CREDITS' });
    expect(await t.db.prisma.jobRun.count({ where: { accountId: owner.accountId, type: PAID_JOB } })).toBe(2);
    expect(await balance(owner)).toBe(10);
  });

  it('refuses a failed job whose input is no longer kept, saying what to do instead', async () => {
    const owner = await funded(1_000);
    const failedId = await failedJob(owner, 'old');
    await t.queue.boss.deleteJob(PAID_JOB, failedId);
    const gone = await retry(owner, failedId);
    expect(gone.statusCode).toBe(409);
    expect(gone.json()).toMatchObject({ code: 'JOB_NOT_RETRYABLE' });
    expect(gone.json().error).toMatch(/no longer kept: start the work again/);
    expect(await t.db.prisma.jobRun.count({ where: { accountId: owner.accountId, type: PAID_JOB } })).toBe(1);
  });

  it('a viewer cannot retry; an editor can; another account gets 404', async () => {
    const owner = await funded(1_000);
    const failedId = await failedJob(owner, 'roles');
    const viewer = await addMember(t.app, owner, 'viewer');
    const refused = await retry(viewer, failedId);
    expect(refused.statusCode).toBe(403);
    expect(await t.db.prisma.jobRun.count({ where: { accountId: owner.accountId, type: PAID_JOB } })).toBe(1);
    const stranger = await registerOwner(t.app);
    expect((await retry(stranger, failedId)).statusCode).toBe(404);
    const editor = await addMember(t.app, owner, 'editor');
    const accepted = await retry(editor, failedId);
    expect(accepted.statusCode).toBe(202);
    expect((await ended(owner, accepted.json().data.jobId)).status).toBe('succeeded');
  });

  it('lists jobs by type, status and site with their failure reasons, page by page', async () => {
    const owner = await funded(1_000);
    await failedJob(owner, 'list-1');
    await failedJob(owner, 'list-2');
    const okId = await startPaid(owner, 'list-3');
    await ended(owner, okId);
    const failed = (await get(owner, `/api/v1/jobs?type=${PAID_JOB}&status=failed&limit=1`)).json().data;
    expect(failed.items).toHaveLength(1);
    expect(failed.items[0]).toMatchObject({ status: 'failed', error: { code: 'TEST_REFUSED' } });
    expect(failed.nextCursor).toEqual(expect.any(String));
    const next = (
      await get(owner, `/api/v1/jobs?type=${PAID_JOB}&status=failed&limit=1&cursor=${failed.nextCursor}`)
    ).json().data;
    expect(next.items).toHaveLength(1);
    expect(next.nextCursor).toBeNull();
    expect(next.items[0].id).not.toBe(failed.items[0].id);
    const succeeded = (await get(owner, `/api/v1/jobs?status=succeeded`)).json().data;
    expect(succeeded.items.map((j: { id: string }) => j.id)).toEqual([okId]);
    const site = await t.app.inject({
      method: 'POST',
      url: '/api/v1/sites',
      headers: owner.headers,
      payload: { name: 'Empty blog', url: 'https://empty.example.com' },
    });
    const ofSite = (await get(owner, `/api/v1/jobs?siteId=${site.json().data.id}`)).json().data;
    expect(ofSite.items).toEqual([]);
  });
});
