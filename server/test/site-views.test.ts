import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { signedUrlWithActor, type TWpLevel } from '../src/modules/auth/site-principal.ts';
import { startFakeAi, type FakeAi } from './fake-ai/server.ts';
import { memberWithFakeAi, startWorkerProcess } from './helpers/ai.ts';
import { createTestApp, type TestContext } from './helpers/app.ts';
import { FakeSite } from './helpers/fake-site.ts';
import { eventually, type RunningProcess } from './helpers/processes.ts';
import type { Member } from './helpers/users.ts';
import { insertKeywords, siteWithSector } from './planner/helpers.ts';

/**
 * What the plugin's Settings screen and Dashboard call through the site (docs/connection-protocol.md, "Calls on
 * behalf of a WordPress user"): the site's settings and sectors (WordPress Administrators), its own jobs, the
 * account's balance and the site's usage and transactions (Administrators); and that the usage a site is shown
 * is exactly what its work took off the balance, with the site's voice reaching the prompts.
 */

let t: TestContext;
let fake: FakeAi;
let worker: RunningProcess | undefined;
let owner: Member;
let site: FakeSite;
let siteId: string;
let sectorId: string;
let other: { siteId: string; sectorId: string };
const billing = () => t.services.billing;

interface Call {
  method?: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  path: string;
  body?: object;
  role?: TWpLevel;
}

/** A request signed by the connected site for WordPress user 7 at `role` (editor by default). */
function asSite(call: Call) {
  const method = call.method ?? 'GET';
  const body = call.body === undefined ? '' : JSON.stringify(call.body);
  const role = call.role ?? 'editor';
  const url = signedUrlWithActor(`http://localhost:80${call.path}`, { level: role, wpUserId: 7 });
  return t.app.inject({
    method,
    url: call.path,
    headers: {
      ...site.sign(method, url, body),
      'x-igny8-wp-role': role,
      'x-igny8-wp-user': '7',
      ...(body ? { 'content-type': 'application/json' } : {}),
    },
    ...(body ? { payload: body } : {}),
  });
}

const asOwner = (method: 'GET' | 'POST' | 'PATCH' | 'DELETE', url: string, payload?: object) =>
  t.app.inject({ method, url, headers: owner.headers, ...(payload ? { payload } : {}) });

/** Polls a job (through the site, or as the member) until it succeeds. */
const jobDone = (jobId: string, asMember = false) =>
  eventually(async () => {
    const path = `/api/v1/jobs/${jobId}`;
    const job = (await (asMember ? asOwner('GET', path) : asSite({ path }))).json().data;
    if (job.status === 'failed' || job.status === 'cancelled') throw new Error(`job ${jobId}: ${JSON.stringify(job)}`);
    return job.status === 'succeeded' ? job : undefined;
  }, 90_000);

beforeAll(async () => {
  t = await createTestApp({ ALLOW_PRIVATE_SITE_URLS: 'true' });
  fake = await startFakeAi();
  owner = await memberWithFakeAi(t, fake, 1_000_000);
  site = await new FakeSite().start();
  const key = (await asOwner('POST', '/api/v1/connection-keys')).json().data.key;
  const registered = await t.app.inject({
    method: 'POST',
    url: '/api/v1/connect/register',
    payload: site.registerBody(key),
  });
  expect(registered.statusCode).toBe(201);
  site.accept(registered.json().data);
  siteId = site.siteId!;
  // A sector without a voice of its own: the site's applies.
  sectorId = (await asOwner('POST', `/api/v1/sites/${siteId}/sectors`, { name: 'Main' })).json().data.id;
  other = await siteWithSector(t, owner, 'Other');
});
beforeEach(() => fake.reset());
afterAll(async () => {
  worker?.child.kill('SIGKILL');
  await worker?.exited;
  await site?.close();
  await fake?.close();
  await t?.close();
});

describe('the Settings screen: the site and its sectors', () => {
  it('lets a WordPress Administrator read and change its site, voice included', async () => {
    const got = await asSite({ path: `/api/v1/sites/${siteId}`, role: 'author' });
    expect(got.statusCode).toBe(200);
    expect(got.json().data).toMatchObject({ id: siteId, voice: '' });

    const changed = await asSite({
      method: 'PATCH',
      path: `/api/v1/sites/${siteId}`,
      role: 'admin',
      body: { name: 'Trail Blog', language: 'en-GB', timezone: 'Europe/Berlin', voice: '  warm and direct  ' },
    });
    expect(changed.statusCode, changed.body).toBe(200);
    expect(changed.json().data).toMatchObject({
      name: 'Trail Blog',
      language: 'en-GB',
      timezone: 'Europe/Berlin',
      voice: 'warm and direct',
    });
    expect((await asOwner('GET', `/api/v1/sites/${siteId}`)).json().data.voice).toBe('warm and direct');

    const tooLong = await asSite({
      method: 'PATCH',
      path: `/api/v1/sites/${siteId}`,
      role: 'admin',
      body: { voice: 'x'.repeat(2001) },
    });
    expect(tooLong.statusCode).toBe(422);
    expect(tooLong.json().details.fields[0]).toMatchObject({ field: 'voice' });
  });

  it('keeps editors and authors to reading the site, and every level off another site', async () => {
    for (const role of ['editor', 'author', 'subscriber'] as const) {
      const res = await asSite({ method: 'PATCH', path: `/api/v1/sites/${siteId}`, role, body: { voice: 'loud' } });
      expect({ role, status: res.statusCode, code: res.json().code }).toEqual({ role, status: 403, code: 'FORBIDDEN' });
      expect(res.json().error).toMatch(/WordPress Administrator/);
    }
    const sector = await asSite({
      method: 'POST',
      path: `/api/v1/sites/${siteId}/sectors`,
      role: 'editor',
      body: { name: 'Not mine to add' },
    });
    expect(sector.statusCode).toBe(403);
    const otherSite = await asSite({
      method: 'PATCH',
      path: `/api/v1/sites/${other.siteId}`,
      role: 'admin',
      body: { voice: 'stolen' },
    });
    expect(otherSite.statusCode).toBe(404);
    expect((await asOwner('GET', `/api/v1/sites/${other.siteId}`)).json().data.voice).toBe('');
  });

  it('lets a WordPress Administrator add, change and delete sectors', async () => {
    const created = await asSite({
      method: 'POST',
      path: `/api/v1/sites/${siteId}/sectors`,
      role: 'admin',
      body: { name: 'Gear reviews', voice: 'blunt' },
    });
    expect(created.statusCode, created.body).toBe(201);
    const id = created.json().data.id;
    const changed = await asSite({
      method: 'PATCH',
      path: `/api/v1/sites/${siteId}/sectors/${id}`,
      role: 'admin',
      body: { voice: '' },
    });
    expect(changed.json().data).toMatchObject({ name: 'Gear reviews', voice: '' });
    const removed = await asSite({ method: 'DELETE', path: `/api/v1/sites/${siteId}/sectors/${id}`, role: 'admin' });
    expect(removed.statusCode).toBe(200);
    const otherSector = await asSite({
      method: 'DELETE',
      path: `/api/v1/sites/${other.siteId}/sectors/${other.sectorId}`,
      role: 'admin',
    });
    expect(otherSector.statusCode).toBe(404);
  });

  it('never lets a site delete itself or manage its connection through account routes', async () => {
    const deleted = await asSite({ method: 'DELETE', path: `/api/v1/sites/${siteId}`, role: 'admin' });
    expect(deleted.statusCode).toBe(403);
    expect(deleted.json()).toMatchObject({ code: 'FORBIDDEN' });
    expect(deleted.json().error).toMatch(/cannot delete itself/);
    for (const [method, path] of [
      ['DELETE', `/api/v1/sites/${siteId}/connection`],
      ['POST', `/api/v1/sites/${siteId}/connection/rotate`],
      ['POST', `/api/v1/sites/${siteId}/connection/check`],
    ] as const) {
      const res = await asSite({ method, path, role: 'admin' });
      expect({ path, status: res.statusCode, code: res.json().code }).toEqual({ path, status: 403, code: 'FORBIDDEN' });
      expect(res.json().error).toMatch(/IGNY8 > Connection/);
    }
    expect(await t.db.prisma.site.count({ where: { id: siteId } })).toBe(1);
    expect(await t.db.prisma.siteConnection.count({ where: { siteId, status: 'connected' } })).toBe(1);
  });

  it('takes a voice when a member adds or changes a site', async () => {
    const created = await asOwner('POST', '/api/v1/sites', {
      name: 'Voiced',
      url: `https://voiced-${crypto.randomUUID().slice(0, 8)}.example.com`,
      voice: ' calm ',
    });
    expect(created.statusCode).toBe(201);
    expect(created.json().data.voice).toBe('calm');
    const plain = await asOwner('POST', '/api/v1/sites', {
      name: 'Plain',
      url: `https://plain-${crypto.randomUUID().slice(0, 8)}.example.com`,
    });
    expect(plain.json().data.voice).toBe('');
    const changed = await asOwner('PATCH', `/api/v1/sites/${plain.json().data.id}`, { voice: 'dry wit' });
    expect(changed.json().data.voice).toBe('dry wit');
  });
});

describe('the Dashboard: jobs', () => {
  it("lists only its own site's jobs, to every WordPress level", async () => {
    const job = (site: string | null) =>
      t.db.prisma.jobRun.create({
        data: { id: crypto.randomUUID(), accountId: owner.accountId, siteId: site, type: 'planner.import' },
      });
    const own = await job(siteId);
    const others = await job(other.siteId);
    const accountWide = await job(null);

    for (const role of ['admin', 'subscriber'] as const) {
      const res = await asSite({ path: '/api/v1/jobs?limit=200', role });
      expect(res.statusCode, res.body).toBe(200);
      const items = res.json().data.items as { id: string; siteId: string }[];
      expect(items.map((j) => j.id)).toContain(own.id);
      expect(items.every((j) => j.siteId === siteId)).toBe(true);
    }
    const filtered = await asSite({ path: `/api/v1/jobs?siteId=${siteId}&status=queued` });
    expect(filtered.json().data.items.map((j: { id: string }) => j.id)).toContain(own.id);

    // A member lists the account's jobs, or one site's.
    const all = (await asOwner('GET', '/api/v1/jobs?limit=200')).json().data.items.map((j: { id: string }) => j.id);
    expect(all).toEqual(expect.arrayContaining([own.id, others.id, accountWide.id]));
    const ofOther = (await asOwner('GET', `/api/v1/jobs?siteId=${other.siteId}`)).json().data.items;
    expect(ofOther.map((j: { id: string }) => j.id)).toEqual([others.id]);
  });

  it("answers 404 for another site's or an unknown site's id", async () => {
    const res = await asSite({ path: `/api/v1/jobs?siteId=${other.siteId}` });
    expect(res.statusCode).toBe(404);
    expect(res.json().code).toBe('NOT_FOUND');
    const unknown = crypto.randomUUID();
    const byMember = await asOwner('GET', `/api/v1/jobs?siteId=${unknown}`);
    expect(byMember.statusCode).toBe(404);
    expect(byMember.json().error).toContain(unknown);
    expect((await asOwner('GET', '/api/v1/jobs?siteId=nope')).statusCode).toBe(422);
  });
});

describe('credits and usage', () => {
  it('shows the balance to WordPress Administrators only', async () => {
    const balance = await asSite({ path: '/api/v1/billing/balance', role: 'admin' });
    expect(balance.statusCode, balance.body).toBe(200);
    expect(balance.json().data).toMatchObject({ balance: await billing().balance(owner.accountId), low: false });
    for (const role of ['editor', 'author', 'contributor', 'subscriber'] as const) {
      for (const path of ['balance', 'usage', 'transactions']) {
        const res = await asSite({ path: `/api/v1/billing/${path}`, role });
        expect({ role, path, status: res.statusCode, code: res.json().code }).toEqual({
          role,
          path,
          status: 403,
          code: 'FORBIDDEN',
        });
        expect(res.json().error).toMatch(/WordPress Administrators only/);
      }
    }
  });

  it('shows a site its own transactions and usage only; members may filter by site', async () => {
    const member = await memberWithFakeAi(t, fake, 0);
    const b = billing();
    await b.grant(owner.accountId, 500, 'for the ledger test', owner.userId);
    for (const [where, used] of [
      [siteId, 30],
      [other.siteId, 70],
    ] as const) {
      const hold = await b.hold({
        accountId: owner.accountId,
        amount: 100,
        operation: 'generate_ideas',
        siteId: where,
      });
      await b.settle(hold.id, { captured: used, model: 'openai/gpt-4.1-mini' });
    }

    const own = await asSite({ path: '/api/v1/billing/transactions?limit=200', role: 'admin' });
    expect(own.statusCode, own.body).toBe(200);
    const ownItems = own.json().data.items as { siteId: string | null; kind: string }[];
    expect(ownItems.length).toBeGreaterThanOrEqual(3); // hold, capture, release
    expect(ownItems.every((e) => e.siteId === siteId)).toBe(true);

    const ofOther = (await asOwner('GET', `/api/v1/billing/transactions?siteId=${other.siteId}&kind=capture`)).json()
      .data.items as { siteId: string; credits: number }[];
    expect(ofOther.map((e) => [e.siteId, e.credits])).toEqual([[other.siteId, 70]]);

    const usage = (path: string, call: (p: string) => Promise<{ json(): { data: { total: unknown } } }>) =>
      call(path).then((r) => r.json().data.total);
    const siteView = (p: string) => asSite({ path: p, role: 'admin' });
    const memberView = (p: string) => asOwner('GET', p);
    const siteTotal = (await usage('/api/v1/billing/usage', siteView)) as { credits: number };
    const memberSiteTotal = (await usage(`/api/v1/billing/usage?siteId=${siteId}`, memberView)) as { credits: number };
    const otherTotal = (await usage(`/api/v1/billing/usage?siteId=${other.siteId}`, memberView)) as {
      credits: number;
    };
    const allTotal = (await usage('/api/v1/billing/usage', memberView)) as { credits: number };
    expect(siteTotal).toEqual(memberSiteTotal);
    expect(otherTotal.credits).toBeGreaterThanOrEqual(70);
    expect(allTotal.credits).toBe(siteTotal.credits + otherTotal.credits);
    const bySite = (await asSite({ path: '/api/v1/billing/usage?groupBy=site', role: 'admin' })).json().data.groups;
    expect(bySite.map((g: { key: string }) => g.key)).toEqual([siteId]);

    for (const path of [
      `/api/v1/billing/usage?siteId=${other.siteId}`,
      `/api/v1/billing/transactions?siteId=${other.siteId}`,
    ]) {
      const res = await asSite({ path, role: 'admin' });
      expect({ path, status: res.statusCode }).toEqual({ path, status: 404 });
    }
    // Another account's site is unknown here, as any other tenant's id.
    for (const path of [`/api/v1/billing/usage?siteId=${siteId}`, `/api/v1/billing/transactions?siteId=${siteId}`]) {
      const res = await t.app.inject({ method: 'GET', url: path, headers: member.headers });
      expect({ path, status: res.statusCode }).toEqual({ path, status: 404 });
    }
  });
});

describe('a site journey: the balance falls by exactly the usage the site is shown', () => {
  it('clusters, plans ideas, writes and illustrates in the site voice; usage equals the balance delta', async () => {
    worker = await startWorkerProcess(t);
    const balance = async () => (await asSite({ path: '/api/v1/billing/balance', role: 'admin' })).json().data.balance;
    const from = new Date(Date.now() - 1000).toISOString();
    const siteUsage = async (groupBy = 'operation') => {
      const res = await asSite({
        path: `/api/v1/billing/usage?groupBy=${groupBy}&from=${encodeURIComponent(from)}`,
        role: 'admin',
      });
      expect(res.statusCode, res.body).toBe(200);
      return res.json().data as { total: { credits: number; count: number }; groups: { key: string }[] };
    };
    const before = await balance();
    const usageBefore = (await siteUsage()).total.credits;

    await asSite({
      method: 'PATCH',
      path: `/api/v1/sites/${siteId}`,
      role: 'admin',
      body: { voice: 'warm and direct' },
    });
    await insertKeywords(
      t,
      owner,
      { siteId, sectorId },
      ['trail running shoes', 'best trail running shoes', 'waterproof trail shoes', 'marathon training plan'].map(
        (keyword, i) => ({ keyword, volume: 1000 - i * 100 }),
      ),
    );

    const clustering = await asSite({
      method: 'POST',
      path: '/api/v1/planner/clusters/run',
      body: { siteId, sectorId, method: 'ai' },
    });
    expect(clustering.statusCode, clustering.body).toBe(202);
    await jobDone(clustering.json().data.jobId);
    const clusters = (await asSite({ path: `/api/v1/planner/clusters?siteId=${siteId}` })).json().data.items;
    expect(clusters.length).toBeGreaterThan(0);

    const ideas = await asSite({
      method: 'POST',
      path: `/api/v1/planner/clusters/${clusters[0].id}/ideas/generate`,
      body: { count: 2 },
    });
    expect(ideas.statusCode, ideas.body).toBe(202);
    await jobDone(ideas.json().data.jobId);

    const task = await asSite({
      method: 'POST',
      path: '/api/v1/writer/tasks',
      body: {
        siteId,
        sectorId,
        title: 'How to choose trail running shoes',
        primaryKeyword: 'trail running shoes',
        outline: [
          { level: 'h2', heading: 'Fit and comfort' },
          { level: 'h2', heading: 'Grip on wet rock' },
        ],
        targetWordCount: 600,
        imageCount: 1,
      },
    });
    expect(task.statusCode, task.body).toBe(201);
    const taskId = task.json().data.id;
    const writing = await asSite({ method: 'POST', path: `/api/v1/writer/tasks/${taskId}/generate`, body: {} });
    expect(writing.statusCode, writing.body).toBe(202);
    await jobDone(writing.json().data.jobId);
    const contentId = (await asSite({ path: `/api/v1/writer/tasks/${taskId}` })).json().data.content.id;
    const images = await asSite({
      method: 'POST',
      path: `/api/v1/writer/contents/${contentId}/images/generate`,
      body: {},
    });
    expect(images.statusCode, images.body).toBe(202);
    await jobDone(images.json().data.jobId);

    // The site's voice reached the prompts that carry one (the sector has none, nor the task).
    const voiced = fake.requests.filter((r) => JSON.stringify(r.body).includes('voice: '));
    expect(voiced.length).toBeGreaterThan(0);
    for (const r of voiced) expect(JSON.stringify(r.body)).toContain('voice: warm and direct');

    const after = await balance();
    const usage = await siteUsage();
    const used = usage.total.credits - usageBefore;
    expect(used).toBeGreaterThan(0);
    expect(before - after).toBe(used);
    expect(usage.groups.map((g) => g.key).sort()).toEqual(
      expect.arrayContaining(['auto_cluster', 'generate_content', 'generate_ideas', 'generate_images']),
    );
    expect(await t.db.prisma.creditHold.count({ where: { accountId: owner.accountId, status: 'open' } })).toBe(0);

    // Work on another site of the account lowers the balance but not this site's usage.
    const run = await asOwner('POST', '/api/v1/ai/runs', {
      function: 'generate_ideas',
      siteId: other.siteId,
      input: { clusterName: 'road shoes', keywords: ['road running shoes'], ideaCount: 1 },
    });
    expect(run.statusCode, run.body).toBe(202);
    expect((await asSite({ path: `/api/v1/jobs/${run.json().data.jobId}` })).statusCode).toBe(404);
    await jobDone(run.json().data.jobId, true);
    const afterOther = await balance();
    expect(afterOther).toBeLessThan(after);
    expect((await siteUsage()).total.credits).toBe(usage.total.credits);
  }, 240_000);
});
