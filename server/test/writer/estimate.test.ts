import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeAi, type FakeAi } from '../fake-ai/server.ts';
import { FAKE_AI_ENV, memberWithFakeAi } from '../helpers/ai.ts';
import { createTestApp, type TestContext } from '../helpers/app.ts';
import { siteWithSector } from '../planner/helpers.ts';
import { outlineOf, writerApi } from './helpers.ts';

/** POST /writer/estimate: the credits writing a task would hold, asked before the task exists. */
let t: TestContext;
let fake: FakeAi;
let api: ReturnType<typeof writerApi>;

beforeAll(async () => {
  t = await createTestApp(FAKE_AI_ENV);
  fake = await startFakeAi();
  api = writerApi(t);
});
afterAll(async () => {
  await fake?.close();
  await t?.close();
});

describe('writer estimate', () => {
  it('answers the credits the generate job then holds for the same fields, creating nothing', async () => {
    const member = await memberWithFakeAi(t, fake, 1_000_000);
    const where = await siteWithSector(t, member);
    const cases = [
      { title: 'Waterproof hiking boots explained', primaryKeyword: 'waterproof hiking boots' },
      {
        title: 'How to choose trail running shoes',
        primaryKeyword: 'trail running shoes',
        outline: outlineOf(['Fit', 'Grip', 'Price']),
        targetWordCount: 900,
        includeFaq: true,
      },
    ];
    for (const fields of cases) {
      const estimate = await api(member, 'POST', '/estimate', { siteId: where.siteId, ...fields });
      expect(estimate.statusCode, estimate.body).toBe(200);
      const { credits, model } = estimate.json().data;
      expect(credits).toBeGreaterThan(0);
      expect(model).toMatch(/\//);
      // With the sector named, the same answer.
      const withSector = await api(member, 'POST', '/estimate', { ...where, ...fields });
      expect(withSector.json().data).toEqual({ credits, model });

      expect(await t.db.prisma.task.count({ where: { accountId: member.accountId } })).toBe(cases.indexOf(fields));
      const task = await api(member, 'POST', '/tasks', { ...where, ...fields });
      expect(task.statusCode, task.body).toBe(201);
      const started = await api(member, 'POST', `/tasks/${task.json().data.id}/generate`, {});
      expect(started.statusCode, started.body).toBe(202);
      expect(started.json().data).toMatchObject({ heldCredits: credits, model });
    }
    // A longer article costs more.
    const short = await api(member, 'POST', '/estimate', { ...where, ...cases[0], targetWordCount: 600 });
    const long = await api(member, 'POST', '/estimate', { ...where, ...cases[0], targetWordCount: 4000 });
    expect(long.json().data.credits).toBeGreaterThan(short.json().data.credits);
  });

  it('names the fields it refuses; another site or sector is 404', async () => {
    const member = await memberWithFakeAi(t, fake, 0);
    const where = await siteWithSector(t, member);
    const bad = await api(member, 'POST', '/estimate', { siteId: where.siteId, title: 'x', primaryKeyword: '' });
    expect(bad.statusCode).toBe(422);
    const fields = bad
      .json()
      .details.fields.map((f: { field: string }) => f.field)
      .sort();
    expect(fields).toEqual(['primaryKeyword', 'title']);

    const other = await memberWithFakeAi(t, fake, 0);
    const elsewhere = await siteWithSector(t, other);
    const body = { title: 'Waterproof hiking boots explained', primaryKeyword: 'boots' };
    const site = await api(member, 'POST', '/estimate', { siteId: elsewhere.siteId, ...body });
    expect(site.statusCode).toBe(404);
    expect(site.json().code).toBe('NOT_FOUND');
    const sector = await api(member, 'POST', '/estimate', {
      siteId: where.siteId,
      sectorId: elsewhere.sectorId,
      ...body,
    });
    expect(sector.statusCode).toBe(404);
  });
});
