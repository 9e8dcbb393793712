import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startFakeAi, type FakeAi } from '../fake-ai/server.ts';
import { FAKE_AI_ENV, memberWithFakeAi, startWorkerProcess } from '../helpers/ai.ts';
import { createTestApp, type TestContext } from '../helpers/app.ts';
import { eventually, type RunningProcess } from '../helpers/processes.ts';
import type { Member } from '../helpers/users.ts';
import { insertCluster, insertKeywords, siteWithSector } from './helpers.ts';

/** Ideas: AI generation through a real worker and the fake provider (held, settled once), edits, and tasks. */
let t: TestContext;
let fake: FakeAi;
let worker: RunningProcess | undefined;
const billing = () => t.services.billing;

const account = (credits: number) => memberWithFakeAi(t, fake, credits);

/** A site, sector and cluster with a few keywords. */
async function clusterOf(member: Member) {
  const where = await siteWithSector(t, member);
  const cluster = await insertCluster(t, member, where, 'trail running shoes');
  await insertKeywords(
    t,
    member,
    where,
    ['trail running shoes', 'best trail running shoes', 'waterproof trail shoes', 'trail shoes for women'].map(
      (keyword, i) => ({ keyword, volume: 1000 - i * 100, clusterId: cluster.id, status: 'clustered' as const }),
    ),
  );
  return { ...where, clusterId: cluster.id };
}

const api = (member: Member, method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: unknown) =>
  t.app.inject({
    method,
    url: `/api/v1/planner${url}`,
    headers: member.headers,
    ...(payload !== undefined ? { payload: payload as object } : {}),
  });
const generate = (member: Member, clusterId: string, body: object = {}, key?: string) =>
  t.app.inject({
    method: 'POST',
    url: `/api/v1/planner/clusters/${clusterId}/ideas/generate`,
    headers: { ...member.headers, ...(key ? { 'idempotency-key': key } : {}) },
    payload: body,
  });
const job = async (member: Member, id: string) =>
  (await t.app.inject({ method: 'GET', url: `/api/v1/jobs/${id}`, headers: member.headers })).json().data;

const IDEA = {
  title: 'How to choose trail running shoes',
  angle: 'Fit first, then grip',
  contentType: 'how_to',
  outline: [
    { level: 'h2', heading: 'Fit' },
    { level: 'h3', heading: 'Toe box' },
  ],
  primaryKeyword: 'trail running shoes',
  secondaryKeywords: ['best trail running shoes'],
  intent: 'informational',
  targetWordCount: 1800,
};

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

describe('starting idea generation', () => {
  it('answers 402 when the credits are short and writes nothing', async () => {
    const poor = await account(1);
    const c = await clusterOf(poor);
    const res = await generate(poor, c.clusterId, { count: 5 });
    expect(res.statusCode).toBe(402);
    expect(res.json().code).toBe('INSUFFICIENT_CREDITS');
    expect(await t.db.prisma.jobRun.count({ where: { accountId: poor.accountId } })).toBe(0);
    expect(await t.db.prisma.creditHold.count({ where: { accountId: poor.accountId } })).toBe(0);
  });

  it('returns the same job for a repeated Idempotency-Key, 409 for the key with another body', async () => {
    const rich = await account(100_000);
    const c = await clusterOf(rich);
    const answers = await Promise.all(
      Array.from({ length: 5 }, () => generate(rich, c.clusterId, { count: 3 }, 'ideas-key-0001')),
    );
    expect(answers.map((a) => a.statusCode)).toEqual(Array(5).fill(202));
    expect(new Set(answers.map((a) => a.json().data.jobId)).size).toBe(1);
    expect(answers[0]!.json().data.heldCredits).toBeGreaterThan(0);
    expect(await t.db.prisma.creditHold.count({ where: { accountId: rich.accountId } })).toBe(1);
    const conflict = await generate(rich, c.clusterId, { count: 4 }, 'ideas-key-0001');
    expect(conflict.statusCode).toBe(409);
    expect(conflict.json().code).toBe('IDEMPOTENCY_KEY_REUSED');
  });

  it('refuses a cluster without keywords (422), a bad count (422) and clusters of other accounts (404)', async () => {
    const member = await account(100_000);
    const where = await siteWithSector(t, member);
    const empty = await insertCluster(t, member, where, 'empty');
    const res = await generate(member, empty.id);
    expect(res.statusCode).toBe(422);
    expect(res.json().error).toMatch(/has no keywords yet/);
    expect((await generate(member, empty.id, { count: 21 })).statusCode).toBe(422);
    const stranger = await account(100_000);
    const c = await clusterOf(member);
    expect((await generate(stranger, c.clusterId)).statusCode).toBe(404);
  });
});

describe('idea generation on a worker', () => {
  beforeAll(async () => {
    worker = await startWorkerProcess(t);
  });

  it('writes the ideas for the cluster and charges the settled credits exactly once', async () => {
    const member = await account(10_000);
    const c = await clusterOf(member);
    await api(member, 'POST', '/ideas', { ...IDEA, clusterId: c.clusterId, title: 'An idea that already exists' });
    const res = await generate(member, c.clusterId, { count: 3 });
    expect(res.statusCode, res.body).toBe(202);
    const { jobId, heldCredits } = res.json().data;
    const done = await eventually(async () => {
      const j = await job(member, jobId);
      if (j.status === 'failed') throw new Error(JSON.stringify(j.error));
      return j.status === 'succeeded' ? j : undefined;
    }, 30_000);
    const credits = done.result.credits as number;
    expect(credits).toBeGreaterThan(0);
    expect(credits).toBeLessThanOrEqual(heldCredits);
    expect(await billing().balance(member.accountId)).toBe(10_000 - credits);
    const entries = await t.db.prisma.creditLedgerEntry.findMany({
      where: { accountId: member.accountId },
      orderBy: { createdAt: 'asc' },
    });
    // One hold, one capture, and a release of the rest exactly when the run used less than it held.
    expect(entries.map((e) => e.kind)).toEqual(
      credits < heldCredits ? ['grant', 'hold', 'capture', 'release'] : ['grant', 'hold', 'capture'],
    );
    expect(entries.reduce((sum, e) => sum + e.amount, 0)).toBe(10_000 - credits);

    const stored = await t.db.prisma.contentIdea.findMany({ where: { jobRunId: jobId } });
    // Never more than asked for, whatever the model offers.
    expect(stored.length).toBeGreaterThan(0);
    expect(stored.length).toBeLessThanOrEqual(3);
    expect(stored.map((i) => i.id).sort()).toEqual([...done.result.ideaIds].sort());
    for (const idea of stored) {
      expect(idea).toMatchObject({ clusterId: c.clusterId, siteId: c.siteId, sectorId: c.sectorId, status: 'new' });
      expect(['how_to', 'listicle', 'guide', 'comparison', 'review']).toContain(idea.contentType);
      expect(idea.targetWordCount).toBeGreaterThanOrEqual(300);
      expect(idea.demo).toBe(false);
    }
    // The prompt carried the cluster's keywords (top by volume) and the titles it must not repeat.
    const prompt = JSON.stringify(fake.requests.at(-1)!.body);
    expect(prompt).toContain('best trail running shoes');
    expect(prompt).toContain('An idea that already exists');

    const listed = (await api(member, 'GET', `/ideas?siteId=${c.siteId}&clusterId=${c.clusterId}`)).json().data;
    expect(listed.items).toHaveLength(stored.length + 1);
    expect(listed.items[0]).toMatchObject({ jobId: expect.any(String), taskId: null });
  });
});

describe('editing, approving and converting ideas', () => {
  it('edits until converted, approves, rejects, converts once and queues the keywords', async () => {
    const member = await account(0);
    const c = await clusterOf(member);
    const created = await api(member, 'POST', '/ideas', { ...IDEA, clusterId: c.clusterId });
    expect(created.statusCode, created.body).toBe(201);
    const idea = created.json().data;
    expect(idea).toMatchObject({ status: 'new', contentType: 'how_to', siteId: c.siteId, jobId: null });

    const edited = await api(member, 'PATCH', `/ideas/${idea.id}`, {
      title: 'Trail running shoes: a buying guide',
      contentType: 'guide',
      outline: [{ level: 'h2', heading: 'Grip' }],
      targetWordCount: 2500,
    });
    expect(edited.statusCode, edited.body).toBe(200);
    expect(edited.json().data).toMatchObject({ contentType: 'guide', targetWordCount: 2500 });
    const bad = await api(member, 'PATCH', `/ideas/${idea.id}`, {
      targetWordCount: 100,
      outline: [{ level: 'h4', heading: 'x' }],
    });
    expect(bad.statusCode).toBe(422);
    expect(
      bad
        .json()
        .details.fields.map((f: { field: string }) => f.field)
        .sort(),
    ).toEqual(['outline.0.level', 'targetWordCount']);

    // Not approved yet: converting is refused, naming the idea.
    const early = await api(member, 'POST', '/ideas/convert', { ideaIds: [idea.id] });
    expect(early.statusCode).toBe(422);
    expect(early.json().details.fields[0]).toMatchObject({ field: 'ideaIds.0' });
    expect(early.json().error).toContain('is new: approve it');

    const rejected = await api(member, 'POST', `/ideas/${idea.id}/reject`);
    expect(rejected.json().data.status).toBe('rejected');
    expect((await api(member, 'POST', '/ideas/convert', { ideaIds: [idea.id] })).statusCode).toBe(422);
    const approved = await api(member, 'POST', `/ideas/${idea.id}/approve`);
    expect(approved.json().data.status).toBe('approved');

    // Converted twice, even at once: one task.
    const [a, b] = await Promise.all([
      api(member, 'POST', '/ideas/convert', { ideaIds: [idea.id] }),
      api(member, 'POST', '/ideas/convert', { ideaIds: [idea.id] }),
    ]);
    expect([a.statusCode, b.statusCode]).toEqual([200, 200]);
    expect(a.json().data[0].id).toBe(b.json().data[0].id);
    const task = a.json().data[0];
    expect(task).toMatchObject({
      ideaId: idea.id,
      clusterId: c.clusterId,
      title: 'Trail running shoes: a buying guide',
      contentType: 'guide',
      targetWordCount: 2500,
      status: 'queued',
      outline: [{ level: 'h2', heading: 'Grip' }],
    });
    expect(await t.db.prisma.task.count({ where: { ideaId: idea.id } })).toBe(1);
    const again = await api(member, 'POST', '/ideas/convert', { ideaIds: [idea.id] });
    expect(again.json().data[0].id).toBe(task.id);
    expect(await t.db.prisma.keyword.count({ where: { clusterId: c.clusterId, status: 'queued' } })).toBe(4);

    const got = (await api(member, 'GET', `/ideas/${idea.id}`)).json().data;
    expect(got).toMatchObject({ status: 'converted', taskId: task.id });
    for (const [method, url, body] of [
      ['PATCH', `/ideas/${idea.id}`, { title: 'Another title entirely' }],
      ['POST', `/ideas/${idea.id}/approve`, undefined],
      ['POST', `/ideas/${idea.id}/reject`, undefined],
    ] as const) {
      const res = await api(member, method, url, body);
      expect(res.statusCode, url).toBe(409);
      expect(res.json().error).toMatch(/already turned into a Writer task/);
    }

    const tasks = (await api(member, 'GET', `/tasks?siteId=${c.siteId}&status=queued`)).json().data;
    expect(tasks.items.map((x: { id: string }) => x.id)).toEqual([task.id]);
    expect((await api(member, 'GET', `/tasks?siteId=${c.siteId}&status=published`)).json().data.items).toEqual([]);

    // Deleting the idea keeps its task.
    expect((await api(member, 'DELETE', `/ideas/${idea.id}`)).statusCode).toBe(200);
    expect(await t.db.prisma.task.findUniqueOrThrow({ where: { id: task.id } })).toMatchObject({ ideaId: null });
    expect((await api(member, 'GET', `/ideas/${idea.id}`)).statusCode).toBe(404);
  });

  it('lists ideas by status with cursor pages', async () => {
    const member = await account(0);
    const c = await clusterOf(member);
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      ids.push(
        (await api(member, 'POST', '/ideas', { ...IDEA, clusterId: c.clusterId, title: `Idea number ${i}` })).json()
          .data.id,
      );
    }
    await api(member, 'POST', `/ideas/${ids[0]}/approve`);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { items: { id: string }[]; nextCursor: string | null } = (
        await api(member, 'GET', `/ideas?siteId=${c.siteId}&limit=2${cursor ? `&cursor=${cursor}` : ''}`)
      ).json().data;
      seen.push(...page.items.map((i: { id: string }) => i.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual([...ids].reverse());
    const approved = (await api(member, 'GET', `/ideas?siteId=${c.siteId}&status=approved`)).json().data.items;
    expect(approved.map((i: { id: string }) => i.id)).toEqual([ids[0]]);
  });

  it("answers 404 for another account's ideas, clusters, sites and ids in bodies", async () => {
    const owner = await account(0);
    const c = await clusterOf(owner);
    const idea = (await api(owner, 'POST', '/ideas', { ...IDEA, clusterId: c.clusterId })).json().data;
    await api(owner, 'POST', `/ideas/${idea.id}/approve`);
    const stranger = await account(0);
    for (const [method, url, body] of [
      ['GET', `/ideas/${idea.id}`, undefined],
      ['PATCH', `/ideas/${idea.id}`, { title: 'Hijacked title here' }],
      ['POST', `/ideas/${idea.id}/approve`, undefined],
      ['POST', `/ideas/${idea.id}/reject`, undefined],
      ['DELETE', `/ideas/${idea.id}`, undefined],
      ['GET', `/ideas?siteId=${c.siteId}`, undefined],
      ['GET', `/tasks?siteId=${c.siteId}`, undefined],
      ['POST', '/ideas', { ...IDEA, clusterId: c.clusterId }],
      ['POST', '/ideas/convert', { ideaIds: [idea.id] }],
    ] as const) {
      const res = await api(stranger, method, url, body);
      expect(res.statusCode, `${method} ${url}`).toBe(404);
    }
    expect(await t.db.prisma.task.count({ where: { ideaId: idea.id } })).toBe(0);
    expect((await api(owner, 'GET', `/ideas/${idea.id}`)).json().data.status).toBe('approved');
  });
});
