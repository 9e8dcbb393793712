import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, type TestContext } from '../../helpers/app.ts';
import { registerOwner, type Member } from '../../helpers/users.ts';
import type { JobWorker } from '../../../src/jobs/worker.ts';
import type { ImportHooks } from '../../../src/modules/planner/import/run.ts';
import {
  createPlace,
  finishedJob,
  fixture,
  semrushRows,
  startImportWorker,
  storeImport,
  upload,
  watchImport,
  type Place,
} from './helpers.ts';

/**
 * Import errors that point at the right place, end to end (real route, real job on a real worker, PostgreSQL with
 * the COPY path): the line where a CSV problem starts, the line of each bad row after quoted cells that span lines
 * (CRLF, a UTF-8 BOM, UTF-16), the exact first bad byte of a wrongly encoded file; and a problem of the file itself
 * fails the job on its first attempt instead of being retried three times. csv.test.ts and encoding.test.ts check
 * the same rules piece by piece without a database.
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

const SEMRUSH_HEADER =
  'Keyword,Intent,Volume,Trend,Keyword Difficulty,CPC (USD),Competitive Density,SERP Features,Number of Results';

async function uploaded(place: Place, file: Buffer) {
  const res = await upload(t, place, file);
  expect(res.statusCode, res.body).toBe(202);
  return res.json().data.importId as string;
}

/** The import failed on the job's first attempt with this code, never showed a retry, and left nothing behind. */
async function expectFailedAtOnce(place: Place, importId: string, code: string) {
  const { done, states } = await watchImport(t, owner, importId);
  expect(done).toMatchObject({ status: 'failed', error: { code } });
  expect(states.filter((s) => s.includes('RETRYING') || s.includes('IMPORT_FAILED'))).toEqual([]);
  expect(states[states.length - 1]).toBe(`failed:${code}`);
  const { run, boss } = await finishedJob(t, done.jobId);
  expect(run).toMatchObject({ status: 'failed', attempts: 1, error: { code } });
  // pg-boss holds the job as done, with no retry scheduled.
  expect(boss).toMatchObject({ state: 'completed', retryCount: 0 });
  expect(await t.db.prisma.keyword.count({ where: { sectorId: place.sectorId } })).toBe(0);
  expect(await t.db.prisma.keywordImportError.count({ where: { importId } })).toBe(0);
  expect(await t.db.prisma.keywordImportChunk.count({ where: { importId } })).toBe(0);
  return done.error.message as string;
}

async function rowErrors(importId: string) {
  const res = await t.app.inject({
    method: 'GET',
    url: `/api/v1/planner/imports/${importId}/errors`,
    headers: owner.headers,
  });
  expect(res.statusCode).toBe(200);
  return res.json().data.items.map((e: { line: number; reason: string }) => [e.line, e.reason]);
}

describe('a quote that is never closed', () => {
  it('is reported at the line where it opens (after quoted cells that span lines) and fails at once', async () => {
    const place = await createPlace(t, owner, 'OpenQuote');
    const file = Buffer.from(
      [
        SEMRUSH_HEADER,
        '"trail running', // line 2: a keyword cell over lines 2-3
        'shoes",Commercial,1000,"0.5,0.6",40,1.0,0.5,"Sitelinks,', // line 3: SERP features over lines 3-4
        'Reviews",100',
        '"running shoes,Commercial,2000,,40,1.0,0.5,,100', // line 5: the quote that is never closed
        'marathon shoes,Commercial,3000,,40,1.0,0.5,,100',
        'race shoes,Commercial,4000,,40,1.0,0.5,,100',
        '',
      ].join('\r\n'),
    );
    const message = await expectFailedAtOnce(place, await uploaded(place, file), 'IMPORT_CSV_INVALID');
    expect(message).toBe(
      'Line 5, character 1: the quote (") that opens the "Keyword" cell is never closed, so everything after it up ' +
        'to the end of the file would be one cell. The line reads: "running shoes,Commercial,2000,,40,1.0,0.5,,100. ' +
        'Add the closing quote (or remove the opening one) on line 5, save the file and upload it again.',
    );
  });

  it('in a 2 MB file is found 1 MB after it opens, still at its line, and fails at once', async () => {
    const place = await createPlace(t, owner, 'OpenQuoteBig');
    const rows = 'running shoes model,Commercial,10,,40,1.0,0.5,,100\r\n';
    const file = Buffer.from(
      `${SEMRUSH_HEADER}\r\n` +
        `"two line\r\nkeyword",Commercial,10,,40,1.0,0.5,,100\r\n`.repeat(500) + // lines 2-1001
        'open trend,Commercial,10,"0.5,0.6,40,1.0,0.5,,100\r\n' + // line 1002, the quote at character 26
        rows.repeat(40_000), // about 2 MB more
    );
    expect(file.length).toBeGreaterThan(2 * 1024 * 1024);
    const message = await expectFailedAtOnce(place, await uploaded(place, file), 'IMPORT_CSV_INVALID');
    expect(message).toMatch(
      /^Line 1,002, character 26: the quote \("\) that opens the "Trend" cell is still not closed 1 MB later, so everything after it would be one cell\. The line reads: open trend,Commercial,10,"0\.5,0\.6,40,1\.0,0\.5,,100\. /u,
    );
  });
});

describe('bad rows are reported at their physical line after quoted cells that span lines', () => {
  // Line 1 header; a keyword over 2-4 (with a blank line inside the quotes); blank line 5; bad volume 6; a keyword
  // over 7-9 with a bad difficulty; SERP features over 10-11; an empty keyword on 12.
  const lines = [
    SEMRUSH_HEADER,
    '"trail running',
    '',
    'shoes",Commercial,1000,"0.5,0.6",40,1.0,0.5,"Sitelinks,Reviews",100',
    '',
    'marathon shoes,Commercial,lots,,40,1.0,0.5,,100',
    '"race',
    'day',
    'shoes",Commercial,4000,,140,1.0,0.5,,100',
    'spikes,Commercial,500,,30,1.0,0.5,"Image pack,',
    'Video",100',
    ',Informational,10,,1,0.1,0.1,,1',
    'track shoes,Commercial,600,,30,1.0,0.5,,100',
  ];
  const expected = [
    [6, 'volume "lots" is not a number'],
    [7, 'difficulty "140" is not between 0 and 100'],
    [12, 'the keyword is empty'],
  ];

  const variants: [string, () => Buffer][] = [
    ['CRLF line ends', () => Buffer.from(lines.join('\r\n') + '\r\n')],
    [
      'a UTF-8 byte order mark and CRLF',
      () => Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(lines.join('\r\n'))]),
    ],
    ['LF line ends', () => Buffer.from(lines.join('\n') + '\n')],
    [
      'line ends that change within the file (CRLF, LF, a lone CR)',
      () => Buffer.from(lines.map((l, i) => l + ['\r\n', '\n', '\r'][i % 3]).join('')),
    ],
  ];
  for (const [name, file] of variants) {
    it(name, async () => {
      const place = await createPlace(t, owner, `Rows${name.length}`);
      const importId = await uploaded(place, file());
      const { done } = await watchImport(t, owner, importId);
      expect(done).toMatchObject({ status: 'succeeded', rowsTotal: 6, rowsInserted: 3, rowsFailed: 3 });
      expect(await rowErrors(importId)).toEqual(expected);
    });
  }

  it('UTF-16LE Keyword Planner export (byte order mark, two title lines, tabs)', async () => {
    const place = await createPlace(t, owner, 'RowsUtf16');
    const text = fixture('keyword-planner.csv')
      .toString('utf16le')
      .replace(/^\ufeff/u, '');
    const [title1, title2, header, first, ...rest] = text.split('\r\n');
    const cells = first!.split('\t').slice(1).join('\t'); // the first row's cells after the keyword
    const file = Buffer.from(
      '\ufeff' +
        [
          title1,
          title2,
          header, // line 3
          `"running shoes\r\nfor flat feet"\t${cells}`, // lines 4-5
          `bad volume row\t${cells.replace(/^USD\t[^\t]+/u, 'USD\tlots')}`, // line 6
          `"trail\r\nrunning\r\nshoes"\t${cells}`, // lines 7-9
          `\t${cells}`, // line 10: no keyword
          ...rest,
        ].join('\r\n'),
      'utf16le',
    );
    const importId = await uploaded(place, file);
    const { done } = await watchImport(t, owner, importId);
    expect(done).toMatchObject({ status: 'succeeded', format: 'keyword_planner', encoding: 'utf-16le', rowsFailed: 2 });
    expect(await rowErrors(importId)).toEqual([
      [6, 'volume "lots" is not a number'],
      [10, 'the keyword is empty'],
    ]);
  });
});

describe('wrongly encoded files name the first bad byte of the file', () => {
  it('a Windows-1252 byte 1.6 MB into an upload: refused at once with its byte and line', async () => {
    const place = await createPlace(t, owner, 'BadByteUpload');
    const row = 'running shoes,Commercial,10,,40,1.0,0.5,,100\n'; // 45 bytes
    const before = `${SEMRUSH_HEADER}\n` + row.repeat(35_000); // 109 + 1,575,000 bytes, then "caf"
    const file = Buffer.concat([
      Buffer.from(before),
      Buffer.from('caf\xe9 au lait,Commercial,10,,40,1.0,0.5,,100\n', 'latin1'),
      Buffer.from(row.repeat(100)),
    ]);
    const res = await upload(t, place, file);
    expect(res.statusCode).toBe(422);
    expect(res.json().error).toBe(
      'This file is not valid UTF-8: byte 1,575,113 (on line 35,002) has the value 0xE9, which is not part of a ' +
        'UTF-8 character there. It was probably saved in another encoding such as Windows-1252 or ISO-8859-1. Save ' +
        'it again as UTF-8 (in Excel: "CSV UTF-8 (Comma delimited)"; in LibreOffice: Character set "Unicode (UTF-8)") ' +
        'and upload it again.',
    );
    expect(res.json().details.fields[0]).toMatchObject({ in: 'body', field: 'file' });
    expect(await t.db.prisma.keywordImport.count({ where: { sectorId: place.sectorId } })).toBe(0);
  });

  it('UTF-16 with a broken character or an odd number of bytes: refused with the byte (BOM counted) and line', async () => {
    const place = await createPlace(t, owner, 'BadUtf16');
    const good = fixture('keyword-planner.csv');
    const lines = good.toString('utf16le').split('\r\n');
    // A lone high surrogate at the start of line 5: two bytes for each character before it (the BOM is one).
    const at = 2 * (lines.slice(0, 4).join('\r\n') + '\r\n').length + 1;
    const broken = Buffer.from(lines.slice(0, 4).join('\r\n') + '\r\n\ud83d' + lines.slice(4).join('\r\n'), 'utf16le');
    const res = await upload(t, place, broken);
    expect(res.statusCode).toBe(422);
    expect(res.json().error).toMatch(
      new RegExp(
        `^This file is not valid UTF-16: byte ${at.toLocaleString('en-US')} \\(on line 5\\) holds half of a character`,
        'u',
      ),
    );

    const cut = await upload(t, place, good.subarray(0, good.length - 1));
    expect(cut.statusCode).toBe(422);
    expect(cut.json().error).toBe(
      `This file ends in the middle of a character that starts at byte ${(good.length - 1).toLocaleString('en-US')} ` +
        `(on line ${lines.length}): it was probably cut off. Export it again from your tool and upload the whole file.`,
    );
    expect(await t.db.prisma.keywordImport.count({ where: { sectorId: place.sectorId } })).toBe(0);
  });

  it('a bad byte in the second 1 MB chunk of a stored file fails the job at once with its byte and line', async () => {
    const place = await createPlace(t, owner, 'BadByteJob');
    const row = 'running shoes,Commercial,10,,40,1.0,0.5,,100\r\n'; // 46 bytes
    const file = Buffer.concat([
      Buffer.from(`${SEMRUSH_HEADER}\r\n` + row.repeat(30_000)), // 110 + 1,380,000 bytes, then "r"
      Buffer.from('r\xe9sum\xe9 tips,Informational,10,,40,1.0,0.5,,100\r\n', 'latin1'),
    ]);
    const importId = await storeImport(t, place, file, { format: 'semrush' });
    const message = await expectFailedAtOnce(place, importId, 'IMPORT_FILE_INVALID');
    expect(message).toMatch(
      /^This file is not valid UTF-8: byte 1,380,112 \(on line 30,002\) has the value 0xE9, which is not part of a UTF-8 character there\./u,
    );
  });
});

describe('other problems of the file fail at once; a lost database connection is retried', () => {
  it('a mapping naming a column the stored file does not have', async () => {
    const place = await createPlace(t, owner, 'GoneColumn');
    const importId = await storeImport(t, place, fixture('unrecognized.csv'), {
      format: 'custom',
      mapping: { keyword: 'Keyword' },
    });
    const message = await expectFailedAtOnce(place, importId, 'IMPORT_FILE_INVALID');
    expect(message).toBe(
      'The column mapping is invalid: mapping.keyword names the column "Keyword", which is not in the file; its ' +
        'columns are: "Suchbegriff", "Suchvolumen", "Schwierigkeit".',
    );
  });

  it('a header followed only by blank lines (too long to be judged at upload)', async () => {
    const place = await createPlace(t, owner, 'OnlyBlank');
    const file = Buffer.from(`${SEMRUSH_HEADER}\r\n` + '\r\n'.repeat(40_000));
    const message = await expectFailedAtOnce(place, await uploaded(place, file), 'IMPORT_FILE_EMPTY');
    expect(message).toBe(
      'The file has no keyword rows under its header: export the keywords again and upload the new file.',
    );
  });

  it('the database connection of the import dropped half-way: retried, shown as retrying, then imported', async () => {
    const place = await createPlace(t, owner, 'ConnectionLost');
    const killed: number[] = [];
    hooks.current = {
      afterBatch: async (batch, attempt) => {
        if (attempt !== 1 || batch !== 1) return;
        // The import's own connection is in the middle of its COPY: end it from the server side.
        const rows = await t.db.prisma.$queryRaw<{ ok: boolean }[]>`
          SELECT pg_terminate_backend(pid) AS ok FROM pg_stat_activity
          WHERE datname = current_database() AND pid <> pg_backend_pid() AND query LIKE 'COPY %'`;
        killed.push(rows.filter((r) => r.ok).length);
      },
    };
    try {
      const importId = await uploaded(place, await collect(semrushRows(25_000)));
      const { done, states, messages } = await watchImport(t, owner, importId);
      expect(killed).toEqual([1]);
      expect(done).toMatchObject({ status: 'succeeded', rowsInserted: 25_000, error: null });
      expect(states).toContain('queued:IMPORT_RETRYING');
      expect(messages.IMPORT_RETRYING).toBe(
        'The import was interrupted by a problem on our side, not in the file, and nothing was imported; it is ' +
          'being retried (attempt 2 of 3).',
      );
      const { run } = await finishedJob(t, done.jobId);
      expect(run).toMatchObject({ status: 'succeeded', attempts: 2 });
      expect(await t.db.prisma.keyword.count({ where: { sectorId: place.sectorId } })).toBe(25_000);
    } finally {
      hooks.current = {};
    }
  });
});

async function collect(chunks: AsyncIterable<Buffer>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of chunks) parts.push(c);
  return Buffer.concat(parts);
}
