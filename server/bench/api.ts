/**
 * API overhead bench: an authenticated `GET /api/v1/sites?limit=50` (50 sites) on the real app, next to a bare
 * Fastify route serving the same payload, both measured with autocannon in the same run.
 *
 *   npm run bench:api                       # 10 s per target, 10 connections
 *   BENCH_DURATION=5 BENCH_CONNECTIONS=20 npm run bench:api
 *
 * Needs the test PostgreSQL (127.0.0.1:5432, or TEST_DATABASE_URL). Everything listens on loopback only; the bench
 * database is cloned from the test template and dropped at the end.
 */
import { createRequire } from 'node:module';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import Fastify, { type FastifyInstance } from 'fastify';
import setupTemplate from '../test/global-setup.ts';
import { createTestApp, type TestContext } from '../test/helpers/app.ts';
import { registerOwner } from '../test/helpers/users.ts';

/**
 * The load generator: autocannon in a worker thread, so it does not share the servers' event loop (both servers
 * live in this process's main thread). Latencies come from autocannon's per-response event in float milliseconds:
 * its own latency histogram records whole milliseconds, too coarse for a bare route answering in ~0.2 ms. Off the
 * main thread autocannon resolves with its raw (unaggregated) result, hence totalCompletedRequests / duration for
 * req/s instead of requests.average.
 */
const LOAD_WORKER = `
const { parentPort, workerData } = require('node:worker_threads');
const autocannon = require(workerData.autocannonPath);
(async () => {
  const { opts, warmup, duration } = workerData;
  if (warmup > 0) await autocannon({ ...opts, duration: warmup });
  const latencies = [];
  const run = autocannon({ ...opts, duration });
  run.on('response', (_client, status, _bytes, ms) => { if (status >= 200 && status < 300) latencies.push(ms); });
  const r = await run;
  parentPort.postMessage({
    total: r.totalCompletedRequests, seconds: r.duration, bytes: r.totalBytes,
    errors: r.errors, timeouts: r.timeouts, non2xx: r.non2xx, latencies: Float64Array.from(latencies),
  });
})();
`;
const AUTOCANNON_PATH = createRequire(import.meta.url).resolve('autocannon');

interface LoadResult {
  total: number;
  seconds: number;
  bytes: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  latencies: Float64Array;
}

function runLoad(opts: Record<string, unknown>, warmup: number, duration: number): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(LOAD_WORKER, {
      eval: true,
      workerData: { autocannonPath: AUTOCANNON_PATH, opts, warmup, duration },
    });
    let settled = false;
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      fn();
    };
    // Bounded: autocannon stops itself at `duration`; this only guards against a hang.
    const timer = setTimeout(
      () => {
        settle(() => reject(new Error('load generator did not finish in time')));
        void worker.terminate();
      },
      (warmup + duration + 30) * 1000,
    );
    worker.once('message', (result: LoadResult) => settle(() => resolve(result)));
    worker.once('error', (error) => settle(() => reject(error)));
    worker.once('exit', (code) => settle(() => reject(new Error(`load generator exited with code ${code}`))));
  });
}

/** Nearest-rank percentile of ascending-sorted values. */
function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

const SITES = 50;

function intFromEnv(name: string, fallback: number, min: number, max: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new Error(`${name} must be an integer in [${min}, ${max}], got "${raw}"`);
  }
  return value;
}

const DURATION = intFromEnv('BENCH_DURATION', 10, 1, 600);
const CONNECTIONS = intFromEnv('BENCH_CONNECTIONS', 10, 1, 1000);
const WARMUP = intFromEnv('BENCH_WARMUP', 2, 0, 60);
const PIPELINING = 1;

interface Measurement {
  target: string;
  reqPerSec: number;
  p50Ms: number;
  p99Ms: number;
  avgMs: number;
  requests: number;
  bytesPerResponse: number;
}

function portOf(instance: { server: Server }): number {
  return (instance.server.address() as AddressInfo).port;
}

/** Warm-up (discarded), then the measured run, against one URL. */
async function measure(target: string, url: string, headers: Record<string, string>): Promise<Measurement> {
  const opts = { url, connections: CONNECTIONS, pipelining: PIPELINING, headers };
  const r = await runLoad(opts, WARMUP, DURATION);
  if (r.errors > 0 || r.non2xx > 0 || r.total === 0) {
    throw new Error(`${target}: ${r.non2xx} non-2xx, ${r.errors} errors (${r.timeouts} timeouts) in ${r.total}`);
  }
  const sorted = r.latencies.sort();
  const round = (ms: number) => Math.round(ms * 1000) / 1000;
  return {
    target,
    reqPerSec: r.total / r.seconds,
    p50Ms: round(percentile(sorted, 50)),
    p99Ms: round(percentile(sorted, 99)),
    avgMs: round(sorted.reduce((a, b) => a + b, 0) / sorted.length),
    requests: r.total,
    bytesPerResponse: Math.round(r.bytes / r.total),
  };
}

function table(rows: Measurement[]): string {
  const head = ['target', 'req/s', 'p50 ms', 'p99 ms', 'avg ms', 'requests', 'bytes/resp'];
  const body = rows.map((m) => [
    m.target,
    m.reqPerSec.toFixed(0),
    m.p50Ms.toFixed(2),
    m.p99Ms.toFixed(2),
    m.avgMs.toFixed(2),
    String(m.requests),
    String(m.bytesPerResponse),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((row) => row[i]!.length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n');
}

async function main(): Promise<void> {
  const cpus = os.cpus();
  const environment = {
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    cpus: cpus.length,
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    loadavg: os.loadavg().map((l) => Number(l.toFixed(2))),
  };
  console.log(
    `environment: node ${environment.node}, ${environment.platform}, ${environment.cpus} CPUs (${environment.cpuModel}), load ${environment.loadavg.join(' ')}`,
  );
  console.log(
    `settings: ${DURATION} s per target after ${WARMUP} s warm-up, ${CONNECTIONS} connections, pipelining ${PIPELINING}, loopback, load generator in a worker thread`,
  );

  let ctx: TestContext | undefined;
  let bare: FastifyInstance | undefined;
  const cleanup = async () => {
    const steps = [bare?.close(), ctx?.close()];
    bare = undefined;
    ctx = undefined;
    const failed = (await Promise.allSettled(steps)).filter((s) => s.status === 'rejected');
    for (const f of failed) console.error('cleanup failed:', (f as PromiseRejectedResult).reason);
  };
  const onSignal = (signal: NodeJS.Signals) => {
    console.error(`${signal}: cleaning up`);
    void cleanup().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  try {
    await setupTemplate();
    ctx = await createTestApp({ RATE_LIMIT_PER_MINUTE: '10000000', LOG_LEVEL: 'silent' });
    const { app } = ctx;
    const owner = await registerOwner(app);
    for (let i = 1; i <= SITES; i++) {
      const res = await app.inject({
        method: 'POST',
        url: '/api/v1/sites',
        headers: owner.headers,
        payload: { name: `Bench site ${i}`, url: `https://site-${i}.bench.example.com` },
      });
      if (res.statusCode !== 201) throw new Error(`create site ${i}: ${res.statusCode} ${res.body}`);
    }
    await app.listen({ host: '127.0.0.1', port: 0 });
    const appUrl = `http://127.0.0.1:${portOf(app)}/api/v1/sites?limit=${SITES}`;

    // The payload, captured once over real HTTP (also checks listen + auth before loading it).
    const probe = await fetch(appUrl, { headers: owner.headers });
    const payloadText = await probe.text();
    if (probe.status !== 200) throw new Error(`GET sites: ${probe.status} ${payloadText}`);
    const payload = JSON.parse(payloadText) as { data?: { items?: unknown[] } };
    const count = payload.data?.items?.length;
    if (count !== SITES) throw new Error(`GET sites returned ${count} items, expected ${SITES}`);

    // Baseline: a bare Fastify with one route serializing the same object (no auth, schema, plugins or DB).
    bare = Fastify({ logger: false });
    bare.get('/sites', async () => payload);
    await bare.listen({ host: '127.0.0.1', port: 0 });
    const bareUrl = `http://127.0.0.1:${portOf(bare)}/sites`;

    console.log(`payload: ${SITES} sites, ${Buffer.byteLength(payloadText)} bytes of JSON\n`);
    const ours = await measure('igny8 GET /api/v1/sites', appUrl, owner.headers);
    const base = await measure('bare fastify', bareUrl, {});

    const ratio = {
      reqPerSec: ours.reqPerSec / base.reqPerSec,
      p50: ours.p50Ms / base.p50Ms,
      p99: ours.p99Ms / base.p99Ms,
    };
    const fmt = (x: number) => x.toFixed(2);
    console.log(table([ours, base]));
    console.log(
      `\nratio (igny8 / bare fastify): req/s ${fmt(ratio.reqPerSec)}, p99 ${fmt(ratio.p99)} (p50 ${fmt(ratio.p50)})`,
    );
    console.log(
      'RESULT ' +
        JSON.stringify({
          bench: 'api',
          environment,
          settings: {
            duration: DURATION,
            warmup: WARMUP,
            connections: CONNECTIONS,
            pipelining: PIPELINING,
            sites: SITES,
          },
          results: [ours, base],
          ratio,
        }),
    );
  } finally {
    await cleanup();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error('bench failed:', error);
    process.exit(1);
  },
);
