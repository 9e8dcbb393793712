import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { createTestApp, type TestContext } from '../../helpers/app.ts';
import { registerOwner, type Member } from '../../helpers/users.ts';
import type { JobWorker } from '../../../src/jobs/worker.ts';
import type { ImportHooks } from '../../../src/modules/planner/import/run.ts';
import { createPlace, finished, finishedJob, semrushRows, startImportWorker, upload, watchImport } from './helpers.ts';

/**
 * The Prisma batch path of the import, which embedded PGlite uses (no second connection for COPY), forced here on
 * PostgreSQL with the real route and worker: first import, re-import with a duplicate and a bad row, and an attempt
 * that fails half-way. import.test.ts covers the COPY path (the one PostgreSQL uses) in depth.
 */
let t: TestContext;
let owner: Member;
let worker: JobWorker;
const hooks: { current: ImportHooks } = { current: {} };

beforeAll(async () => {
  t = await createTestApp();
  owner = await registerOwner(t.app);
  worker = await startImportWorker(t, hooks, { path: 'prisma' });
});
afterAll(async () => {
  await worker?.stop();
  await t?.close();
});

it('imports, re-imports (updates, file duplicates, row errors) and rolls back a failed attempt', async () => {
  const place = await createPlace(t, owner, 'PrismaPath');
  const first = await upload(t, place, semrushRows(25_000));
  expect(first.statusCode, first.body).toBe(202);
  hooks.current = {
    afterBatch: async (batch, attempt) => {
      if (attempt === 1 && batch === 2) throw new Error('injected failure after batch 2');
    },
  };
  try {
    const done = await finished(t, owner, first.json().data.importId);
    expect(done).toMatchObject({ status: 'succeeded', rowsTotal: 25_000, rowsInserted: 25_000, rowsFailed: 0 });
    // The job ends just after the import (it refreshes the table's statistics after a large import).
    const job = await vi.waitFor(
      async () => {
        const run = await t.db.prisma.jobRun.findUniqueOrThrow({ where: { id: done.jobId } });
        expect(run.status).toBe('succeeded');
        return run;
      },
      { timeout: 15_000, interval: 100 },
    );
    expect(job).toMatchObject({ status: 'succeeded', attempts: 2 });
  } finally {
    hooks.current = {};
  }

  const second = Buffer.from(
    'Keyword,Intent,Volume,Trend,Keyword Difficulty,CPC (USD),Competitive Density,SERP Features,Number of Results\n' +
      'keyword number 7,Commercial,700,,10,1.5,0.5,,1\n' +
      'Brand New Keyword,Informational,50,,20,0.1,0.5,,1\n' +
      'brand new keyword,Informational,60,,21,0.2,0.5,,1\n' +
      'bad volume,Informational,lots,,20,0.1,0.5,,1\n',
  );
  const res = await upload(t, place, second, { fileName: 'semrush.csv' });
  expect(res.statusCode, res.body).toBe(202);
  const done = await finished(t, owner, res.json().data.importId);
  expect(done).toMatchObject({
    status: 'succeeded',
    rowsTotal: 4,
    rowsInserted: 1,
    rowsUpdated: 1,
    rowsFailed: 1,
    rowsDuplicate: 1,
  });
  const k7 = await t.db.prisma.keyword.findFirstOrThrow({
    where: { sectorId: place.sectorId, normalized: 'keyword number 7' },
  });
  expect(k7).toMatchObject({ volume: 700, difficulty: 10, intent: 'commercial' });
  const fresh = await t.db.prisma.keyword.findFirstOrThrow({
    where: { sectorId: place.sectorId, normalized: 'brand new keyword' },
  });
  expect(fresh).toMatchObject({ volume: 60, difficulty: 21 });
  const errors = await t.db.prisma.keywordImportError.findMany({ where: { importId: done.id } });
  expect(errors).toEqual([expect.objectContaining({ line: 5 })]);
  expect(await t.db.prisma.keyword.count({ where: { sectorId: place.sectorId } })).toBe(25_001);
});

it('names the line of bad rows after multi-line quoted cells, and fails at once on a quote never closed', async () => {
  const place = await createPlace(t, owner, 'PrismaPathErrors');
  const header =
    'Keyword,Intent,Volume,Trend,Keyword Difficulty,CPC (USD),Competitive Density,SERP Features,Number of Results';
  const rows = [
    header,
    '"trail running', // a keyword over lines 2-3
    'shoes",Commercial,1000,"0.5,0.6",40,1.0,0.5,"Sitelinks,', // SERP features over lines 3-4
    'Reviews",100',
    'marathon shoes,Commercial,lots,,40,1.0,0.5,,100', // line 5
  ];
  const good = await upload(t, place, Buffer.from(rows.join('\r\n') + '\r\n'));
  expect(good.statusCode, good.body).toBe(202);
  const imported = await finished(t, owner, good.json().data.importId);
  expect(imported).toMatchObject({ status: 'succeeded', rowsInserted: 1, rowsFailed: 1 });
  const errors = await t.db.prisma.keywordImportError.findMany({ where: { importId: imported.id } });
  expect(errors.map((e) => [e.line, e.reason])).toEqual([[5, 'volume "lots" is not a number']]);

  const open = [...rows.slice(0, 4), '"running shoes,Commercial,2000,,40,1.0,0.5,,100', 'race,Commercial,1,,1,1,1,,1'];
  const bad = await upload(t, place, Buffer.from(open.join('\r\n') + '\r\n'));
  expect(bad.statusCode, bad.body).toBe(202);
  const { done, states } = await watchImport(t, owner, bad.json().data.importId);
  expect(done).toMatchObject({ status: 'failed', error: { code: 'IMPORT_CSV_INVALID' } });
  expect(done.error.message).toMatch(
    /^Line 5, character 1: the quote \("\) that opens the "Keyword" cell is never closed/u,
  );
  expect(states.some((s) => s.includes('RETRYING'))).toBe(false);
  const { run } = await finishedJob(t, done.jobId);
  expect(run).toMatchObject({ status: 'failed', attempts: 1 });
});
