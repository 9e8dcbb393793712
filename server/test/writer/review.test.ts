import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { problemsIn } from './content/helpers.ts';
import { startFakeAi, type FakeAi } from '../fake-ai/server.ts';
import { FAKE_AI_ENV, memberWithFakeAi, startWorkerProcess } from '../helpers/ai.ts';
import { createTestApp, type TestContext } from '../helpers/app.ts';
import type { RunningProcess } from '../helpers/processes.ts';
import type { Member } from '../helpers/users.ts';
import { handTask, jobDone, outlineOf, writerApi, writeTask } from './helpers.ts';

/** Review: versions, diffs, edits (stale base refused), restores, rewriting one section, approval and its reset. */
let t: TestContext;
let fake: FakeAi;
let worker: RunningProcess | undefined;
let api: ReturnType<typeof writerApi>;

beforeAll(async () => {
  t = await createTestApp(FAKE_AI_ENV);
  fake = await startFakeAi();
  api = writerApi(t);
  worker = await startWorkerProcess(t);
});
beforeEach(() => fake.reset());
afterAll(async () => {
  worker?.child.kill('SIGKILL');
  await worker?.exited;
  await fake?.close();
  await t?.close();
});

type Diff = {
  fields: { field: string; changed: boolean; parts: { value: string; added: boolean; removed: boolean }[] }[];
  sections: { index: number; status: string; text: { parts: { value: string; added: boolean }[] } }[];
  wordsAdded: number;
  wordsRemoved: number;
};

async function written(member: Member) {
  const { task } = await handTask(t, member, { outline: outlineOf(['Fit', 'Grip', 'Care']), targetWordCount: 600 });
  await writeTask(t, member, task.id);
  const content = (await api(member, 'GET', `/tasks/${task.id}/content`)).json().data;
  return { task, content };
}

const diff = async (member: Member, contentId: string, from: number, to: number): Promise<Diff> =>
  (await api(member, 'GET', `/contents/${contentId}/diff?from=${from}&to=${to}`)).json().data;

describe('reviewing written content', () => {
  it('edits make new versions (sanitized, limits checked, stale base refused), diffs show what changed, restores', async () => {
    const member = await memberWithFakeAi(t, fake, 1_000_000);
    const { task, content } = await written(member);
    expect(content).toMatchObject({ currentVersion: 1, approved: false, task: { id: task.id, status: 'review' } });
    const v1 = content.version;
    expect(v1.sections.map((s: { heading: string }) => s.heading)).toEqual(['Fit', 'Grip', 'Care']);

    const edited = await api(member, 'PATCH', `/contents/${content.id}`, {
      baseVersion: 1,
      title: 'Trail shoes that fit',
      seoTitle: 'Trail shoes that fit: a short guide',
      sections: [
        {
          index: 1,
          heading: 'Grip on <b>wet</b> rock',
          html: '<p onclick="steal()">Lugs bite into mud.<script>alert(1)</script> <a href="javascript:alert(2)">More</a></p>',
        },
      ],
      faq: [
        {
          question: 'Do they run small?',
          answer: '<p>Often half a size.</p><iframe src="https://evil.test"></iframe>',
        },
      ],
      note: 'Tightened the grip section',
    });
    expect(edited.statusCode, edited.body).toBe(200);
    const v2 = edited.json().data.version;
    expect(v2).toMatchObject({
      number: 2,
      source: 'edited',
      title: 'Trail shoes that fit',
      seoTitle: 'Trail shoes that fit: a short guide',
      note: 'Tightened the grip section',
      createdById: member.userId,
      jobId: null,
    });
    expect(v2.sections[1].heading).toBe('Grip on wet rock');
    expect(v2.sections[1].html).toContain('Lugs bite into mud.');
    expect(v2.sections[0]).toEqual(v1.sections[0]);
    for (const markup of [v2.body, v2.sections[1].html, v2.faq[0].answer]) {
      expect(markup).not.toMatch(/script|onclick|javascript:|iframe/i);
    }
    expect(problemsIn(v2.body)).toEqual([]);
    expect(v2.body).toContain('Do they run small?');

    // An edit made on version 1 after version 2 exists: refused, naming both.
    const stale = await api(member, 'PATCH', `/contents/${content.id}`, { baseVersion: 1, title: 'Another title' });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().error).toMatch(/made on version 1, but version 2 is current now/);
    expect(stale.json().details).toMatchObject({ baseVersion: 1, currentVersion: 2 });

    const bad = await api(member, 'PATCH', `/contents/${content.id}`, {
      baseVersion: 2,
      seoTitle: 'x'.repeat(61),
      metaDescription: 'y'.repeat(161),
      slug: 'Not A Slug',
    });
    expect(bad.statusCode).toBe(422);
    expect(
      bad
        .json()
        .details.fields.map((f: { field: string }) => f.field)
        .sort(),
    ).toEqual(['metaDescription', 'seoTitle', 'slug']);
    const badSections = await api(member, 'PATCH', `/contents/${content.id}`, {
      baseVersion: 2,
      sections: [
        { index: 7, html: '<p>x</p>' },
        { index: 0, html: '<script>alert(1)</script><iframe></iframe>' },
      ],
    });
    expect(badSections.statusCode).toBe(422);
    expect(badSections.json().details.fields.map((f: { field: string }) => f.field)).toEqual([
      'sections.0.index',
      'sections.1.html',
    ]);
    expect(badSections.json().error).toMatch(/there is no section 7 \(version 2 has 3, numbered from 0\)/);

    const d = await diff(member, content.id, 1, 2);
    const field = (name: string) => d.fields.find((f) => f.field === name)!;
    expect(field('title').changed).toBe(true);
    expect(
      field('title')
        .parts.filter((p) => p.added)
        .map((p) => p.value)
        .join(''),
    ).toContain('fit');
    expect(field('slug').changed).toBe(false);
    expect(field('faq').changed).toBe(true);
    expect(d.sections.map((s) => s.status)).toEqual(['unchanged', 'changed', 'unchanged']);
    expect(d.wordsAdded).toBeGreaterThan(0);
    expect(d.wordsRemoved).toBeGreaterThan(0);
    expect((await api(member, 'GET', `/contents/${content.id}/diff?from=1&to=9`)).statusCode).toBe(404);
    // Without versions named: the current one against the one before.
    const latest = (await api(member, 'GET', `/contents/${content.id}/diff`)).json().data;
    expect(latest).toMatchObject({ from: 1, to: 2, wordsAdded: d.wordsAdded, wordsRemoved: d.wordsRemoved });

    const versions = (await api(member, 'GET', `/contents/${content.id}/versions`)).json().data;
    expect(versions.map((v: { number: number; source: string }) => [v.number, v.source])).toEqual([
      [2, 'edited'],
      [1, 'generated'],
    ]);
    expect(versions[0]).not.toHaveProperty('body');
    const whole = (await api(member, 'GET', `/contents/${content.id}/versions/1`)).json().data;
    expect(whole.body).toBe(v1.body);

    const restored = await api(member, 'POST', `/contents/${content.id}/restore`, { version: 1 });
    expect(restored.statusCode, restored.body).toBe(200);
    expect(restored.json().data.version).toMatchObject({
      number: 3,
      source: 'restored',
      note: 'Restored from version 1.',
    });
    const same = await diff(member, content.id, 1, 3);
    expect(same.fields.every((f) => !f.changed)).toBe(true);
    expect(same.sections.every((s) => s.status === 'unchanged')).toBe(true);
    expect(restored.json().data.version.body).toBe(v1.body);
    expect((await api(member, 'POST', `/contents/${content.id}/restore`, { version: 8 })).statusCode).toBe(404);
  }, 60_000);

  it('rewrites one section with one provider call; approval is cleared by any later version', async () => {
    const member = await memberWithFakeAi(t, fake, 1_000_000);
    const { task, content } = await written(member);
    const approved = await api(member, 'POST', `/contents/${content.id}/approve`, { version: 1 });
    expect(approved.statusCode, approved.body).toBe(200);
    expect(approved.json().data).toMatchObject({ approved: true, approvedVersion: 1, task: { status: 'approved' } });

    fake.reset();
    const start = await api(member, 'POST', `/contents/${content.id}/sections/2/regenerate`);
    expect(start.statusCode, start.body).toBe(202);
    expect(start.json().data.heldCredits).toBeGreaterThan(0);
    const job = await jobDone(t, member, start.json().data.jobId);
    expect(job.result).toMatchObject({ version: 2, index: 2 });
    expect(fake.requests).toHaveLength(1);
    expect(JSON.stringify(fake.requests[0]!.body)).toContain('section \\"Care (a new version');

    const after = (await api(member, 'GET', `/contents/${content.id}`)).json().data;
    expect(after).toMatchObject({
      currentVersion: 2,
      approvedVersion: null,
      approved: false,
      task: { status: 'review' },
    });
    expect(after.version).toMatchObject({ source: 'section_regenerated', note: 'Section 3 ("Care") rewritten.' });
    const d = await diff(member, content.id, 1, 2);
    expect(d.sections.map((s) => s.status)).toEqual(['unchanged', 'unchanged', 'changed']);
    // Only the section's text: title, SEO fields, slug, excerpt and FAQ stay.
    expect(d.fields.filter((f) => f.changed)).toEqual([]);
    expect(after.version.sections[2].heading).toBe('Care');
    expect(problemsIn(after.version.body)).toEqual([]);
    const hold = await t.db.prisma.creditHold.findUniqueOrThrow({ where: { jobRunId: job.id } });
    expect(hold.captured).toBe(job.result.credits);

    // Approving a version that is not the current one is refused; a bad section index names it.
    const old = await api(member, 'POST', `/contents/${content.id}/approve`, { version: 1 });
    expect(old.statusCode).toBe(409);
    expect(old.json().error).toMatch(/Version 1 is not the current one \(version 2 is\)/);
    const missing = await api(member, 'POST', `/contents/${content.id}/sections/3/regenerate`);
    expect(missing.statusCode).toBe(422);
    expect(missing.json().details.fields[0].field).toBe('index');

    const again = await api(member, 'POST', `/contents/${content.id}/approve`);
    expect(again.statusCode, again.body).toBe(200);
    expect(again.json().data.approvedVersion).toBe(2);
    const edit = await api(member, 'PATCH', `/contents/${content.id}`, { baseVersion: 2, excerpt: 'A short excerpt.' });
    expect(edit.json().data).toMatchObject({ currentVersion: 3, approvedVersion: null, task: { status: 'review' } });
    expect((await api(member, 'GET', `/tasks/${task.id}`)).json().data.content).toMatchObject({
      currentVersion: 3,
      approvedVersion: null,
    });
  }, 60_000);

  it('the content cannot change while the task is being written', async () => {
    const member = await memberWithFakeAi(t, fake, 1_000_000);
    const { task, content } = await written(member);
    await t.db.prisma.task.update({ where: { id: task.id }, data: { status: 'writing' } });
    for (const [method, url, body] of [
      ['PATCH', `/contents/${content.id}`, { baseVersion: 1, title: 'Changed meanwhile' }],
      ['POST', `/contents/${content.id}/restore`, { version: 1 }],
      ['POST', `/contents/${content.id}/sections/0/regenerate`, undefined],
      ['POST', `/contents/${content.id}/approve`, {}],
    ] as const) {
      const res = await api(member, method, url, body);
      expect(res.statusCode, url).toBe(409);
      expect(res.json().error).toMatch(/is being written right now/);
    }
    expect(await t.db.prisma.contentVersion.count({ where: { contentId: content.id } })).toBe(1);
  }, 60_000);
});
