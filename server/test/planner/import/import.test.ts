import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createTestApp, type TestContext } from '../../helpers/app.ts';
import { addMember, registerOwner, type Member } from '../../helpers/users.ts';
import type { JobWorker } from '../../../src/jobs/worker.ts';
import type { ImportHooks } from '../../../src/modules/planner/import/run.ts';
import {
  createPlace,
  finished,
  fixture,
  getImport,
  semrushRows,
  startImportWorker,
  upload,
  type Place,
} from './helpers.ts';

/**
 * Keyword import end to end: the real route (multipart and JSON), the real job on a real worker, a real PostgreSQL.
 * Uploads are limited to 3 MB here so the oversized case is cheap; import-big.test.ts covers large files.
 */

const LIMIT = 3 * 1024 * 1024;
let t: TestContext;
let owner: Member;
let worker: JobWorker;
const hooks: { current: ImportHooks } = { current: {} };

beforeAll(async () => {
  t = await createTestApp({ PLANNER_IMPORT_MAX_BYTES: String(LIMIT) });
  owner = await registerOwner(t.app);
  worker = await startImportWorker(t, hooks);
});
afterAll(async () => {
  await worker?.stop();
  await t?.close();
});

async function keywords(place: Place) {
  const rows = await t.db.prisma.keyword.findMany({
    where: { sectorId: place.sectorId },
    orderBy: { normalized: 'asc' },
  });
  return new Map(rows.map((k) => [k.normalized, k]));
}

async function importOk(place: Place, file: Buffer, fileName?: string) {
  const res = await upload(t, place, file, fileName ? { fileName } : {});
  expect(res.statusCode, res.body).toBe(202);
  const started = res.json().data;
  expect(started).toMatchObject({ status: 'queued', jobId: expect.any(String) });
  const done = await finished(t, owner, started.importId);
  expect(done.status, JSON.stringify(done.error)).toBe('succeeded');
  return { started, done };
}

/** Nothing of a refused upload is kept: no import, no chunks, no keywords. */
async function expectNothingKept(place: Place) {
  expect(await t.db.prisma.keywordImport.count({ where: { sectorId: place.sectorId } })).toBe(0);
  expect(await t.db.prisma.keywordImportChunk.count({ where: { import: { sectorId: place.sectorId } } })).toBe(0);
  expect(await t.db.prisma.keyword.count({ where: { sectorId: place.sectorId } })).toBe(0);
}

describe('recognized exports import with the right numbers', () => {
  it('Semrush (Keyword Magic Tool CSV)', async () => {
    const place = await createPlace(t, owner, 'Semrush');
    const { started, done } = await importOk(place, fixture('semrush.csv'), 'semrush.csv');
    expect(started.format).toBe('semrush');
    expect(done).toMatchObject({
      format: 'semrush',
      encoding: 'utf-8',
      fileName: 'semrush.csv',
      rowsTotal: 7,
      rowsInserted: 7,
      rowsUpdated: 0,
      rowsFailed: 0,
      rowsDuplicate: 0,
      finishedAt: expect.any(String),
    });
    const k = await keywords(place);
    expect(k.size).toBe(7);
    expect(k.get('running shoes')).toMatchObject({
      keyword: 'running shoes',
      volume: 201000,
      difficulty: 100,
      cpc: 1.03,
      intent: 'commercial',
      intentInferred: false,
      status: 'new',
      source: 'semrush',
      importId: started.importId,
    });
    expect(k.get('how to choose running shoes')).toMatchObject({ volume: 2900, difficulty: 52, cpc: 0.45 });
    expect(k.get('nike running shoes')).toMatchObject({ intent: 'navigational', intentInferred: false });
    expect(k.get('running shoes for women')).toMatchObject({ intent: 'transactional' });
    // The chunks are gone once imported.
    expect(await t.db.prisma.keywordImportChunk.count({ where: { importId: started.importId } })).toBe(0);
  });

  it('Ahrefs (Keywords Explorer CSV with a UTF-8 BOM)', async () => {
    const place = await createPlace(t, owner, 'Ahrefs');
    const { done } = await importOk(place, fixture('ahrefs.csv'));
    expect(done).toMatchObject({ format: 'ahrefs', rowsInserted: 5, rowsFailed: 0 });
    const k = await keywords(place);
    expect(k.get('running shoes')).toMatchObject({
      volume: 119000,
      difficulty: 73,
      cpc: 1.1,
      intent: 'commercial',
      source: 'ahrefs',
    });
    expect(k.get('how to clean running shoes')).toMatchObject({ volume: 2400, difficulty: 4, intent: 'informational' });
    // No intent in the file: guessed from the wording and marked as such.
    expect(k.get('waterproof running shoes')).toMatchObject({ intent: 'informational', intentInferred: true });
  });

  it('Google Search Console (Queries.csv): impressions stand in for volume', async () => {
    const place = await createPlace(t, owner, 'Console');
    const { done } = await importOk(place, fixture('gsc-queries.csv'));
    expect(done).toMatchObject({ format: 'gsc', rowsInserted: 5 });
    const k = await keywords(place);
    expect(k.get('running shoes for flat feet')).toMatchObject({
      volume: 45678,
      difficulty: null,
      cpc: null,
      source: 'gsc',
      intentInferred: true,
    });
    expect(k.get('best trail running shoes 2024')).toMatchObject({ volume: 29800, intent: 'commercial' });
  });

  it('Google Keyword Planner (UTF-16LE TSV, two title lines, volume ranges)', async () => {
    const place = await createPlace(t, owner, 'Planner');
    const { done } = await importOk(place, fixture('keyword-planner.csv'));
    expect(done).toMatchObject({ format: 'keyword_planner', encoding: 'utf-16le', rowsTotal: 6, rowsInserted: 6 });
    const k = await keywords(place);
    // "100K – 1M" counts as its midpoint; CPC is the midpoint of the top-of-page bids.
    expect(k.get('running shoes')).toMatchObject({ volume: 550000, difficulty: 100, cpc: 1.185 });
    expect(k.get('running shoes women')).toMatchObject({ volume: 55000, difficulty: 98 });
    expect(k.get('buy running shoes online')).toMatchObject({
      volume: 5500,
      intent: 'transactional',
      intentInferred: true,
      source: 'keyword_planner',
    });
    expect(k.get('running shoe store near me')).toMatchObject({ volume: 550 });
    expect(k.get('what are the best running shoes')).toMatchObject({ volume: 55, cpc: null });
    expect(k.get('carbon plated running shoes review')).toMatchObject({ volume: 5, cpc: 0.2, difficulty: 3 });
  });

  it('Keyword Planner saved without a byte order mark is recognized by its NUL pattern', async () => {
    const place = await createPlace(t, owner, 'NoBom');
    const { done } = await importOk(place, fixture('keyword-planner.csv').subarray(2));
    expect(done).toMatchObject({ format: 'keyword_planner', encoding: 'utf-16le', rowsInserted: 6 });
  });

  it('UTF-16BE is decoded too', async () => {
    const place = await createPlace(t, owner, 'BigEndian');
    const le = fixture('keyword-planner.csv');
    const be = Buffer.from(le);
    be.swap16();
    const { done } = await importOk(place, be);
    expect(done).toMatchObject({ encoding: 'utf-16be', rowsInserted: 6 });
    expect((await keywords(place)).get('running shoes')).toMatchObject({ volume: 550000 });
  });

  it('Moz Keyword Explorer (volume ranges)', async () => {
    const place = await createPlace(t, owner, 'Moz');
    const { done } = await importOk(place, fixture('moz.csv'));
    expect(done).toMatchObject({ format: 'moz', rowsInserted: 4 });
    const k = await keywords(place);
    expect(k.get('running shoes')).toMatchObject({ volume: 20900, difficulty: 71, source: 'moz' });
    expect(k.get('running shoes for plantar fasciitis')).toMatchObject({ volume: 2300, difficulty: 48 });
    expect(k.get('are running shoes good for walking')).toMatchObject({ volume: 676 });
    expect(k.get('running shoes wide toe box')).toMatchObject({ volume: 5 });
  });

  it('a plain list, one keyword per line, deduplicated by normalized form', async () => {
    const place = await createPlace(t, owner, 'List');
    const { done } = await importOk(place, fixture('list.txt'), 'list.txt');
    expect(done).toMatchObject({ format: 'list', rowsTotal: 4, rowsInserted: 3, rowsDuplicate: 1 });
    const k = await keywords(place);
    expect([...k.keys()]).toEqual(['how to lace running shoes', 'running shoes', 'trail running shoes']);
    expect(k.get('running shoes')).toMatchObject({ volume: null, source: 'list', intentInferred: true });
  });

  it('a pasted list (JSON body)', async () => {
    const place = await createPlace(t, owner, 'Pasted');
    const res = await t.app.inject({
      method: 'POST',
      url: '/api/v1/planner/keywords/import',
      headers: owner.headers,
      payload: {
        siteId: place.siteId,
        sectorId: place.sectorId,
        text: 'buy trail shoes\nbest trail shoes\n\nTrail Shoes\ntrail   shoes\n',
      },
    });
    expect(res.statusCode, res.body).toBe(202);
    const done = await finished(t, owner, res.json().data.importId);
    expect(done).toMatchObject({ status: 'succeeded', format: 'list', fileName: null, rowsInserted: 3 });
    const k = await keywords(place);
    expect(k.get('buy trail shoes')).toMatchObject({ intent: 'transactional', intentInferred: true });
    expect(k.get('trail shoes')?.keyword).toBe('trail   shoes');
  });
});

describe('unrecognized layouts: column mapping', () => {
  it('answers needs_mapping with the columns and sample rows, then imports with the chosen columns', async () => {
    const place = await createPlace(t, owner, 'Mapping');
    const res = await upload(t, place, fixture('unrecognized.csv'));
    expect(res.statusCode, res.body).toBe(201);
    const started = res.json().data;
    expect(started).toMatchObject({
      status: 'needs_mapping',
      jobId: null,
      columns: ['Suchbegriff', 'Suchvolumen', 'Schwierigkeit'],
      sampleRows: [
        ['laufschuhe', '12.100', '45'],
        ['laufschuhe damen', '4.400', '38'],
        ['laufschuhe test', '2.900', '52'],
      ],
    });
    const shown = await getImport(t, owner, started.importId);
    expect(shown).toMatchObject({ status: 'needs_mapping', columns: ['Suchbegriff', 'Suchvolumen', 'Schwierigkeit'] });
    expect(await t.db.prisma.keyword.count({ where: { sectorId: place.sectorId } })).toBe(0);

    const url = `/api/v1/planner/imports/${started.importId}/mapping`;
    const bad = await t.app.inject({
      method: 'POST',
      url,
      headers: owner.headers,
      payload: { mapping: { keyword: 'Suchbegriff', volume: 'Volume' } },
    });
    expect(bad.statusCode).toBe(422);
    expect(bad.json()).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(bad.json().error).toContain('"Volume"');
    expect(bad.json().details.fields[0]).toMatchObject({ field: 'mapping.volume' });

    const good = await t.app.inject({
      method: 'POST',
      url,
      headers: owner.headers,
      payload: { mapping: { keyword: 'Suchbegriff', volume: 'Suchvolumen', difficulty: 'Schwierigkeit' } },
    });
    expect(good.statusCode, good.body).toBe(202);
    expect(good.json().data).toMatchObject({ status: 'queued', jobId: expect.any(String) });
    const done = await finished(t, owner, started.importId);
    expect(done).toMatchObject({ status: 'succeeded', format: 'custom', rowsInserted: 3 });
    expect(done.mapping).toMatchObject({ keyword: 'Suchbegriff' });
    const k = await keywords(place);
    expect(k.get('laufschuhe')).toMatchObject({ volume: 12100, difficulty: 45, source: 'csv' });

    const again = await t.app.inject({
      method: 'POST',
      url,
      headers: owner.headers,
      payload: { mapping: { keyword: 'Suchbegriff' } },
    });
    expect(again.statusCode).toBe(409);
  });

  it('takes a mapping sent with the upload', async () => {
    const place = await createPlace(t, owner, 'UpfrontMapping');
    const res = await upload(t, place, fixture('unrecognized.csv'), {
      fields: { mapping: JSON.stringify({ keyword: 'Suchbegriff', volume: 'Suchvolumen' }) },
    });
    expect(res.statusCode, res.body).toBe(202);
    const done = await finished(t, owner, res.json().data.importId);
    expect(done).toMatchObject({ status: 'succeeded', format: 'custom', rowsInserted: 3 });
  });
});

describe('re-import', () => {
  it('updates metrics of keywords already there, keeps their status and cluster, and adds no duplicates', async () => {
    const place = await createPlace(t, owner, 'Reimport');
    await importOk(place, fixture('semrush.csv'));
    const before = await keywords(place);
    const main = before.get('running shoes')!;
    const cluster = await t.db.prisma.keywordCluster.create({
      data: {
        accountId: owner.accountId,
        siteId: place.siteId,
        sectorId: place.sectorId,
        name: 'running shoes',
        method: 'manual',
        totalVolume: main.volume!,
        keywordCount: 1,
      },
    });
    await t.db.prisma.keyword.update({ where: { id: main.id }, data: { status: 'clustered', clusterId: cluster.id } });

    const updated = fixture('semrush.csv')
      .toString()
      .replace('running shoes,"Commercial, Transactional",201000', 'Running Shoes,"Commercial, Transactional",246000')
      .replace(',100,1.03,', ',99,1.10,')
      .concat('running shoes for kids,Transactional,8100,"0.5",44,0.55,1,"Image pack",12000000\r\n');
    const { done } = await importOk(place, Buffer.from(updated));
    expect(done).toMatchObject({ rowsTotal: 8, rowsInserted: 1, rowsUpdated: 7, rowsFailed: 0 });
    const after = await keywords(place);
    expect(after.size).toBe(8);
    expect(after.get('running shoes')).toMatchObject({
      id: main.id,
      keyword: 'running shoes',
      volume: 246000,
      difficulty: 99,
      cpc: 1.1,
      status: 'clustered',
      clusterId: cluster.id,
      importId: done.id,
    });
    expect(await t.db.prisma.keywordCluster.findUnique({ where: { id: cluster.id } })).toMatchObject({
      totalVolume: 246000,
      keywordCount: 1,
    });
    // A later list without metrics keeps the metrics it does not have.
    await importOk(place, Buffer.from('running shoes\n'));
    expect((await keywords(place)).get('running shoes')).toMatchObject({ volume: 246000, intent: 'commercial' });
  });

  it('a file that repeats many of its keywords keeps the last row of each, counted as duplicates', async () => {
    // More repeats than the import holds aside at a time (10,000), so they are staged in several rounds.
    const place = await createPlace(t, owner, 'Repeats');
    const N = 12_000;
    let text = 'Keyword,Intent,Volume,Trend,Keyword Difficulty,CPC (USD),Competitive Density,SERP Features\n';
    for (let i = 0; i < N; i++) text += `keyword number ${i},Informational,${i},,${i % 101},0.5,0.5,\n`;
    for (let i = 0; i < N; i++) text += `Keyword Number ${i},Commercial,${i + 1},,${(i + 1) % 101},0.7,0.5,\n`;
    text += 'bad row,Informational,many,,1,0.5,0.5,\n';
    const { done } = await importOk(place, Buffer.from(text), 'semrush.csv');
    expect(done).toMatchObject({
      rowsTotal: 2 * N + 1,
      rowsInserted: N,
      rowsUpdated: 0,
      rowsDuplicate: N,
      rowsFailed: 1,
    });
    const k = await keywords(place);
    expect(k.size).toBe(N);
    expect(k.get('keyword number 7')).toMatchObject({
      keyword: 'Keyword Number 7',
      volume: 8,
      difficulty: 8,
      cpc: 0.7,
      intent: 'commercial',
      intentInferred: false,
    });
    const errors = await t.db.prisma.keywordImportError.findMany({ where: { importId: done.id } });
    expect(errors).toEqual([expect.objectContaining({ line: 2 * N + 2 })]);
  });
});

describe('row errors', () => {
  it('keeps going past bad rows and reports each with its line in the file, as JSON and CSV', async () => {
    const place = await createPlace(t, owner, 'BadRows');
    const { started, done } = await importOk(place, fixture('semrush-bad-rows.csv'));
    expect(done).toMatchObject({ rowsTotal: 6, rowsInserted: 2, rowsFailed: 4 });
    expect(done.errorSummary.length).toBeGreaterThan(0);
    const k = await keywords(place);
    expect(k.get('spikes')).toMatchObject({ volume: 1300, cpc: 1.2, difficulty: 33 });

    const res = await t.app.inject({
      method: 'GET',
      url: `/api/v1/planner/imports/${started.importId}/errors?limit=3`,
      headers: owner.headers,
    });
    expect(res.statusCode).toBe(200);
    const page1 = res.json().data;
    // Line 1 is the header; the first keyword's cell spans lines 2-3.
    expect(page1.items.map((e: { line: number }) => e.line)).toEqual([4, 5, 6]);
    expect(page1.items[0].reason).toBe('the keyword is empty');
    expect(page1.items[1].reason).toBe('volume "lots" is not a number');
    expect(page1.items[1].raw).toContain('marathon shoes,Commercial,lots');
    expect(page1.items[2].reason).toMatch(/longer than 200 characters/);
    const page2 = (
      await t.app.inject({
        method: 'GET',
        url: `/api/v1/planner/imports/${started.importId}/errors?limit=3&cursor=${page1.nextCursor}`,
        headers: owner.headers,
      })
    ).json().data;
    expect(page2.items).toEqual([
      expect.objectContaining({ line: 7, reason: 'difficulty "140" is not between 0 and 100' }),
    ]);
    expect(page2.nextCursor).toBeNull();

    const csv = await t.app.inject({
      method: 'GET',
      url: `/api/v1/planner/imports/${started.importId}/errors.csv`,
      headers: owner.headers,
    });
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toContain('text/csv');
    expect(csv.headers['content-disposition']).toContain('attachment');
    const rows = parse(csv.body, { bom: true, columns: true }) as { line: string; reason: string; raw: string }[];
    expect(rows.map((r) => [r.line, r.reason])).toEqual([
      ['4', 'the keyword is empty'],
      ['5', 'volume "lots" is not a number'],
      ['6', expect.stringMatching(/longer than 200/)],
      ['7', 'difficulty "140" is not between 0 and 100'],
    ]);
  });
});

describe('bad files get a clear error and leave nothing', () => {
  const cases: [string, () => Buffer, number, RegExp][] = [
    ['an empty file', () => Buffer.alloc(0), 422, /The file is empty/],
    ['blank lines only', () => Buffer.from('\r\n  \n\n'), 422, /empty/],
    ['a UTF-8 BOM and nothing else', () => Buffer.from([0xef, 0xbb, 0xbf]), 422, /empty/],
    [
      'binary data',
      () => Buffer.concat([Buffer.from('keyword\n'), Buffer.from([0x00, 0x01, 0x02, 0xff, 0x00, 0x13, 0x37])]),
      422,
      /^This file contains binary data \(a NUL byte at byte 9, on line 2\)/u,
    ],
    [
      'an Excel workbook (.xlsx is a ZIP)',
      () => Buffer.concat([Buffer.from([0x50, 0x4b, 0x03, 0x04, 0x14, 0x00]), Buffer.alloc(200, 7)]),
      422,
      /Excel workbook \(\.xlsx\).*CSV/,
    ],
    [
      'a PNG image',
      () => Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(100, 1)]),
      422,
      /PNG image/,
    ],
    ['a PDF', () => Buffer.from('%PDF-1.7\n%âãÏÓ\n1 0 obj\n'), 422, /PDF document/],
    [
      'Windows-1252 text (invalid UTF-8)',
      () => Buffer.from('Keyword\ncaf\xe9 au lait\nr\xe9sum\xe9 tips\n', 'latin1'),
      422,
      /^This file is not valid UTF-8: byte 12 \(on line 2\) has the value 0xE9, .*Windows-1252/u,
    ],
    [
      'invalid UTF-8 far into the file',
      () =>
        Buffer.concat([
          Buffer.from('Keyword\n' + 'running shoes\n'.repeat(10_000)),
          Buffer.from('caf\xe9\n', 'latin1'),
        ]),
      422,
      // 8 + 140,000 bytes before "caf": byte 140,012, on line 10,002.
      /^This file is not valid UTF-8: byte 140,012 \(on line 10,002\) has the value 0xE9,/u,
    ],
    [
      'a header and no rows',
      () => Buffer.from(fixture('semrush.csv').toString().split('\r\n')[0] + '\r\n'),
      422,
      /header row but no keyword rows/,
    ],
    [
      'no column that can hold keywords (Search Console "Dates" export)',
      () =>
        Buffer.from(
          'Date,Clicks,Impressions,CTR,Position\n2024-05-01,120,3400,3.5%,12.1\n2024-05-02,98,3100,3.2%,12.9\n',
        ),
      422,
      /No column of this file holds keywords/,
    ],
    [
      'a file over the size limit',
      () => Buffer.concat([Buffer.from('Keyword\n'), Buffer.alloc(LIMIT + 10, 'running shoes\n')]),
      413,
      /larger than the import limit of 3 MB/,
    ],
  ];
  for (const [name, file, status, message] of cases) {
    it(name, async () => {
      const place = await createPlace(t, owner, `Bad${Math.random().toString(36).slice(2, 8)}`);
      const res = await upload(t, place, file());
      expect(res.statusCode, res.body).toBe(status);
      expect(res.json().error).toMatch(message);
      if (status === 422) expect(res.json().details.fields[0]).toMatchObject({ in: 'body', field: 'file' });
      await expectNothingKept(place);
    });
  }

  it('a forced format whose columns are missing', async () => {
    const place = await createPlace(t, owner, 'Forced');
    const res = await upload(t, place, fixture('moz.csv'), { fields: { format: 'semrush' } });
    expect(res.statusCode).toBe(422);
    expect(res.json().error).toMatch(/does not have the columns of a Semrush export/);
    await expectNothingKept(place);
  });

  it('a mapping naming a column the file does not have', async () => {
    const place = await createPlace(t, owner, 'BadMapping');
    const res = await upload(t, place, fixture('unrecognized.csv'), {
      fields: { mapping: JSON.stringify({ keyword: 'Keyword' }) },
    });
    expect(res.statusCode).toBe(422);
    expect(res.json().details.fields[0]).toMatchObject({ field: 'mapping.keyword' });
    expect(res.json().error).toContain('"Suchbegriff"');
    await expectNothingKept(place);
  });

  it('missing ids or file', async () => {
    const place = await createPlace(t, owner, 'Missing');
    const res = await upload(t, { ...place, sectorId: 'nope' }, fixture('semrush.csv'));
    expect(res.statusCode).toBe(422);
    expect(res.json().details.fields[0]).toMatchObject({ field: 'sectorId' });
    const pasted = await t.app.inject({
      method: 'POST',
      url: '/api/v1/planner/keywords/import',
      headers: owner.headers,
      payload: { siteId: place.siteId, sectorId: place.sectorId, text: '' },
    });
    expect(pasted.statusCode).toBe(422);
    await expectNothingKept(place);
  });
});

describe('atomicity', () => {
  const ROWS = 30_000; // three batches of BATCH_ROWS (10,000): the failure comes half-way

  it('an attempt that fails half-way leaves nothing, and the retry imports every row exactly once', async () => {
    const place = await createPlace(t, owner, 'Retry');
    const seenAtRetry: number[] = [];
    hooks.current = {
      afterBatch: async (batch, attempt) => {
        if (attempt === 1 && batch === 2) throw new Error('injected failure after batch 2');
        if (attempt === 2 && batch === 1) {
          seenAtRetry.push(await t.db.prisma.keyword.count({ where: { sectorId: place.sectorId } }));
          seenAtRetry.push(
            await t.db.prisma.keywordImportError.count({ where: { import: { sectorId: place.sectorId } } }),
          );
        }
      },
    };
    try {
      const res = await upload(t, place, semrushRows(ROWS));
      expect(res.statusCode, res.body).toBe(202);
      const done = await finished(t, owner, res.json().data.importId, 60_000);
      expect(done).toMatchObject({ status: 'succeeded', rowsTotal: ROWS, rowsInserted: ROWS, rowsFailed: 0 });
      expect(seenAtRetry).toEqual([0, 0]);
      expect(await t.db.prisma.keyword.count({ where: { sectorId: place.sectorId } })).toBe(ROWS);
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
  });

  it('an import that keeps failing ends failed with nothing imported', async () => {
    const place = await createPlace(t, owner, 'Fails');
    hooks.current = {
      afterBatch: async (batch) => {
        if (batch === 2) throw new Error('the database went away');
      },
    };
    try {
      const res = await upload(t, place, semrushRows(ROWS));
      expect(res.statusCode).toBe(202);
      const done = await finished(t, owner, res.json().data.importId, 60_000);
      expect(done.status).toBe('failed');
      expect(done.error).toMatchObject({ code: 'IMPORT_FAILED' });
      expect(done.error.message).toMatch(/nothing was imported; upload the file again/);
      expect(await t.db.prisma.keyword.count({ where: { sectorId: place.sectorId } })).toBe(0);
      expect(await t.db.prisma.keywordImportError.count({ where: { importId: done.id } })).toBe(0);
      expect(await t.db.prisma.keywordImportChunk.count({ where: { importId: done.id } })).toBe(0);
      // On the embedded database the first batch was staged before the failure: it goes with the import.
      expect(await t.db.prisma.keywordImportRow.count({ where: { importId: done.id } })).toBe(0);
    } finally {
      hooks.current = {};
    }
  });
});

describe('listing and tenancy', () => {
  it("lists a site's imports newest first, with a cursor", async () => {
    const place = await createPlace(t, owner, 'Listing');
    const ids: string[] = [];
    for (const text of ['a', 'b', 'c']) {
      const res = await t.app.inject({
        method: 'POST',
        url: '/api/v1/planner/keywords/import',
        headers: owner.headers,
        payload: { siteId: place.siteId, sectorId: place.sectorId, text },
      });
      ids.push(res.json().data.importId);
    }
    const page1 = await t.app.inject({
      method: 'GET',
      url: `/api/v1/planner/imports?siteId=${place.siteId}&limit=2`,
      headers: owner.headers,
    });
    expect(page1.statusCode).toBe(200);
    expect(page1.json().data.items.map((i: { id: string }) => i.id)).toEqual([ids[2], ids[1]]);
    const page2 = await t.app.inject({
      method: 'GET',
      url: `/api/v1/planner/imports?siteId=${place.siteId}&limit=2&cursor=${page1.json().data.nextCursor}`,
      headers: owner.headers,
    });
    expect(page2.json().data).toMatchObject({ items: [{ id: ids[0] }], nextCursor: null });
  });

  it("another account's site, sector or import answers 404; a viewer cannot import", async () => {
    const place = await createPlace(t, owner, 'Alice');
    const { started } = await importOk(place, fixture('semrush-bad-rows.csv'));
    const mallory = await registerOwner(t.app, 'Mallory');
    const malloryPlace = await createPlace(t, mallory, 'Mallory');

    const theirs = await upload(t, place, fixture('semrush.csv'), { member: mallory });
    expect(theirs.statusCode).toBe(404);
    expect(theirs.json().code).toBe('NOT_FOUND');
    // Own site, someone else's sector.
    const mixed = await upload(t, { ...malloryPlace, sectorId: place.sectorId }, fixture('semrush.csv'));
    expect(mixed.statusCode).toBe(404);
    const pasted = await t.app.inject({
      method: 'POST',
      url: '/api/v1/planner/keywords/import',
      headers: mallory.headers,
      payload: { siteId: place.siteId, sectorId: place.sectorId, text: 'x' },
    });
    expect(pasted.statusCode).toBe(404);
    for (const url of [
      `/api/v1/planner/imports/${started.importId}`,
      `/api/v1/planner/imports/${started.importId}/errors`,
      `/api/v1/planner/imports/${started.importId}/errors.csv`,
      `/api/v1/planner/imports?siteId=${place.siteId}`,
    ]) {
      const res = await t.app.inject({ method: 'GET', url, headers: mallory.headers });
      expect(res.statusCode, url).toBe(404);
    }
    const mapping = await t.app.inject({
      method: 'POST',
      url: `/api/v1/planner/imports/${started.importId}/mapping`,
      headers: mallory.headers,
      payload: { mapping: { keyword: 'Keyword' } },
    });
    expect(mapping.statusCode).toBe(404);
    expect(await t.db.prisma.keywordImport.count({ where: { accountId: mallory.accountId } })).toBe(0);

    const viewer = await addMember(t.app, owner, 'viewer');
    const denied = await upload(t, place, fixture('semrush.csv'), { member: viewer });
    expect(denied.statusCode).toBe(403);
    expect(denied.json().code).toBe('ROLE_REQUIRED');
  });
});
