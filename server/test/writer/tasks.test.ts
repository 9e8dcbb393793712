import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeAi, type FakeAi } from '../fake-ai/server.ts';
import { FAKE_AI_ENV, memberWithFakeAi } from '../helpers/ai.ts';
import { createTestApp, type TestContext } from '../helpers/app.ts';
import { addSector, siteWithSector } from '../planner/helpers.ts';
import { handTask, outlineOf, writerApi } from './helpers.ts';

/** Writer tasks by hand: create, list, get, change, delete; validation naming fields; other accounts' ids are 404. */
let t: TestContext;
let fake: FakeAi;
let api: ReturnType<typeof writerApi>;
const account = (credits = 0) => memberWithFakeAi(t, fake, credits);

beforeAll(async () => {
  t = await createTestApp(FAKE_AI_ENV);
  fake = await startFakeAi();
  api = writerApi(t);
});
afterAll(async () => {
  await fake?.close();
  await t?.close();
});

const fieldsOf = (res: { json: () => { details: { fields: { field: string }[] } } }) =>
  res
    .json()
    .details.fields.map((f) => f.field)
    .sort();

describe('tasks by hand', () => {
  it('creates a task with defaults, lists, gets, changes and deletes it', async () => {
    const member = await account();
    const where = await siteWithSector(t, member);
    const created = await api(member, 'POST', '/tasks', {
      ...where,
      title: 'Waterproof hiking boots explained',
      primaryKeyword: 'waterproof hiking boots',
    });
    expect(created.statusCode, created.body).toBe(201);
    const task = created.json().data;
    expect(task).toMatchObject({
      ...where,
      ideaId: null,
      status: 'queued',
      outline: [],
      contentType: 'guide',
      targetWordCount: 1500,
      language: null,
      voice: null,
      imageCount: 2,
      includeFaq: false,
      failureReason: null,
      lastJobId: null,
      content: null,
    });

    const changed = await api(member, 'PATCH', `/tasks/${task.id}`, {
      outline: outlineOf(['Membranes', 'Care']),
      targetWordCount: 2000,
      language: 'pt-BR',
      voice: 'plain and practical',
      includeFaq: true,
      imageCount: 0,
    });
    expect(changed.statusCode, changed.body).toBe(200);
    expect(changed.json().data).toMatchObject({
      targetWordCount: 2000,
      language: 'pt-BR',
      voice: 'plain and practical',
      includeFaq: true,
      imageCount: 0,
      outline: [
        { level: 'h2', heading: 'Membranes' },
        { level: 'h2', heading: 'Care' },
      ],
    });
    expect((await api(member, 'GET', `/tasks/${task.id}`)).json().data.language).toBe('pt-BR');

    // The planner's task list still shows hand-made tasks.
    const planner = await t.app.inject({
      method: 'GET',
      url: `/api/v1/planner/tasks?siteId=${where.siteId}`,
      headers: member.headers,
    });
    expect(planner.json().data.items.map((x: { id: string }) => x.id)).toEqual([task.id]);

    const unwritten = await api(member, 'GET', `/tasks/${task.id}/content`);
    expect(unwritten.statusCode).toBe(404);
    expect(unwritten.json().error).toMatch(/has not been written yet: start it with POST/);

    expect((await api(member, 'DELETE', `/tasks/${task.id}`)).statusCode).toBe(200);
    expect((await api(member, 'GET', `/tasks/${task.id}`)).statusCode).toBe(404);
  });

  it('names the offending fields: lengths, counts, levels, language tags, unknown statuses', async () => {
    const member = await account();
    const where = await siteWithSector(t, member);
    const bad = await api(member, 'POST', '/tasks', {
      ...where,
      title: 'Tiny',
      primaryKeyword: '',
      outline: [{ level: 'h4', heading: 'Too deep' }],
      targetWordCount: 100,
      imageCount: 7,
      language: 'not a language',
    });
    expect(bad.statusCode).toBe(422);
    expect(fieldsOf(bad)).toEqual([
      'imageCount',
      'language',
      'outline.0.level',
      'primaryKeyword',
      'targetWordCount',
      'title',
    ]);
    const missing = await api(member, 'POST', '/tasks', { title: 'A good title for once' });
    expect(fieldsOf(missing)).toEqual(['primaryKeyword', 'sectorId', 'siteId']);
    const { task } = await handTask(t, member);
    const tooLong = await api(member, 'PATCH', `/tasks/${task.id}`, { targetWordCount: 6001 });
    expect(fieldsOf(tooLong)).toEqual(['targetWordCount']);
    expect((await api(member, 'PATCH', `/tasks/${task.id}`, {})).statusCode).toBe(422);
    const status = await api(member, 'GET', `/tasks?status=done`);
    expect(fieldsOf(status)).toEqual(['status']);
    // A sector of another site of the same account.
    const other = await siteWithSector(t, member, 'Other');
    const mixed = await api(member, 'POST', '/tasks', {
      siteId: where.siteId,
      sectorId: other.sectorId,
      title: 'A good title for once',
      primaryKeyword: 'boots',
    });
    expect(mixed.statusCode).toBe(422);
    expect(mixed.json().error).toMatch(/sectorId sector .* belongs to another site/);
  });

  it('lists tasks of one site or of the whole account, by status, in cursor pages', async () => {
    const member = await account();
    const where = await siteWithSector(t, member);
    const second = await addSector(t, member, where.siteId, 'Second');
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await api(member, 'POST', '/tasks', {
        siteId: where.siteId,
        sectorId: i % 2 ? second : where.sectorId,
        title: `Task number ${i} here`,
        primaryKeyword: 'boots',
      });
      ids.push(res.json().data.id);
    }
    const { task: elsewhere } = await handTask(t, member);
    await t.db.prisma.task.update({ where: { id: ids[1]! }, data: { status: 'review' } });
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { items: { id: string }[]; nextCursor: string | null } = (
        await api(member, 'GET', `/tasks?siteId=${where.siteId}&limit=2${cursor ? `&cursor=${cursor}` : ''}`)
      ).json().data;
      seen.push(...page.items.map((i) => i.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual([...ids].reverse());
    const all = (await api(member, 'GET', '/tasks')).json().data.items.map((i: { id: string }) => i.id);
    expect(all).toEqual([elsewhere.id, ...[...ids].reverse()]);
    const review = (await api(member, 'GET', `/tasks?siteId=${where.siteId}&status=review`)).json().data.items;
    expect(review.map((i: { id: string }) => i.id)).toEqual([ids[1]]);
  });

  it('a claim left by a request that died before its job was enqueued is taken over after a minute', async () => {
    const member = await account(1_000_000);
    const { task } = await handTask(t, member);
    await t.db.prisma.task.update({ where: { id: task.id }, data: { status: 'writing', lastJobRunId: null } });
    const fresh = await api(member, 'POST', `/tasks/${task.id}/generate`, {});
    expect(fresh.statusCode).toBe(409);
    await t.db.prisma
      .$executeRaw`UPDATE "Task" SET "updatedAt" = now() - interval '2 minutes' WHERE id = ${task.id}::uuid`;
    const taken = await api(member, 'POST', `/tasks/${task.id}/generate`, {});
    expect(taken.statusCode, taken.body).toBe(202);
    const got = (await api(member, 'GET', `/tasks/${task.id}`)).json().data;
    expect(got).toMatchObject({ status: 'writing', lastJobId: taken.json().data.jobId });
  });

  it("answers 404 for another account's tasks, contents, sites and sectors, and changes nothing", async () => {
    const owner = await account(1_000_000);
    const { task, siteId, sectorId } = await handTask(t, owner);
    const content = await t.db.prisma.content.create({
      data: { accountId: owner.accountId, siteId, taskId: task.id, language: 'en', currentVersion: 1 },
    });
    await t.db.prisma.contentVersion.create({
      data: {
        contentId: content.id,
        number: 1,
        source: 'edited',
        title: 'T',
        seoTitle: 'T',
        metaDescription: 'D',
        slug: 't',
        excerpt: 'E',
        sections: [{ level: 'h2', heading: 'H', html: '<p>Some words here.</p>' }],
        body: '<!-- wp:paragraph -->\n<p>Some words here.</p>\n<!-- /wp:paragraph -->',
        wordCount: 3,
      },
    });
    const stranger = await account(1_000_000);
    const own = await siteWithSector(t, stranger);
    for (const [method, url, body] of [
      ['GET', `/tasks/${task.id}`, undefined],
      ['PATCH', `/tasks/${task.id}`, { title: 'Hijacked title here' }],
      ['DELETE', `/tasks/${task.id}`, undefined],
      ['POST', `/tasks/${task.id}/generate`, {}],
      ['GET', `/tasks/${task.id}/content`, undefined],
      ['GET', `/tasks?siteId=${siteId}`, undefined],
      ['POST', '/tasks', { siteId, sectorId, title: 'A stolen site task', primaryKeyword: 'x' }],
      ['POST', '/tasks', { siteId: own.siteId, sectorId, title: 'A stolen sector task', primaryKeyword: 'x' }],
      ['GET', `/contents/${content.id}`, undefined],
      ['GET', `/contents/${content.id}/versions`, undefined],
      ['GET', `/contents/${content.id}/versions/1`, undefined],
      ['GET', `/contents/${content.id}/diff?from=1&to=1`, undefined],
      ['PATCH', `/contents/${content.id}`, { baseVersion: 1, title: 'Hijacked' }],
      ['POST', `/contents/${content.id}/restore`, { version: 1 }],
      ['POST', `/contents/${content.id}/sections/0/regenerate`, undefined],
      ['POST', `/contents/${content.id}/approve`, {}],
    ] as const) {
      const res = await api(stranger, method, url, body);
      expect(res.statusCode, `${method} ${url}: ${res.body}`).toBe(404);
    }
    expect(await t.db.prisma.jobRun.count({ where: { accountId: stranger.accountId } })).toBe(0);
    expect(await t.db.prisma.task.count({ where: { accountId: stranger.accountId } })).toBe(0);
    const after = await t.db.prisma.content.findUniqueOrThrow({ where: { id: content.id } });
    expect(after).toMatchObject({ currentVersion: 1, approvedVersion: null });
    expect((await api(owner, 'GET', `/tasks/${task.id}`)).json().data.status).toBe('queued');
  });
});
