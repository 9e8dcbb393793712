import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeAi, type FakeAi } from '../../fake-ai/server.ts';
import { addFakeAiKeys, FAKE_AI_ENV } from '../../helpers/ai.ts';
import { createTestApp, TEST_ENCRYPTION_KEYS, type TestContext } from '../../helpers/app.ts';
import { eventually, startProcess, type RunningProcess } from '../../helpers/processes.ts';
import { registerOwner, type Member } from '../../helpers/users.ts';
import { JobContext } from '../../../src/jobs/context.ts';
import { clusterLexicalJob } from '../../../src/modules/planner/contracts.ts';
import { normalizeKeyword, inferIntent } from '../../../src/modules/planner/normalize.ts';

/**
 * Clustering through the API and a real worker process: lexical and AI runs (against the fake provider), credits
 * held and settled once, 402, retries that write nothing twice, the manual edits with their metrics, and tenancy.
 */
let t: TestContext;
let fake: FakeAi;
let worker: RunningProcess | undefined;
const billing = () => t.services.billing;

const TOPICS: Record<string, [string, number, number][]> = {
  shoes: [
    ['running shoes', 9000, 40],
    ['best running shoes', 4000, 60],
    ['Running Shoe', 1500, 30],
    ['cheap running shoes', 800, 20],
    ['nike running shoes', 700, 50],
  ],
  socks: [
    ['running socks', 3000, 10],
    ['best running socks', 900, 20],
    ['compression running socks', 400, 30],
  ],
  pie: [
    ['apple pie recipe', 12000, 15],
    ['easy apple pie recipe', 2500, 10],
    ['how to make apple pie', 2200, 20],
    ['apple pie recipes', 1100, 5],
  ],
};

interface Fixture {
  member: Member;
  siteId: string;
  sectorId: string;
  ids: Record<string, string>;
}

async function fixture(credits = 0, withAi = false): Promise<Fixture> {
  const member = await registerOwner(t.app);
  const site = await t.app.inject({
    method: 'POST',
    url: '/api/v1/sites',
    headers: member.headers,
    payload: { name: 'Shop', url: `https://shop-${member.accountId.slice(0, 8)}.example.com` },
  });
  const siteId = site.json().data.id as string;
  const sector = await t.app.inject({
    method: 'POST',
    url: `/api/v1/sites/${siteId}/sectors`,
    headers: member.headers,
    payload: { name: 'Running' },
  });
  const sectorId = sector.json().data.id as string;
  const rows = Object.values(TOPICS)
    .flat()
    .map(([keyword, volume, difficulty]) => {
      const normalized = normalizeKeyword(keyword);
      return {
        accountId: member.accountId,
        siteId,
        sectorId,
        keyword,
        normalized,
        volume,
        difficulty,
        intent: inferIntent(normalized),
        source: 'manual',
      };
    });
  await t.db.prisma.keyword.createMany({ data: rows });
  const all = await t.db.prisma.keyword.findMany({ where: { sectorId } });
  const ids = Object.fromEntries(all.map((k) => [k.normalized, k.id]));
  if (withAi) await addFakeAiKeys(t, fake, member.accountId);
  if (credits) await billing().grant(member.accountId, credits, 'test credits', member.userId);
  return { member, siteId, sectorId, ids };
}

const api = (member: Member, method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object) =>
  t.app.inject({ method, url: `/api/v1/planner${url}`, headers: member.headers, ...(payload ? { payload } : {}) });

async function finished(member: Member, jobId: string) {
  return eventually(async () => {
    const j = (await t.app.inject({ method: 'GET', url: `/api/v1/jobs/${jobId}`, headers: member.headers })).json()
      .data;
    return ['succeeded', 'failed', 'cancelled'].includes(j.status) ? j : undefined;
  }, 30_000);
}

async function clusters(f: Fixture) {
  const res = await api(f.member, 'GET', `/clusters?siteId=${f.siteId}&sectorId=${f.sectorId}&sort=volume`);
  expect(res.statusCode).toBe(200);
  return res.json().data.items as any[];
}

beforeAll(async () => {
  fake = await startFakeAi();
  // Accounts without provider keys use the demo endpoint (the fake too): their AI clusters are marked demo.
  t = await createTestApp({ ...FAKE_AI_ENV, AI_DEMO_BASE_URL: fake.url });
  worker = startProcess('test/fixtures/worker-process.ts', {
    ...FAKE_AI_ENV,
    AI_DEMO_BASE_URL: fake.url,
    DATABASE_URL: t.database.url,
    ENCRYPTION_KEYS: TEST_ENCRYPTION_KEYS,
    JWT_SECRET: 'x'.repeat(40),
  });
  await worker.waitFor(/WORKER READY/);
});
afterAll(async () => {
  worker?.child.kill('SIGKILL');
  await worker?.exited;
  await fake?.close();
  await t?.close();
});

describe('lexical clustering', () => {
  let f: Fixture;
  let jobId: string;

  it("clusters the sector's new keywords in a job, names clusters after their head term, with metrics", async () => {
    f = await fixture();
    const res = await api(f.member, 'POST', '/clusters/run', {
      siteId: f.siteId,
      sectorId: f.sectorId,
      method: 'lexical',
    });
    expect(res.statusCode).toBe(202);
    expect(res.json().data).toMatchObject({ keywordCount: 12, heldCredits: 0, model: null });
    jobId = res.json().data.jobId;
    const job = await finished(f.member, jobId);
    expect(job.status).toBe('succeeded');
    expect(job.result).toMatchObject({
      method: 'lexical',
      clusterCount: 3,
      clusteredKeywords: 12,
      credits: 0,
      granularity: 3,
    });

    const list = await clusters(f);
    // The head term: the phrase the cluster's keywords share ("apple pie"), not its top keyword ("apple pie recipe").
    expect(list.map((c) => [c.name, c.keywordCount, c.totalVolume])).toEqual([
      ['apple pie', 4, 17800],
      ['running shoes', 5, 16000],
      ['running socks', 3, 4300],
    ]);
    const shoes = list.find((c) => c.name === 'running shoes');
    expect(shoes).toMatchObject({
      method: 'lexical',
      demo: false,
      avgDifficulty: 40,
      mainKeyword: { keyword: 'running shoes', volume: 9000 },
      cannibalizes: null,
    });
    expect(await t.db.prisma.keyword.count({ where: { sectorId: f.sectorId, status: 'clustered' } })).toBe(12);

    const detail = await api(f.member, 'GET', `/clusters/${shoes.id}`);
    expect(detail.json().data.keywords.map((k: any) => k.keyword)).toEqual([
      'running shoes',
      'best running shoes',
      'Running Shoe',
      'cheap running shoes',
      'nike running shoes',
    ]);
  });

  it('a repeated run of the finished job writes nothing twice; nothing left to cluster is a 422', async () => {
    // The handler runs again as after a crash between its commit and the worker's record: the apply step is found.
    const def = t.queue.definition(clusterLexicalJob.type);
    const run = await t.db.prisma.jobRun.findUniqueOrThrow({ where: { id: jobId } });
    const payload = { siteId: f.siteId, sectorId: f.sectorId, keywordIds: null, options: {} };
    const ctx = new JobContext(
      t.db.prisma,
      jobId,
      f.member.accountId,
      undefined,
      2,
      pino({ level: 'silent' }),
      new AbortController().signal,
      [],
    );
    await t.db.prisma.jobRun.update({ where: { id: run.id }, data: { status: 'running' } });
    const again = await def.handler(ctx, payload);
    expect(again).toMatchObject({ clusterCount: 3, clusteredKeywords: 12 });
    expect(await t.db.prisma.keywordCluster.count({ where: { sectorId: f.sectorId } })).toBe(3);

    const res = await api(f.member, 'POST', '/clusters/run', {
      siteId: f.siteId,
      sectorId: f.sectorId,
      method: 'lexical',
    });
    expect(res.statusCode).toBe(422);
    expect(res.json().error).toMatch(/no unclustered keywords with status new/);
  });

  it('takes a granularity from 1 (broad) to 5 (tight) and refuses any other with the field named', async () => {
    const g = await fixture();
    for (const granularity of [0, 6, 2.5, 'tight']) {
      const bad = await api(g.member, 'POST', '/clusters/run', {
        siteId: g.siteId,
        sectorId: g.sectorId,
        method: 'lexical',
        options: { granularity },
      });
      expect(bad.statusCode, String(granularity)).toBe(422);
      expect(bad.json().details.fields[0]).toMatchObject({
        field: 'options.granularity',
        message: 'must be a whole number from 1 (broad topics) to 5 (tight groups)',
      });
    }
    expect(await t.db.prisma.jobRun.count({ where: { accountId: g.member.accountId } })).toBe(0);
    const res = await api(g.member, 'POST', '/clusters/run', {
      siteId: g.siteId,
      sectorId: g.sectorId,
      method: 'lexical',
      options: { granularity: 1 },
    });
    expect(res.statusCode).toBe(202);
    const job = await finished(g.member, res.json().data.jobId);
    expect(job.result).toMatchObject({ method: 'lexical', granularity: 1, clusteredKeywords: 12 });
  });

  it('sorts and pages the list with a cursor', async () => {
    const byName = await api(f.member, 'GET', `/clusters?siteId=${f.siteId}&sort=name&limit=2`);
    const first = byName.json().data;
    expect(first.items.map((c: any) => c.name)).toEqual(['apple pie', 'running shoes']);
    const second = await api(
      f.member,
      'GET',
      `/clusters?siteId=${f.siteId}&sort=name&limit=2&cursor=${first.nextCursor}`,
    );
    expect(second.json().data).toMatchObject({ items: [{ name: 'running socks' }], nextCursor: null });
    const byCount = await api(f.member, 'GET', `/clusters?siteId=${f.siteId}&sort=keywords&limit=1`);
    expect(byCount.json().data.items[0].name).toBe('running shoes');
    const wrong = await api(f.member, 'GET', `/clusters?siteId=${f.siteId}&sort=volume&cursor=${first.nextCursor}`);
    expect(wrong.statusCode).toBe(400);
  });

  it('rename, move, split, merge and delete keep the metrics right, each in one transaction', async () => {
    let list = await clusters(f);
    const id = (name: string) => list.find((c) => c.name === name).id as string;
    const shoes = id('running shoes');
    const socks = id('running socks');
    const pie = id('apple pie');

    const renamed = await api(f.member, 'PATCH', `/clusters/${socks}`, { name: 'Socks for runners' });
    expect(renamed.statusCode).toBe(200);
    expect(renamed.json().data.name).toBe('Socks for runners');

    // Move: "nike running shoes" (700, difficulty 50) into the socks cluster.
    const moved = await api(f.member, 'POST', `/clusters/${socks}/keywords`, {
      keywordIds: [f.ids['nike running shoes']],
    });
    expect(moved.statusCode).toBe(200);
    expect(moved.json().data).toMatchObject({ keywordCount: 4, totalVolume: 5000, avgDifficulty: 27.5 });
    list = await clusters(f);
    expect(list.find((c) => c.id === shoes)).toMatchObject({ keywordCount: 4, totalVolume: 15300 });

    // Split: two keywords of the shoes cluster into a new one, named after its top keyword.
    const split = await api(f.member, 'POST', `/clusters/${shoes}/split`, {
      keywordIds: [f.ids['best running shoes'], f.ids['cheap running shoes']],
    });
    expect(split.statusCode).toBe(201);
    expect(split.json().data).toMatchObject({
      name: 'best running shoes',
      method: 'manual',
      keywordCount: 2,
      totalVolume: 4800,
      avgDifficulty: 40,
      mainKeyword: { keyword: 'best running shoes' },
    });
    const newId = split.json().data.id as string;
    const all = await api(f.member, 'POST', `/clusters/${pie}/split`, {
      keywordIds: Object.entries(f.ids)
        .filter(([k]) => k.includes('apple'))
        .map(([, v]) => v),
    });
    expect(all.statusCode).toBe(422);
    expect(all.json().error).toMatch(/leave at least one/);
    const notMine = await api(f.member, 'POST', `/clusters/${pie}/split`, { keywordIds: [f.ids['running shoes']] });
    expect(notMine.statusCode).toBe(422);

    // Merge: the split-off cluster and the shoes cluster; the one with more volume survives, ideas follow.
    const merged = await api(f.member, 'POST', '/clusters/merge', {
      clusterIds: [newId, shoes],
      name: 'Running shoes',
    });
    expect(merged.statusCode).toBe(200);
    expect(merged.json().data).toMatchObject({ id: shoes, name: 'Running shoes', keywordCount: 4, totalVolume: 15300 });
    expect(await t.db.prisma.keywordCluster.count({ where: { id: newId } })).toBe(0);

    // Delete: keywords leave and go back to new.
    const deleted = await api(f.member, 'DELETE', `/clusters/${pie}`);
    expect(deleted.statusCode).toBe(200);
    const freed = await t.db.prisma.keyword.findMany({
      where: { normalized: { contains: 'apple' }, sectorId: f.sectorId },
    });
    expect(freed.map((k) => [k.clusterId, k.status])).toEqual(Array(4).fill([null, 'new']));
    expect((await api(f.member, 'GET', `/clusters/${pie}`)).statusCode).toBe(404);
  });

  it("another account's clusters and keywords are 404, in paths and inside bodies", async () => {
    const other = await fixture();
    const mine = await clusters(f);
    const target = mine[0].id as string;
    const otherKeyword = other.ids['running shoes']!;
    const checks = [
      await api(other.member, 'GET', `/clusters/${target}`),
      await api(other.member, 'PATCH', `/clusters/${target}`, { name: 'x' }),
      await api(other.member, 'DELETE', `/clusters/${target}`),
      await api(other.member, 'POST', `/clusters/${target}/split`, { keywordIds: [otherKeyword] }),
      await api(other.member, 'POST', '/clusters/merge', { clusterIds: [target, mine[1].id] }),
      await api(f.member, 'POST', `/clusters/${target}/keywords`, { keywordIds: [otherKeyword] }),
      await api(f.member, 'POST', '/clusters/run', {
        siteId: f.siteId,
        sectorId: f.sectorId,
        method: 'lexical',
        keywordIds: [otherKeyword],
      }),
      await api(other.member, 'POST', '/clusters/run', { siteId: f.siteId, sectorId: f.sectorId, method: 'lexical' }),
      await api(other.member, 'GET', `/clusters?siteId=${f.siteId}`),
    ];
    expect(checks.map((c) => c.statusCode)).toEqual(Array(checks.length).fill(404));
    expect(await t.db.prisma.keywordCluster.count({ where: { id: target } })).toBe(1);
  });
});

describe('AI clustering', () => {
  it('answers 402 when the balance is short, and writes nothing', async () => {
    const f = await fixture(0, true);
    const res = await api(f.member, 'POST', '/clusters/run', { siteId: f.siteId, sectorId: f.sectorId, method: 'ai' });
    expect(res.statusCode).toBe(402);
    expect(res.json().code).toBe('INSUFFICIENT_CREDITS');
    expect(await t.db.prisma.jobRun.count({ where: { accountId: f.member.accountId } })).toBe(0);
    expect(await t.db.prisma.creditHold.count({ where: { accountId: f.member.accountId } })).toBe(0);
  });

  it('batches the keywords, holds the sum of estimates, writes the clusters and charges what was used once', async () => {
    fake.reset();
    const f = await fixture(100_000, true);
    const res = await api(f.member, 'POST', '/clusters/run', {
      siteId: f.siteId,
      sectorId: f.sectorId,
      method: 'ai',
      options: { batchSize: 6 },
    });
    expect(res.statusCode).toBe(202);
    const { jobId, heldCredits, keywordCount, model } = res.json().data;
    expect(keywordCount).toBe(12);
    expect(model).toBe('openai/gpt-4.1-mini');
    expect(heldCredits).toBeGreaterThan(0);
    expect(await billing().balance(f.member.accountId)).toBe(100_000 - heldCredits);

    const job = await finished(f.member, jobId);
    expect(job.status).toBe('succeeded');
    // Two batches of 6: two provider calls, one step each, then the apply-and-settle step.
    expect(fake.requests.filter((r) => r.method === 'POST')).toHaveLength(2);
    expect(job.steps.map((s: any) => s.name)).toEqual(['batch 1 of 2', 'batch 2 of 2', 'apply and settle']);
    const result = job.result;
    // The fake provider groups the listed keywords: every keyword comes back in exactly one cluster. (Dropped and
    // invented keywords are covered by ai-match.test.ts.)
    expect(result.inventedKeywords).toEqual([]);
    expect(result.unclusteredKeywords).toBe(0);
    expect(result.clusterCount).toBeGreaterThan(0);
    expect(result.method).toBe('ai');
    expect(result.credits).toBeGreaterThan(0);
    expect(result.credits).toBeLessThanOrEqual(heldCredits);
    expect(result.clusteredKeywords + result.unclusteredKeywords).toBe(12);

    const rows = await t.db.prisma.keywordCluster.findMany({ where: { sectorId: f.sectorId } });
    expect(rows.length).toBe(result.clusterCount);
    expect(rows.every((r) => r.method === 'ai' && r.demo === false)).toBe(true);
    expect(rows.reduce((n, r) => n + r.keywordCount, 0)).toBe(result.clusteredKeywords);
    expect(await t.db.prisma.keyword.count({ where: { sectorId: f.sectorId, status: 'clustered' } })).toBe(
      result.clusteredKeywords,
    );

    // Charged once: one capture of what was used, the rest released, the hold settled.
    expect(await billing().balance(f.member.accountId)).toBe(100_000 - result.credits);
    const entries = await t.db.prisma.creditLedgerEntry.findMany({
      where: { accountId: f.member.accountId, kind: { in: ['capture', 'release'] } },
    });
    expect(entries.filter((e) => e.kind === 'capture')).toHaveLength(1);
    const hold = await t.db.prisma.creditHold.findUniqueOrThrow({ where: { jobRunId: jobId } });
    expect(hold).toMatchObject({ status: 'settled', captured: result.credits, amount: heldCredits });
  });

  it('a failed AI run releases its whole hold', async () => {
    fake.reset();
    const f = await fixture(100_000, true);
    fake.setKnobs({ failNext: [{ kind: 'quota' }] });
    const res = await api(f.member, 'POST', '/clusters/run', {
      siteId: f.siteId,
      sectorId: f.sectorId,
      method: 'ai',
    });
    expect(res.statusCode).toBe(202);
    const job = await finished(f.member, res.json().data.jobId);
    expect(job.status).toBe('failed');
    expect(job.error.code).toBe('AI_QUOTA_EXHAUSTED');
    await eventually(
      async () => ((await billing().balance(f.member.accountId)) === 100_000 ? true : undefined),
      10_000,
    );
    expect(await t.db.prisma.keywordCluster.count({ where: { sectorId: f.sectorId } })).toBe(0);
  });

  it('a run on the demo endpoint reports demo (and marks any cluster it writes) and is charged once', async () => {
    fake.reset();
    const f = await fixture(100_000, false);
    const res = await api(f.member, 'POST', '/clusters/run', { siteId: f.siteId, sectorId: f.sectorId, method: 'ai' });
    expect(res.statusCode).toBe(202);
    const job = await finished(f.member, res.json().data.jobId);
    expect(job.status).toBe('succeeded');
    expect(job.result.demo).toBe(true);
    const rows = await t.db.prisma.keywordCluster.findMany({ where: { sectorId: f.sectorId } });
    expect(rows.length).toBe(job.result.clusterCount);
    expect(rows.filter((r) => !r.demo)).toEqual([]);
    // Demo runs cost credits like any other run on the demo endpoint's price list: charged once, what was used.
    expect(await billing().balance(f.member.accountId)).toBe(100_000 - job.result.credits);
  });
});
