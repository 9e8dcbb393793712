/**
 * Planner bench: a 100,000-row Semrush-format keyword file through the real import route and job (upload, chunked
 * storage, decode, csv-parse, staging, merge), next to PostgreSQL COPY FROM STDIN of the same file in the same run;
 * then the keyword list's latency with those keywords in the site; then local clustering when
 * ./planner-clustering.ts is there.
 *
 *   npm run bench:planner                       # 100,000 rows, 200 list requests per query
 *   BENCH_ROWS=1000000 BENCH_LIST_REQUESTS=100 npm run bench:planner
 *
 * Prints an `environment:` line, plain result lines and a final `RESULT {json}` line. Loopback only; the bench
 * database is cloned from the test template and dropped at the end.
 */
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import pino from 'pino';
import { JobWorker } from '../src/jobs/worker.ts';
import { createPlace, finished, semrushRows, upload } from '../src/modules/planner/import/test-helpers.ts';
import setupTemplate from '../test/global-setup.ts';
import { createTestApp, type TestContext } from '../test/helpers/app.ts';
import { registerOwner } from '../test/helpers/users.ts';

const ROWS = Number(process.env.BENCH_ROWS ?? 100_000);
const LIST_REQUESTS = Number(process.env.BENCH_LIST_REQUESTS ?? 200);

let peakRss = process.memoryUsage().rss;
const sampler = setInterval(() => {
  peakRss = Math.max(peakRss, process.memoryUsage().rss);
}, 50);
sampler.unref();

const mb = (bytes: number) => Math.round(bytes / 1024 / 1024);
const percentile = (sorted: number[], p: number) =>
  sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]! : NaN;
const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

async function fileBytes(): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of semrushRows(ROWS)) parts.push(part);
  return Buffer.concat(parts);
}

async function copyBaseline(url: string, file: Buffer): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`DROP TABLE IF EXISTS bench_copy_semrush`);
    await client.query(`CREATE TABLE bench_copy_semrush (
      keyword text, intent text, volume int, trend text, keyword_difficulty int, cpc_usd float8,
      competitive_density float8, serp_features text, number_of_results bigint)`);
    const started = performance.now();
    await pipeline(
      Readable.from([file]),
      client.query(copyFrom('COPY bench_copy_semrush FROM STDIN WITH (FORMAT csv, HEADER true)')),
    );
    const seconds = (performance.now() - started) / 1000;
    const { rows } = await client.query<{ n: number }>('SELECT count(*)::int AS n FROM bench_copy_semrush');
    if (rows[0]!.n !== ROWS) throw new Error(`COPY loaded ${rows[0]!.n} rows, expected ${ROWS}`);
    await client.query(`DROP TABLE bench_copy_semrush`);
    return seconds;
  } finally {
    await client.end();
  }
}

/**
 * The same rows COPYed as keywords into a table shaped like "Keyword" with all its indexes (unique
 * (sectorId, normalized) included): what the import's final write costs at best.
 */
async function copyIntoKeywordShape(url: string, ids: { accountId: string; siteId: string; sectorId: string }) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('DROP TABLE IF EXISTS bench_copy_keyword');
    await client.query('CREATE TABLE bench_copy_keyword (LIKE "Keyword" INCLUDING ALL)');
    let text = '';
    for (let j = 0; j < ROWS; j++) {
      text +=
        `${crypto.randomUUID()}\t${ids.accountId}\t${ids.siteId}\t${ids.sectorId}\tkeyword number ${j}\t` +
        `keyword number ${j}\t${j}\t${j % 101}\t0.${j % 100}\tinformational\tf\tnew\tsemrush\t\\N\t\\N\n`;
    }
    const columns =
      'id, "accountId", "siteId", "sectorId", keyword, normalized, volume, difficulty, cpc, intent, ' +
      '"intentInferred", status, source, "clusterId", "importId"';
    const started = performance.now();
    await pipeline(
      Readable.from([Buffer.from(text)]),
      client.query(copyFrom(`COPY bench_copy_keyword (${columns}) FROM STDIN`)),
    );
    const seconds = (performance.now() - started) / 1000;
    await client.query('DROP TABLE bench_copy_keyword');
    return seconds;
  } finally {
    await client.end();
  }
}

async function main() {
  let t: TestContext | undefined;
  let worker: JobWorker | undefined;
  const result: Record<string, unknown> = { rows: ROWS };
  try {
    await setupTemplate();
    t = await createTestApp({ RATE_LIMIT_PER_MINUTE: '10000000', DATABASE_POOL_SIZE: '8' });
    const [pgVersion] = await t.db.prisma.$queryRaw<{ v: string }[]>`SELECT current_setting('server_version') AS v`;
    console.log(
      `environment: node ${process.version}, ${os.cpus().length} cpus (${os.cpus()[0]?.model ?? '?'}), ` +
        `${mb(os.totalmem())} MB RAM, PostgreSQL ${pgVersion?.v}, rows ${ROWS}`,
    );
    const owner = await registerOwner(t.app);
    const place = await createPlace(t, owner, 'Bench');
    worker = new JobWorker(t.queue.boss, t.db.prisma, t.queue.registry, pino({ level: 'silent' }), {
      concurrency: 2,
      pollingIntervalSeconds: 0.5,
    });
    await worker.start();

    const file = await fileBytes();
    console.log(`file: ${ROWS} Semrush rows, ${round(file.length / 1024 / 1024)} MB`);

    // The product path: POST the file, wait until the job says succeeded.
    const started = performance.now();
    const res = await upload(t, place, Readable.from([file]) as AsyncIterable<Buffer>, { fileName: 'semrush.csv' });
    if (res.statusCode !== 202) throw new Error(`import refused: ${res.statusCode} ${res.body}`);
    const uploadedAt = performance.now();
    const done = await finished(t, owner, res.json().data.importId, 30 * 60_000);
    const importSeconds = (performance.now() - started) / 1000;
    if (done.status !== 'succeeded' || done.rowsInserted !== ROWS) {
      throw new Error(`import did not take every row: ${JSON.stringify(done)}`);
    }
    const job = await t.db.prisma.jobRun.findUniqueOrThrow({ where: { id: done.jobId } });
    const jobSeconds = (job.finishedAt!.getTime() - job.startedAt!.getTime()) / 1000;
    const importRate = ROWS / importSeconds;
    console.log(
      `import: ${round(importSeconds, 2)} s end to end (upload ${round((uploadedAt - started) / 1000, 2)} s, ` +
        `job ${round(jobSeconds, 2)} s), ${Math.round(importRate)} rows/s`,
    );

    const copySeconds = await copyBaseline(t.database.url, file);
    const copyRate = ROWS / copySeconds;
    const ratio = importRate / copyRate;
    console.log(`copy: ${round(copySeconds, 2)} s, ${Math.round(copyRate)} rows/s (COPY FROM STDIN, same file)`);
    console.log(`import/copy: ${round(ratio * 100)}% (target >= 50%)`);
    const shapedSeconds = await copyIntoKeywordShape(t.database.url, {
      accountId: owner.accountId,
      siteId: place.siteId,
      sectorId: place.sectorId,
    });
    const shapedRate = ROWS / shapedSeconds;
    console.log(
      `copy into a Keyword-shaped table with its 7 indexes: ${round(shapedSeconds, 2)} s, ${Math.round(shapedRate)} rows/s; ` +
        `import/that: ${round((importRate / shapedRate) * 100)}%`,
    );
    result.copyKeywordShapeRowsPerSecond = Math.round(shapedRate);
    result.importToCopyKeywordShapeRatio = round(importRate / shapedRate, 3);
    Object.assign(result, {
      importSeconds: round(importSeconds, 3),
      importUploadSeconds: round((uploadedAt - started) / 1000, 3),
      importJobSeconds: round(jobSeconds, 3),
      importRowsPerSecond: Math.round(importRate),
      copySeconds: round(copySeconds, 3),
      copyRowsPerSecond: Math.round(copyRate),
      importToCopyRatio: round(ratio, 3),
    });

    // The keyword list with those keywords in the site.
    const queries: Record<string, string> = {
      default: '',
      byVolume: '&sort=-volume&limit=50',
      filtered: '&status=new&minVolume=1000&maxDifficulty=60&sort=-volume',
      intent: '&intent=informational&sort=difficulty',
      search: '&q=number%2012&sort=keyword',
    };
    const probe = await t.app.inject({
      method: 'GET',
      url: `/api/v1/planner/keywords?siteId=${place.siteId}`,
      headers: owner.headers,
    });
    if (probe.statusCode === 404 && probe.json().code === 'ROUTE_NOT_FOUND') {
      console.log('list: route not available yet');
      result.list = 'route not available yet';
    } else {
      const list: Record<string, { p50: number; p99: number }> = {};
      for (const [name, query] of Object.entries(queries)) {
        const times: number[] = [];
        for (let i = 0; i < LIST_REQUESTS; i++) {
          const t0 = performance.now();
          const r = await t.app.inject({
            method: 'GET',
            url: `/api/v1/planner/keywords?siteId=${place.siteId}${query}`,
            headers: owner.headers,
          });
          times.push(performance.now() - t0);
          if (r.statusCode !== 200) throw new Error(`list ${name}: ${r.statusCode} ${r.body.slice(0, 300)}`);
        }
        times.sort((a, b) => a - b);
        list[name] = { p50: round(percentile(times, 50), 2), p99: round(percentile(times, 99), 2) };
        console.log(`list ${name}: p50 ${list[name]!.p50} ms, p99 ${list[name]!.p99} ms (${LIST_REQUESTS} requests)`);
      }
      result.list = list;
    }
  } finally {
    await worker?.stop();
    await t?.close();
  }

  const clustering = path.join(import.meta.dirname, 'planner-clustering.ts');
  if (existsSync(clustering)) {
    const mod = (await import(clustering)) as { benchClustering?: () => Promise<Record<string, unknown>> };
    if (mod.benchClustering) Object.assign(result, await mod.benchClustering());
  } else {
    console.log('clustering: ./planner-clustering.ts not there yet');
  }

  peakRss = Math.max(peakRss, process.memoryUsage().rss);
  result.peakRssMb = mb(peakRss);
  console.log(`peak RSS: ${mb(peakRss)} MB`);
  console.log(`RESULT ${JSON.stringify(result)}`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
