import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CREATE_EFFECT_TABLES, RECORD_JOB, recordJob } from './fixtures/test-jobs.ts';
import { createTestApp, type TestContext } from './helpers/app.ts';
import { eventually, startProcess, type RunningProcess } from './helpers/processes.ts';
import { registerOwner, type Member } from './helpers/users.ts';

/**
 * The job system against a real worker process on a real PostgreSQL: transactional enqueue, retries with backoff,
 * dead letters, crash recovery after SIGKILL, cancellation and graceful shutdown.
 */

let t: TestContext;
let owner: Member;
let worker: RunningProcess | undefined;

beforeAll(async () => {
  t = await createTestApp({}, { extraJobs: [recordJob] });
  owner = await registerOwner(t.app);
  await t.db.prisma.$executeRawUnsafe(CREATE_EFFECT_TABLES.split(';')[0]!);
  await t.db.prisma.$executeRawUnsafe(CREATE_EFFECT_TABLES.split(';')[1]!);
});
afterAll(async () => {
  worker?.child.kill('SIGKILL');
  await worker?.exited;
  await t?.close();
});

async function startWorker() {
  const w = startProcess('test/fixtures/worker-process.ts', {
    DATABASE_URL: t.database.url,
    JWT_SECRET: 'x'.repeat(40),
  });
  await w.waitFor(/WORKER READY/);
  return w;
}

function enqueue(payload: Record<string, unknown>) {
  return t.db.prisma.$transaction((tx) =>
    t.queue.enqueue(tx, { type: RECORD_JOB, accountId: owner.accountId, payload, requestId: 'req-test' }),
  );
}

const getJob = async (id: string) =>
  (await t.app.inject({ method: 'GET', url: `/api/v1/jobs/${id}`, headers: owner.headers })).json().data;

const waitForStatus = (id: string, status: string, timeoutMs = 30_000) =>
  eventually(async () => {
    const job = await getJob(id);
    return job.status === status ? job : undefined;
  }, timeoutMs);

async function effects(jobId: string) {
  return t.db.prisma.$queryRaw<{ step: string; n: number }[]>`
    SELECT step, count(*)::int AS n FROM test_job_effects WHERE job_id = ${jobId}::uuid GROUP BY step ORDER BY step`;
}

/** pg-boss's state of one job: `active` while a worker's handler has it, `completed` once the handler returned. */
async function bossState(jobId: string) {
  const [row] = await t.db.prisma.$queryRaw<
    { state: string }[]
  >`SELECT state::text FROM pgboss.job WHERE id = ${jobId}::uuid`;
  return row?.state;
}

async function bossJobs(name: string) {
  const [row] = await t.db.prisma.$queryRawUnsafe<{ n: number }[]>(
    `SELECT count(*)::int AS n FROM pgboss.job WHERE name = $1`,
    name,
  );
  return row!.n;
}

describe('without a worker', () => {
  it('enqueues inside the transaction: a rollback leaves neither a JobRun nor a queued job', async () => {
    const before = await bossJobs(RECORD_JOB);
    await expect(
      t.db.prisma.$transaction(async (tx) => {
        await t.queue.enqueue(tx, { type: RECORD_JOB, accountId: owner.accountId, payload: { steps: 1 } });
        throw new Error('the request failed after enqueueing');
      }),
    ).rejects.toThrow('the request failed');
    expect(await t.db.prisma.jobRun.count({ where: { type: RECORD_JOB } })).toBe(0);
    expect(await bossJobs(RECORD_JOB)).toBe(before);
  });

  it('refuses a payload that does not match the job schema, before anything is written', async () => {
    await expect(enqueue({ steps: 'many' })).rejects.toThrow();
    expect(await t.db.prisma.jobRun.count({ where: { type: RECORD_JOB } })).toBe(0);
  });

  it('returns the same job for the same idempotency key', async () => {
    const send = () =>
      t.db.prisma.$transaction((tx) =>
        t.queue.enqueue(tx, {
          type: RECORD_JOB,
          accountId: owner.accountId,
          payload: { steps: 1 },
          idempotencyKey: 'k-1',
        }),
      );
    const a = await send();
    const b = await send();
    expect(b.id).toBe(a.id);
    expect(await t.db.prisma.jobRun.count({ where: { idempotencyKey: 'k-1' } })).toBe(1);
  });

  it('cancels a queued job so no worker ever runs it', async () => {
    const run = await enqueue({ steps: 1 });
    const res = await t.app.inject({ method: 'POST', url: `/api/v1/jobs/${run.id}/cancel`, headers: owner.headers });
    expect(res.statusCode).toBe(200);
    expect(res.json().data.status).toBe('cancelled');
    const again = await t.app.inject({ method: 'POST', url: `/api/v1/jobs/${run.id}/cancel`, headers: owner.headers });
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe('JOB_NOT_CANCELLABLE');
  });

  it("gives every job type's queue the heartbeat JOB_HEARTBEAT_SECONDS sets (10 s in tests)", async () => {
    const types = new Set(t.queue.registry.all().map((def) => def.type));
    const queues = (await t.queue.boss.getQueues()).filter((q) => types.has(q.name));
    expect(queues).toHaveLength(types.size);
    expect(new Set(queues.map((q) => q.heartbeatSeconds))).toEqual(new Set([10]));
  });

  it('reports no worker in the status', async () => {
    const res = await t.app.inject({ method: 'GET', url: '/api/v1/system/status' });
    expect(res.json().data.worker.status).toBe('none');
    expect(res.json().data.status).toBe('degraded');
  });
});

describe('with a worker process', () => {
  beforeAll(async () => {
    worker = await startWorker();
  });

  it('runs a job to completion with progress and steps, and reports the worker heartbeat', async () => {
    const run = await enqueue({ steps: 3 });
    const job = await waitForStatus(run.id, 'succeeded');
    expect(job).toMatchObject({ progress: 100, attempts: 1, result: { steps: 3 }, requestId: 'req-test', error: null });
    expect(job.steps.map((s: { name: string }) => s.name)).toEqual(['step-1', 'step-2', 'step-3']);
    expect(await effects(run.id)).toEqual([
      { step: 'step-1', n: 1 },
      { step: 'step-2', n: 1 },
      { step: 'step-3', n: 1 },
    ]);
    const status = (await t.app.inject({ method: 'GET', url: '/api/v1/system/status' })).json().data;
    expect(status.worker).toMatchObject({ status: 'ok', workers: 1 });
    expect(status.status).toBe('ok');
  });

  it('the cancelled queued job never ran', async () => {
    const cancelled = await t.db.prisma.jobRun.findFirstOrThrow({ where: { status: 'cancelled' } });
    expect(cancelled.attempts).toBe(0);
    expect(await effects(cancelled.id)).toEqual([]);
  });

  it('retries a failing job with growing delays, then succeeds', async () => {
    const run = await enqueue({ steps: 1, failTimes: 2 });
    const job = await waitForStatus(run.id, 'succeeded', 45_000);
    expect(job.attempts).toBe(3);
    const attempts = await t.db.prisma.$queryRaw<{ attempt: number; at: Date }[]>`
      SELECT attempt, at FROM test_job_attempts WHERE job_id = ${run.id}::uuid ORDER BY at`;
    expect(attempts.map((a) => a.attempt)).toEqual([1, 2, 3]);
    const gap1 = attempts[1]!.at.getTime() - attempts[0]!.at.getTime();
    const gap2 = attempts[2]!.at.getTime() - attempts[1]!.at.getTime();
    // retryDelay 1 s with exponential backoff and jitter: ~1-2 s, then ~2-4 s.
    expect(gap1).toBeGreaterThanOrEqual(900);
    expect(gap2).toBeGreaterThanOrEqual(1_900);
    expect(await effects(run.id)).toEqual([{ step: 'step-1', n: 1 }]);
  });

  it('fails after the last retry with the error, and dead-letters the job', async () => {
    const dead = RECORD_JOB + '.dead';
    const before = await bossJobs(dead);
    const run = await enqueue({ steps: 1, failTimes: 99 });
    const job = await waitForStatus(run.id, 'failed', 45_000);
    expect(job.attempts).toBe(3);
    // An unexpected error is logged in full; the user reads a plain sentence, never the raw message or a stack.
    expect(job.error).toEqual({
      code: 'JOB_FAILED',
      message: 'An unexpected error on our side stopped this job. Retry it; if it fails again, contact support.',
    });
    expect(job.finishedAt).not.toBeNull();
    await eventually(async () => (await bossJobs(dead)) === before + 1, 10_000);
  });

  it('cancels a running job: it stops at its next step', async () => {
    const run = await enqueue({ steps: 20, sleepMs: 300 });
    await eventually(async () => (await effects(run.id)).length >= 2);
    const res = await t.app.inject({ method: 'POST', url: `/api/v1/jobs/${run.id}/cancel`, headers: owner.headers });
    expect(res.statusCode).toBe(200);
    const job = await waitForStatus(run.id, 'cancelled');
    const done = (await effects(run.id)).length;
    expect(done).toBeLessThan(20);
    // Once pg-boss has the job back, its handler has returned: nothing can add a step any more.
    await eventually(async () => (await bossState(run.id)) === 'completed');
    expect((await effects(run.id)).length).toBe(done);
    expect(job.finishedAt).not.toBeNull();
  });

  it('after SIGKILL mid-job, another worker runs the job again and every step happens once', async () => {
    const run = await enqueue({ steps: 6, sleepMs: 400 });
    await eventually(async () => (await effects(run.id)).length >= 2);
    worker!.child.kill('SIGKILL');
    await worker!.exited;
    const stepsAtKill = (await effects(run.id)).length;
    expect(stepsAtKill).toBeLessThan(6);
    expect((await getJob(run.id)).status).toBe('running');

    worker = await startWorker();
    const job = await waitForStatus(run.id, 'succeeded', 60_000);
    expect(job.attempts).toBe(2);
    const rows = await effects(run.id);
    expect(rows).toHaveLength(6);
    expect(rows.every((r) => r.n === 1)).toBe(true);
  }, 90_000);

  it('records a job lost with its worker on its last attempt as failed, so nothing waits on it for good', async () => {
    // One attempt only: the kill is its last.
    await t.queue.boss.updateQueue(RECORD_JOB, { retryLimit: 0 });
    try {
      const run = await enqueue({ steps: 6, sleepMs: 400 });
      await eventually(async () => (await effects(run.id)).length >= 1);
      worker!.child.kill('SIGKILL');
      await worker!.exited;
      worker = await startWorker();
      const job = await waitForStatus(run.id, 'failed', 60_000);
      expect(job.error).toMatchObject({ code: 'WORKER_LOST' });
      expect(job.finishedAt).not.toBeNull();
    } finally {
      await t.queue.boss.updateQueue(RECORD_JOB, { retryLimit: 2 });
    }
  }, 90_000);

  it('on SIGTERM, finishes the job in flight, takes no new one, and exits cleanly', async () => {
    const run = await enqueue({ steps: 4, sleepMs: 400 });
    await eventually(async () => (await effects(run.id)).length >= 1);
    worker!.child.kill('SIGTERM');
    const code = await worker!.exited;
    expect(code).toBe(0);
    expect(worker!.output()).toContain('WORKER STOPPED');
    const job = await getJob(run.id);
    expect(job.status).toBe('succeeded');
    expect(await effects(run.id)).toHaveLength(4);

    // Sent after the worker exited (awaited above): it waits in the queue, untaken.
    const later = await enqueue({ steps: 1 });
    expect(await bossState(later.id)).toBe('created');
    expect((await getJob(later.id)).status).toBe('queued');
    worker = undefined;
  }, 60_000);
});
