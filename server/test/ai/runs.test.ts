import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeAi, type FakeAi } from '../fake-ai/server.ts';
import { FAKE_AI_ENV, memberWithFakeAi, startWorkerProcess } from '../helpers/ai.ts';
import { createTestApp, type TestContext } from '../helpers/app.ts';
import { eventually, type RunningProcess } from '../helpers/processes.ts';
import { registerOwner, type Member } from '../helpers/users.ts';

/**
 * Starting AI work through the API, run by a real worker process against the fake provider: holds, 402, idempotency,
 * settlement, failure release, and a SIGKILL mid-generation that still charges once.
 */
let t: TestContext;
let fake: FakeAi;
let worker: RunningProcess | undefined;
const billing = () => t.services.billing;

const CLUSTER_INPUT = { keywords: ['best running shoes', 'trail running shoes', 'running shoes for flat feet'] };

const account = (credits: number) => memberWithFakeAi(t, fake, credits);

const start = (member: Member, body: object, key?: string) =>
  t.app.inject({
    method: 'POST',
    url: '/api/v1/ai/runs',
    headers: { ...member.headers, ...(key ? { 'idempotency-key': key } : {}) },
    payload: body,
  });

const job = async (member: Member, id: string) =>
  (await t.app.inject({ method: 'GET', url: `/api/v1/jobs/${id}`, headers: member.headers })).json().data;

const startWorker = () => startWorkerProcess(t);

beforeAll(async () => {
  t = await createTestApp(FAKE_AI_ENV);
  fake = await startFakeAi();
});
beforeEach(() => fake.reset());
afterAll(async () => {
  worker?.child.kill('SIGKILL');
  await worker?.exited;
  await fake?.close();
  await t?.close();
});

describe('starting AI runs (no worker yet)', () => {
  it('answers 402 naming what is needed and the balance, and writes nothing', async () => {
    const poor = await account(1);
    const res = await start(poor, {
      function: 'generate_ideas',
      input: { clusterName: 'shoes', keywords: ['running shoes'], ideaCount: 5 },
    });
    expect(res.statusCode).toBe(402);
    expect(res.json().code).toBe('INSUFFICIENT_CREDITS');
    expect(res.json().error).toMatch(/needs \d+ credits; the balance is 1/);
    expect(await t.db.prisma.jobRun.count({ where: { accountId: poor.accountId } })).toBe(0);
    expect(await t.db.prisma.creditHold.count({ where: { accountId: poor.accountId } })).toBe(0);
  });

  it('the same Idempotency-Key sent 20 times at once makes one job and one hold', async () => {
    const rich = await account(100_000);
    const body = { function: 'auto_cluster', input: CLUSTER_INPUT };
    const answers = await Promise.all(Array.from({ length: 20 }, () => start(rich, body, 'run-key-0001')));
    expect(answers.map((a) => a.statusCode)).toEqual(Array(20).fill(202));
    expect(new Set(answers.map((a) => a.json().data.jobId)).size).toBe(1);
    expect(new Set(answers.map((a) => a.json().data.model))).toEqual(new Set(['openai/gpt-4.1-mini']));
    expect(await t.db.prisma.jobRun.count({ where: { accountId: rich.accountId } })).toBe(1);
    expect(await t.db.prisma.creditHold.count({ where: { accountId: rich.accountId } })).toBe(1);
    const conflict = await start(
      rich,
      { function: 'auto_cluster', input: { keywords: ['other', 'words'] } },
      'run-key-0001',
    );
    expect(conflict.statusCode).toBe(409);
    expect(conflict.json().code).toBe('IDEMPOTENCY_KEY_REUSED');
  });

  it('cancelling a queued run gives its hold back', async () => {
    const member = await account(10_000);
    const res = await start(member, { function: 'auto_cluster', input: CLUSTER_INPUT });
    const held = res.json().data.heldCredits;
    expect(await billing().balance(member.accountId)).toBe(10_000 - held);
    await t.app.inject({
      method: 'POST',
      url: `/api/v1/jobs/${res.json().data.jobId}/cancel`,
      headers: member.headers,
    });
    expect(await billing().balance(member.accountId)).toBe(10_000);
  });
});

describe('AI runs on a worker process', () => {
  beforeAll(async () => {
    worker = await startWorker();
  });

  it('runs, charges what was used (never more than held) and gives the rest back', async () => {
    const member = await account(10_000);
    const res = await start(member, { function: 'auto_cluster', input: CLUSTER_INPUT });
    expect(res.statusCode).toBe(202);
    const { jobId, heldCredits } = res.json().data;
    const done = await eventually(async () => {
      const j = await job(member, jobId);
      return j.status === 'succeeded' ? j : undefined;
    }, 30_000);
    expect(done.result.output.clusters.length).toBeGreaterThan(0);
    expect(done.result.credits).toBeGreaterThan(0);
    expect(done.result.credits).toBeLessThanOrEqual(heldCredits);
    expect(await billing().balance(member.accountId)).toBe(10_000 - done.result.credits);
    const entries = await t.db.prisma.creditLedgerEntry.findMany({
      where: { accountId: member.accountId },
      orderBy: { createdAt: 'asc' },
    });
    // A release follows the capture exactly when the run used less than it held.
    const used = done.result.credits as number;
    expect(entries.map((e) => e.kind)).toEqual(
      used < heldCredits ? ['grant', 'hold', 'capture', 'release'] : ['grant', 'hold', 'capture'],
    );
    expect(entries.reduce((sum, e) => sum + e.amount, 0)).toBe(10_000 - done.result.credits);

    // The provider call is on record with the usage the job reported; another account does not see it.
    const calls = await t.app.inject({
      method: 'GET',
      url: `/api/v1/ai/calls?jobId=${jobId}`,
      headers: member.headers,
    });
    expect(calls.statusCode).toBe(200);
    const [call, ...more] = calls.json().data.items;
    expect(more).toEqual([]);
    expect(call).toMatchObject({
      jobId,
      function: 'auto_cluster',
      provider: 'openai',
      status: 'ok',
      inputTokens: done.result.usage.inputTokens,
      outputTokens: done.result.usage.outputTokens,
    });
    expect(call.costUsd).toBeGreaterThan(0);
    const stranger = await registerOwner(t.app);
    const theirs = await t.app.inject({
      method: 'GET',
      url: `/api/v1/ai/calls?jobId=${jobId}`,
      headers: stranger.headers,
    });
    expect(theirs.json().data.items).toEqual([]);
  });

  it('cancelling a running generation hangs up on the provider and gives the whole hold back', async () => {
    const member = await account(10_000);
    // The provider takes 60 s to answer: the job is mid-call when it is cancelled.
    fake.setKnobs({ latencyMs: 60_000 });
    const res = await start(member, { function: 'auto_cluster', input: CLUSTER_INPUT });
    const { jobId } = res.json().data;
    const call = await eventually(async () => fake.requests.find((r) => r.path === '/v1/chat/completions'), 30_000);
    expect((await job(member, jobId)).status).toBe('running');
    const cancelledAt = Date.now();
    const cancel = await t.app.inject({ method: 'POST', url: `/api/v1/jobs/${jobId}/cancel`, headers: member.headers });
    expect(cancel.statusCode).toBeLessThan(300);
    const ended = await eventually(async () => {
      const j = await job(member, jobId);
      return j.status === 'cancelled' ? j : undefined;
    }, 15_000);
    expect(ended.status).toBe('cancelled');
    // The request was dropped within the cancellation poll (2 s) plus slack, not after the provider's 60 s.
    await eventually(async () => call.abortedAt, 10_000);
    expect(call.abortedAt! - cancelledAt).toBeLessThan(5_000);
    expect(call.status).toBeUndefined();
    expect(fake.requests.filter((r) => r.path === '/v1/chat/completions')).toHaveLength(1);
    expect(await billing().balance(member.accountId)).toBe(10_000);
    const calls = await t.db.prisma.aiCall.findMany({ where: { jobRunId: jobId } });
    expect(calls.map((c) => c.errorCode)).toEqual(['cancelled']);
  });

  it('a quota error fails the job with a clear message and releases the hold', async () => {
    const member = await account(10_000);
    fake.setKnobs({ failNext: [{ kind: 'quota' }] });
    const res = await start(member, { function: 'auto_cluster', input: CLUSTER_INPUT });
    const failed = await eventually(async () => {
      const j = await job(member, res.json().data.jobId);
      return j.status === 'failed' ? j : undefined;
    }, 30_000);
    expect(failed.error.code).toBe('AI_QUOTA_EXHAUSTED');
    expect(failed.error.message).toMatch(/OpenAI says the API key's quota or credit is used up/);
    expect(failed.attempts).toBe(1);
    expect(await billing().balance(member.accountId)).toBe(10_000);
  });

  it('a worker killed during a generation: the job runs again, finishes once, and is charged once', async () => {
    const member = await account(10_000);
    fake.setKnobs({ latencyMs: 2_500 });
    const res = await start(member, { function: 'auto_cluster', input: CLUSTER_INPUT });
    const { jobId } = res.json().data;
    await eventually(async () => fake.requests.length >= 1, 20_000);
    worker!.child.kill('SIGKILL');
    await worker!.exited;
    fake.setKnobs({ latencyMs: 0 });
    worker = await startWorker();
    const done = await eventually(async () => {
      const j = await job(member, jobId);
      return j.status === 'succeeded' ? j : undefined;
    }, 60_000);
    expect(done.attempts).toBe(2);
    const captures = await t.db.prisma.creditLedgerEntry.count({
      where: { accountId: member.accountId, kind: 'capture' },
    });
    expect(captures).toBe(1);
    expect(await billing().balance(member.accountId)).toBe(10_000 - done.result.credits);
  }, 90_000);
});
