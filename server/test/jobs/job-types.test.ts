import { readdir, readFile } from 'node:fs/promises';
import { JOB_TYPE_LABELS, jobTypeLabel } from '@igny8/shared';
import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defineJob, JobRegistry } from '../../src/jobs/definition.ts';
import { ensureQueues, LEGACY_QUEUES } from '../../src/jobs/queue.ts';
import { createTestApp, type TestContext } from '../helpers/app.ts';
import { registerOwner } from '../helpers/users.ts';

/** Job types follow <module>.<snake_case_action>; the two renamed ones leave nothing behind on upgrade. */

let t: TestContext;

beforeAll(async () => {
  t = await createTestApp();
});
afterAll(async () => {
  await t?.close();
});

const job = (type: string) => defineJob({ type, payload: z.object({}), handler: async () => null });

describe('the job registry', () => {
  it('refuses a type outside the <module>.<snake_case_action> scheme', () => {
    for (const type of ['sites.health-check', 'account.Export', 'export', 'accounts.', 'a.b.c']) {
      expect(() => new JobRegistry().register(job(type)), type).toThrow(/does not follow/);
    }
    expect(new JobRegistry().register(job('test.slow_job')).get('test.slow_job')).toBeDefined();
  });

  it('gives every product job type a label people read (JOB_TYPE_LABELS in @igny8/shared)', () => {
    const unlabelled = t.queue.registry
      .all()
      .map((d) => d.type)
      .filter((type) => !JOB_TYPE_LABELS[type]);
    expect(unlabelled).toEqual([]);
    expect(jobTypeLabel('notifications.send_mail')).toBe('Email');
    expect(jobTypeLabel('later.brand_new_thing')).toBe('Brand new thing');
  });

  it('names every product job by the scheme, the renamed ones included', () => {
    const types = t.queue.registry.all().map((d) => d.type);
    expect(types).toEqual(expect.arrayContaining(['connect.site_health', 'accounts.export']));
    expect(types).not.toEqual(expect.arrayContaining(['sites.health-check']));
    expect(types).not.toEqual(expect.arrayContaining(['account.export']));
  });
});

describe('upgrading from the old job type names', () => {
  it('drops the legacy queues (and their dead letters) at start', async () => {
    const boss = t.queue.boss;
    // As an older version left them.
    await boss.createQueue('sites.health-check.dead');
    await boss.createQueue('sites.health-check', { deadLetter: 'sites.health-check.dead' });
    await boss.createQueue('account.export');
    await boss.send('sites.health-check', { v: 1, accountId: crypto.randomUUID(), payload: {} });

    await ensureQueues(boss, t.queue.registry);

    const names = (await boss.getQueues()).map((q) => q.name);
    for (const legacy of LEGACY_QUEUES) {
      expect(names).not.toContain(legacy);
      expect(names).not.toContain(`${legacy}.dead`);
    }
    expect(names).toEqual(expect.arrayContaining(['connect.site_health', 'accounts.export']));
    // A second start finds nothing left to drop.
    await ensureQueues(boss, t.queue.registry);
  });

  it('the migration renames recorded runs and fails the ones that would never run', async () => {
    const owner = await registerOwner(t.app);
    const prisma = t.db.prisma;
    const run = (type: string, status: 'succeeded' | 'queued') =>
      prisma.jobRun.create({ data: { id: crypto.randomUUID(), accountId: owner.accountId, type, status } });
    const doneCheck = await run('sites.health-check', 'succeeded');
    const waitingCheck = await run('sites.health-check', 'queued');
    const doneExport = await run('account.export', 'succeeded');
    const other = await run('planner.keyword_import', 'queued');

    const dir = new URL('../../prisma/migrations/', import.meta.url);
    const name = (await readdir(dir)).find((d) => d.endsWith('_rename_job_types'));
    const sql = await readFile(new URL(`${name}/migration.sql`, dir), 'utf8');
    for (const statement of sql
      .replace(/^--.*$/gm, '')
      .split(';')
      .map((s) => s.trim())
      .filter(Boolean)) {
      await prisma.$executeRawUnsafe(statement);
    }

    const after = async (id: string) => prisma.jobRun.findUniqueOrThrow({ where: { id } });
    expect(await after(doneCheck.id)).toMatchObject({ type: 'connect.site_health', status: 'succeeded' });
    expect(await after(waitingCheck.id)).toMatchObject({
      type: 'connect.site_health',
      status: 'failed',
      error: { code: 'JOB_TYPE_RENAMED' },
    });
    expect(await after(doneExport.id)).toMatchObject({ type: 'accounts.export', status: 'succeeded' });
    expect(await after(other.id)).toMatchObject({ type: 'planner.keyword_import', status: 'queued' });
  });
});
