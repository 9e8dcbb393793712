import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeAi, type FakeAi } from '../../fake-ai/server.ts';
import { FAKE_AI_ENV } from '../../helpers/ai.ts';
import { createTestApp, TEST_ENCRYPTION_KEYS, type TestContext } from '../../helpers/app.ts';
import { eventually, startProcess, type RunningProcess } from '../../helpers/processes.ts';
import { registerOwner, type Member } from '../../helpers/users.ts';
import type { Prisma } from '../../../src/generated/prisma/client.ts';
import { JobContext, type StoredStep } from '../../../src/jobs/context.ts';
import { clusterEmbeddingJob } from '../../../src/modules/planner/contracts.ts';
import { inferIntent, normalizeKeyword } from '../../../src/modules/planner/normalize.ts';
import { decodeVector } from '../../../src/modules/planner/clustering/embedding.ts';

/**
 * Embedding-assisted clustering through the API and a real worker process, against the fake provider (its
 * embeddings are deterministic feature hashes, not semantic: these tests cover the mechanics, not the quality):
 * 422 without an embedding model, 402 when short, the hold settled once, the per-account cache that makes a second
 * run free, and retries that embed nothing twice.
 */
let t: TestContext;
let fake: FakeAi;
let worker: RunningProcess | undefined;
const billing = () => t.services.billing;
const MODEL = 'openai/text-embedding-3-small';

const KEYWORDS: [string, number][] = [
  ['electric bike', 9000],
  ['electric bikes', 3000],
  ['best electric bike', 1200],
  ['e bike', 4000],
  ['e bikes', 900],
  ['e bike battery', 700],
  ['apple pie recipe', 12000],
  ['easy apple pie recipe', 2500],
  ['apple pie', 1100],
  ['banana bread', 800],
];

interface Fixture {
  member: Member;
  siteId: string;
  sectorId: string;
}

async function fixture(credits: number, withKey: boolean): Promise<Fixture> {
  const member = await registerOwner(t.app);
  const site = await t.app.inject({
    method: 'POST',
    url: '/api/v1/sites',
    headers: member.headers,
    payload: { name: 'Bikes', url: `https://bikes-${member.accountId.slice(0, 8)}.example.com` },
  });
  const siteId = site.json().data.id as string;
  const sector = await t.app.inject({
    method: 'POST',
    url: `/api/v1/sites/${siteId}/sectors`,
    headers: member.headers,
    payload: { name: 'E-bikes' },
  });
  const sectorId = sector.json().data.id as string;
  await t.db.prisma.keyword.createMany({
    data: KEYWORDS.map(([keyword, volume]) => {
      const normalized = normalizeKeyword(keyword);
      return {
        accountId: member.accountId,
        siteId,
        sectorId,
        keyword,
        normalized,
        volume,
        intent: inferIntent(normalized),
        source: 'manual',
      };
    }),
  });
  if (withKey) {
    await t.db.prisma.providerCredential.create({
      data: {
        accountId: member.accountId,
        provider: 'openai',
        baseUrl: fake.openaiBaseUrl,
        keyEnc: t.box.encrypt('sk-openai-test-key'),
        keyLast4: 'key1',
      },
    });
  }
  if (credits) await billing().grant(member.accountId, credits, 'test credits', member.userId);
  return { member, siteId, sectorId };
}

const run = (f: Fixture, headers: Record<string, string> = {}, extra: object = {}) =>
  t.app.inject({
    method: 'POST',
    url: '/api/v1/planner/clusters/run',
    headers: { ...f.member.headers, ...headers },
    payload: { siteId: f.siteId, sectorId: f.sectorId, method: 'embedding', ...extra },
  });

async function finished(member: Member, jobId: string) {
  return eventually(async () => {
    const j = (await t.app.inject({ method: 'GET', url: `/api/v1/jobs/${jobId}`, headers: member.headers })).json()
      .data;
    return ['succeeded', 'failed', 'cancelled'].includes(j.status) ? j : undefined;
  }, 30_000);
}

const embeddingRequests = () => fake.requests.filter((r) => r.path === '/v1/embeddings').length;

beforeAll(async () => {
  fake = await startFakeAi();
  // No demo endpoint and no global key: an account without its own OpenAI key has no embedding model.
  t = await createTestApp(FAKE_AI_ENV);
  worker = startProcess('test/fixtures/worker-process.ts', {
    ...FAKE_AI_ENV,
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

describe('embedding clustering', () => {
  it('is a 422 in plain words when no embedding model is usable, and writes nothing', async () => {
    const f = await fixture(100_000, false);
    const res = await run(f);
    expect(res.statusCode).toBe(422);
    expect(res.json().error).toBe(
      'No embedding model is configured: add an OpenAI key (or choose the lexical method).',
    );
    expect(res.json().details.fields[0]).toMatchObject({ in: 'body', field: 'method' });
    expect(await t.db.prisma.jobRun.count({ where: { accountId: f.member.accountId } })).toBe(0);
    // Another account's sector is a 404 before anything else.
    const other = await fixture(0, true);
    const notMine = await t.app.inject({
      method: 'POST',
      url: '/api/v1/planner/clusters/run',
      headers: other.member.headers,
      payload: { siteId: f.siteId, sectorId: f.sectorId, method: 'embedding' },
    });
    expect(notMine.statusCode).toBe(404);
    const badThreshold = await run(f, {}, { options: { embeddingThreshold: 1.5 } });
    expect(badThreshold.statusCode).toBe(422);
  });

  it('answers 402 when the balance is short, and writes nothing', async () => {
    const f = await fixture(0, true);
    const res = await run(f);
    expect(res.statusCode).toBe(402);
    expect(res.json().code).toBe('INSUFFICIENT_CREDITS');
    expect(await t.db.prisma.jobRun.count({ where: { accountId: f.member.accountId } })).toBe(0);
    expect(await t.db.prisma.creditHold.count({ where: { accountId: f.member.accountId } })).toBe(0);
  });

  let f: Fixture;
  let jobId: string;

  it('embeds the keywords once into the cache, clusters, and charges what was used once', async () => {
    fake.reset();
    f = await fixture(100_000, true);
    const res = await run(f, { 'idempotency-key': 'embed-run-0001' });
    expect(res.statusCode).toBe(202);
    const accepted = res.json().data;
    expect(accepted).toMatchObject({ keywordCount: 10, model: MODEL });
    expect(accepted.heldCredits).toBeGreaterThan(0);
    jobId = accepted.jobId;
    // The same key and body: the same job, one hold.
    const again = await run(f, { 'idempotency-key': 'embed-run-0001' });
    expect(again.statusCode).toBe(202);
    expect(again.json().data).toMatchObject({ jobId, heldCredits: accepted.heldCredits });

    const job = await finished(f.member, jobId);
    expect(job.status).toBe('succeeded');
    expect(job.steps.map((s: any) => s.name)).toEqual(['plan embeddings', 'embed 1 of 1', 'apply and settle']);
    expect(embeddingRequests()).toBe(1);
    const result = job.result;
    expect(result).toMatchObject({
      method: 'embedding',
      clusteredKeywords: 10,
      unclusteredKeywords: 0,
      embeddings: { model: MODEL, embedded: 10, cached: 0, missing: 0, threshold: 0.86 },
    });
    expect(result.credits).toBeGreaterThan(0);
    expect(result.credits).toBeLessThanOrEqual(accepted.heldCredits);

    // The cache: one float32 vector per normalized keyword, for this account and model.
    const cached = await t.db.prisma.keywordEmbedding.findMany({ where: { accountId: f.member.accountId } });
    expect(cached.map((c) => c.normalized).sort()).toEqual(KEYWORDS.map(([k]) => normalizeKeyword(k)).sort());
    expect(cached.every((c) => c.model === MODEL && decodeVector(c.vector).length > 0)).toBe(true);

    // Clusters: method embedding, named after their head term (a phrase every name's keywords share), every
    // keyword in one.
    const rows = await t.db.prisma.keywordCluster.findMany({
      where: { sectorId: f.sectorId },
      include: { keywords: { select: { keyword: true, volume: true } } },
    });
    expect(rows.length).toBe(result.clusterCount);
    expect(rows.every((r) => r.method === 'embedding' && r.demo === false)).toBe(true);
    for (const r of rows) {
      const sharing = r.keywords.filter((k) => k.keyword.toLowerCase().includes(r.name.toLowerCase()));
      expect(sharing.length, r.name).toBeGreaterThanOrEqual(Math.min(2, r.keywords.length));
    }
    expect(await t.db.prisma.keyword.count({ where: { sectorId: f.sectorId, status: 'clustered' } })).toBe(10);

    // Charged once.
    expect(await billing().balance(f.member.accountId)).toBe(100_000 - result.credits);
    const captures = await t.db.prisma.creditLedgerEntry.count({
      where: { accountId: f.member.accountId, kind: 'capture' },
    });
    expect(captures).toBe(1);
    const hold = await t.db.prisma.creditHold.findUniqueOrThrow({ where: { jobRunId: jobId } });
    expect(hold).toMatchObject({ status: 'settled', captured: result.credits, amount: accepted.heldCredits });
  });

  it('a crash after an embedding step wrote its vectors, before its record: the retry embeds nothing again', async () => {
    fake.reset();
    const g = await fixture(100_000, true);
    // A run the worker does not know about (not on the queue), with its hold, driven by hand.
    const id = crypto.randomUUID();
    await t.db.prisma.jobRun.create({
      data: { id, accountId: g.member.accountId, siteId: g.siteId, type: clusterEmbeddingJob.type, status: 'running' },
    });
    const hold = await billing().hold({
      accountId: g.member.accountId,
      amount: 50,
      operation: 'cluster_embedding',
      siteId: g.siteId,
      jobRunId: id,
    });
    const payload = {
      siteId: g.siteId,
      sectorId: g.sectorId,
      keywordIds: null,
      holdId: hold.id,
      model: MODEL,
      options: {},
    };
    const def = t.queue.definition(clusterEmbeddingJob.type);
    const context = (steps: StoredStep[]) =>
      new JobContext(
        t.db.prisma,
        id,
        g.member.accountId,
        undefined,
        1,
        pino({ level: 'silent' }),
        new AbortController().signal,
        steps,
      );

    // Attempt 1 dies right after the embedding step's work (vectors written), before the step is recorded.
    class Crashing extends JobContext {
      override async step<T extends Prisma.InputJsonValue | void>(
        name: string,
        fn: () => Promise<T>,
        options?: { progress?: number },
      ): Promise<T> {
        if (name.startsWith('embed')) {
          await fn();
          throw new Error('worker killed');
        }
        return super.step(name, fn, options);
      }
    }
    const crashing = new Crashing(
      t.db.prisma,
      id,
      g.member.accountId,
      undefined,
      1,
      pino({ level: 'silent' }),
      new AbortController().signal,
      [],
    );
    await expect(def.handler(crashing, payload)).rejects.toThrow('worker killed');
    expect(embeddingRequests()).toBe(1);
    expect(await t.db.prisma.keywordEmbedding.count({ where: { accountId: g.member.accountId } })).toBe(10);

    // Attempt 2 starts from the recorded steps (the plan only): no embedding request, the clusters written once.
    const stored = await t.db.prisma.jobRun.findUniqueOrThrow({ where: { id } });
    expect((stored.steps as unknown as StoredStep[]).map((s) => s.name)).toEqual(['plan embeddings']);
    const result: any = await def.handler(context(stored.steps as unknown as StoredStep[]), payload);
    expect(embeddingRequests()).toBe(1);
    // The lost step's credits are not charged (its record is gone): the retry errs on the customer's side.
    expect(result).toMatchObject({
      method: 'embedding',
      clusteredKeywords: 10,
      credits: 0,
      embeddings: { missing: 0 },
    });
    // Attempt 3 (the worker died after the final commit): nothing written twice, the hold settled once.
    const final = await t.db.prisma.jobRun.findUniqueOrThrow({ where: { id } });
    const again = await def.handler(context(final.steps as unknown as StoredStep[]), payload);
    expect(again).toEqual(result);
    expect(embeddingRequests()).toBe(1);
    expect(await t.db.prisma.keywordCluster.count({ where: { sectorId: g.sectorId } })).toBe(result.clusterCount);
    expect(await t.db.prisma.creditHold.findUniqueOrThrow({ where: { id: hold.id } })).toMatchObject({
      status: 'settled',
    });
    expect(
      await t.db.prisma.creditLedgerEntry.count({ where: { holdId: hold.id, kind: { in: ['capture', 'release'] } } }),
    ).toBeLessThanOrEqual(2);
  });

  it('a second run over cached keywords holds nothing, makes no embedding request and is free', async () => {
    fake.reset();
    // Unclustered again: the same texts, already in the cache.
    await t.db.prisma.keyword.updateMany({ where: { sectorId: f.sectorId }, data: { clusterId: null, status: 'new' } });
    await t.db.prisma.keywordCluster.deleteMany({ where: { sectorId: f.sectorId } });
    const balance = await billing().balance(f.member.accountId);
    const holds = await t.db.prisma.creditHold.count({ where: { accountId: f.member.accountId } });

    const res = await run(f, {}, { options: { embeddingThreshold: 0.6 } });
    expect(res.statusCode).toBe(202);
    expect(res.json().data).toMatchObject({ keywordCount: 10, heldCredits: 0, model: MODEL });
    const job = await finished(f.member, res.json().data.jobId);
    expect(job.status).toBe('succeeded');
    expect(job.steps.map((s: any) => s.name)).toEqual(['plan embeddings', 'apply']);
    expect(job.result).toMatchObject({
      method: 'embedding',
      credits: 0,
      clusteredKeywords: 10,
      embeddings: { embedded: 0, cached: 10, missing: 0, threshold: 0.6 },
    });
    expect(embeddingRequests()).toBe(0);
    expect(await billing().balance(f.member.accountId)).toBe(balance);
    expect(await t.db.prisma.creditHold.count({ where: { accountId: f.member.accountId } })).toBe(holds);
  });

  it('puts two keywords that share no word together only when their embeddings say they mean the same', async () => {
    // "ynab" shares no word, WordNet sense or GloVe vector with "budgeting app": the free method leaves it alone.
    // The fake embeds "ynab" exactly as "budgeting app" (embedAs knob): the embedding run must use that vector.
    const words: [string, number][] = [
      ['budgeting app', 5000],
      ['budgeting apps', 1500],
      ['best budgeting app', 900],
      ['ynab', 800],
      ['apple pie recipe', 12000],
      ['apple pie', 1100],
      ['easy apple pie recipe', 700],
    ];
    const setup = async () => {
      const g = await fixture(100_000, true);
      await t.db.prisma.keyword.deleteMany({ where: { sectorId: g.sectorId } });
      await t.db.prisma.keyword.createMany({
        data: words.map(([keyword, volume]) => ({
          accountId: g.member.accountId,
          siteId: g.siteId,
          sectorId: g.sectorId,
          keyword,
          normalized: normalizeKeyword(keyword),
          volume,
          intent: inferIntent(keyword),
          source: 'manual',
        })),
      });
      return g;
    };
    const clusterOf = async (g: Fixture, keyword: string) =>
      (await t.db.prisma.keyword.findFirstOrThrow({ where: { sectorId: g.sectorId, keyword } })).clusterId;

    const lexical = await setup();
    const free = await t.app.inject({
      method: 'POST',
      url: '/api/v1/planner/clusters/run',
      headers: lexical.member.headers,
      payload: { siteId: lexical.siteId, sectorId: lexical.sectorId, method: 'lexical' },
    });
    expect((await finished(lexical.member, free.json().data.jobId)).status).toBe('succeeded');
    expect(await clusterOf(lexical, 'ynab')).not.toBe(await clusterOf(lexical, 'budgeting app'));
    expect(await clusterOf(lexical, 'budgeting apps')).toBe(await clusterOf(lexical, 'budgeting app'));

    fake.reset();
    fake.setKnobs({ embedAs: { ynab: 'budgeting app' } });
    const embedded = await setup();
    const res = await run(embedded);
    expect(res.statusCode).toBe(202);
    const job = await finished(embedded.member, res.json().data.jobId);
    expect(job.status).toBe('succeeded');
    expect(job.result.embeddings).toMatchObject({ embedded: 7, missing: 0 });
    expect(job.result.embeddings.attachedKeywords).toBeGreaterThanOrEqual(1);
    expect(await clusterOf(embedded, 'ynab')).toBe(await clusterOf(embedded, 'budgeting app'));
    // The pie keywords are far from both in the vectors: they stay apart.
    expect(await clusterOf(embedded, 'apple pie')).not.toBe(await clusterOf(embedded, 'ynab'));
    const named = await t.db.prisma.keywordCluster.findUniqueOrThrow({
      where: { id: (await clusterOf(embedded, 'ynab'))! },
    });
    expect(named.name).toBe('budgeting app');
    fake.reset();
  });

  it('a failed run releases its whole hold and writes no cluster', async () => {
    fake.reset();
    const g = await fixture(100_000, true);
    fake.setKnobs({ failNext: [{ kind: 'quota' }] });
    const res = await run(g);
    expect(res.statusCode).toBe(202);
    const job = await finished(g.member, res.json().data.jobId);
    expect(job.status).toBe('failed');
    expect(job.error.code).toBe('AI_QUOTA_EXHAUSTED');
    await eventually(
      async () => ((await billing().balance(g.member.accountId)) === 100_000 ? true : undefined),
      10_000,
    );
    expect(await t.db.prisma.keywordCluster.count({ where: { sectorId: g.sectorId } })).toBe(0);
    expect(await t.db.prisma.keywordEmbedding.count({ where: { accountId: g.member.accountId } })).toBe(0);
  });
});
