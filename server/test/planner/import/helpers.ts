import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import pino from 'pino';
import type { TestContext } from '../../helpers/app.ts';
import { eventually } from '../../helpers/processes.ts';
import type { Member } from '../../helpers/users.ts';
import { JobRegistry } from '../../../src/jobs/definition.ts';
import { JobWorker } from '../../../src/jobs/worker.ts';
import { plannerImportJobs } from '../../../src/modules/planner/jobs-import.ts';
import type { ImportHooks } from '../../../src/modules/planner/import/run.ts';
import { keywordImportJob } from '../../../src/modules/planner/contracts.ts';
import { CHUNK_BYTES } from '../../../src/modules/planner/import/service.ts';

/** Test-only helpers for the import tests (not imported by the product). */

export const FIXTURES = path.resolve(import.meta.dirname, '../../fixtures/planner/import');
export const fixture = (name: string) => readFileSync(path.join(FIXTURES, name));

export const BOUNDARY = '----igny8-test-boundary-7MA4YWxkTrZu0gW';

function fieldPart(name: string, value: string): string {
  return `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
}

/** A multipart/form-data body: the fields, then the file (bytes or a stream of bytes). */
export function multipartBody(
  fields: Record<string, string>,
  file: Buffer | AsyncIterable<Buffer>,
  fileName = 'keywords.csv',
): Readable {
  const head = Buffer.from(
    Object.entries(fields)
      .map(([k, v]) => fieldPart(k, v))
      .join('') +
      `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="${fileName}"\r\n` +
      'Content-Type: text/csv\r\n\r\n',
  );
  const tail = Buffer.from(`\r\n--${BOUNDARY}--\r\n`);
  return Readable.from(
    (async function* () {
      yield head;
      if (Buffer.isBuffer(file)) yield file;
      else for await (const piece of file) yield piece;
      yield tail;
    })(),
  );
}

export interface Place {
  member: Member;
  siteId: string;
  sectorId: string;
}

export async function createPlace(t: TestContext, member: Member, name = 'Shoes'): Promise<Place> {
  const site = await t.app.inject({
    method: 'POST',
    url: '/api/v1/sites',
    headers: member.headers,
    payload: { name: `${name} blog`, url: `https://${name.toLowerCase()}-${Date.now()}-${Math.random()}.example.com` },
  });
  if (site.statusCode !== 201) throw new Error(`site: ${site.statusCode} ${site.body}`);
  const siteId = site.json().data.id;
  const sector = await t.app.inject({
    method: 'POST',
    url: `/api/v1/sites/${siteId}/sectors`,
    headers: member.headers,
    payload: { name },
  });
  if (sector.statusCode !== 201) throw new Error(`sector: ${sector.statusCode} ${sector.body}`);
  return { member, siteId, sectorId: sector.json().data.id };
}

export function upload(
  t: TestContext,
  place: Place,
  file: Buffer | AsyncIterable<Buffer>,
  options: { fileName?: string; fields?: Record<string, string>; member?: Member } = {},
) {
  return t.app.inject({
    method: 'POST',
    url: '/api/v1/planner/keywords/import',
    headers: {
      ...(options.member ?? place.member).headers,
      'content-type': `multipart/form-data; boundary=${BOUNDARY}`,
    },
    payload: multipartBody(
      { siteId: place.siteId, sectorId: place.sectorId, ...options.fields },
      file,
      options.fileName,
    ),
  });
}

export async function getImport(t: TestContext, member: Member, importId: string) {
  const res = await t.app.inject({
    method: 'GET',
    url: `/api/v1/planner/imports/${importId}`,
    headers: member.headers,
  });
  return res.json().data;
}

/** Polls the import until it has finished (succeeded or failed). */
export function finished(t: TestContext, member: Member, importId: string, timeoutMs = 60_000) {
  return eventually(
    async () => {
      const imp = await getImport(t, member, importId);
      return imp.status === 'succeeded' || imp.status === 'failed' ? imp : undefined;
    },
    timeoutMs,
    50,
  );
}

/**
 * Polls the import until it has finished, keeping every state it showed on the way ("queued", "importing",
 * "queued:IMPORT_RETRYING", "failed:IMPORT_CSV_INVALID"...), so a test can tell that no retry was ever shown.
 */
export async function watchImport(t: TestContext, member: Member, importId: string, timeoutMs = 60_000) {
  const states: string[] = [];
  /** The message shown with each error code. */
  const messages: Record<string, string> = {};
  const done = await eventually(
    async () => {
      const imp = await getImport(t, member, importId);
      const state = imp.error ? `${imp.status}:${imp.error.code}` : imp.status;
      if (states[states.length - 1] !== state) states.push(state);
      if (imp.error) messages[imp.error.code] = imp.error.message;
      return imp.status === 'succeeded' || imp.status === 'failed' ? imp : undefined;
    },
    timeoutMs,
    20,
  );
  return { done, states, messages };
}

/** The job run behind an import once the worker has finished with it, and pg-boss's own record of the job. */
export async function finishedJob(t: TestContext, jobId: string) {
  const run = await eventually(async () => {
    const r = await t.db.prisma.jobRun.findUniqueOrThrow({ where: { id: jobId } });
    return r.status === 'succeeded' || r.status === 'failed' ? r : undefined;
  }, 15_000);
  // pg-boss settles the job just after the handler returns.
  const boss = await eventually(async () => {
    const job = await t.queue.boss.getJobById(keywordImportJob.type, jobId);
    return job && job.state !== 'active' ? job : undefined;
  }, 15_000);
  return { run, boss };
}

/**
 * Stores a file as an upload would (1 MB chunks) without the upload's checks and queues its import: the job's
 * own handling of a file that is already stored (one stored before a check existed, or with a mapping that no
 * longer fits) is then tested on its own.
 */
export async function storeImport(
  t: TestContext,
  place: Place,
  bytes: Buffer,
  data: { format: string; encoding?: string; mapping?: Record<string, string> },
) {
  const row = await t.db.prisma.keywordImport.create({
    data: {
      accountId: place.member.accountId,
      siteId: place.siteId,
      sectorId: place.sectorId,
      createdById: place.member.userId,
      fileName: 'stored.csv',
      status: 'uploaded',
      byteSize: bytes.length,
      encoding: data.encoding ?? 'utf-8',
      format: data.format,
      ...(data.mapping ? { mapping: data.mapping } : {}),
    },
  });
  for (let seq = 0; seq * CHUNK_BYTES < bytes.length; seq++) {
    await t.db.prisma.keywordImportChunk.create({
      data: { importId: row.id, seq, data: Buffer.from(bytes.subarray(seq * CHUNK_BYTES, (seq + 1) * CHUNK_BYTES)) },
    });
  }
  await t.db.prisma.$transaction(async (tx) => {
    const run = await t.queue.enqueue(tx, {
      type: keywordImportJob.type,
      accountId: place.member.accountId,
      payload: { importId: row.id },
      siteId: place.siteId,
    });
    await tx.keywordImport.update({ where: { id: row.id }, data: { status: 'queued', jobRunId: run.id } });
  });
  return row.id;
}

/**
 * A real JobWorker running the import job type, with test hooks that the test can change at any time. On PostgreSQL
 * it writes with COPY like the product; path 'prisma' forces the Prisma batch path that embedded PGlite uses.
 */
export async function startImportWorker(
  t: TestContext,
  hooks: { current: ImportHooks },
  options: { path?: 'copy' | 'prisma' } = {},
) {
  const registry = new JobRegistry().register(
    ...plannerImportJobs(
      { data: t.services.planner.data, databaseUrl: options.path === 'prisma' ? undefined : t.db.url },
      { afterBatch: async (batch, attempt) => hooks.current.afterBatch?.(batch, attempt) },
    ),
  );
  const worker = new JobWorker(t.queue.boss, t.db.prisma, registry, pino({ level: 'silent' }), {
    concurrency: 2,
    pollingIntervalSeconds: 0.5,
    backstopPollingSeconds: 1,
  });
  await worker.start();
  return worker;
}

/** Semrush-layout rows made on the fly: keyword i has volume i, difficulty i % 101. */
export async function* semrushRows(rows: number, startAt = 0): AsyncGenerator<Buffer> {
  yield Buffer.from(
    'Keyword,Intent,Volume,Trend,Keyword Difficulty,CPC (USD),Competitive Density,SERP Features,Number of Results\n',
  );
  const perChunk = 2_000;
  for (let i = startAt; i < startAt + rows; i += perChunk) {
    let text = '';
    for (let j = i; j < Math.min(startAt + rows, i + perChunk); j++) {
      text += `keyword number ${j},Informational,${j},"0.5,0.6,0.7",${j % 101},0.${j % 100},0.5,"Sitelinks, Video",${j * 3}\n`;
    }
    yield Buffer.from(text);
  }
}
