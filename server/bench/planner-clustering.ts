/**
 * Local (lexical) clustering bench: the pure algorithm on 10,000 and 100,000 generated keywords (qualifier x product
 * topics with brand, modifier and plural variants; the same keywords on every run), timed, with peak memory.
 *
 *   npx tsx server/bench/planner-clustering.ts     # alone; bench/planner.ts also calls benchClustering()
 *   BENCH_CLUSTER_SIZES=10000,50000 npx tsx server/bench/planner-clustering.ts
 *
 * Targets: 10,000 keywords < 5 s, 100,000 < 90 s (on 2 cores). Peak memory is the process's maximum resident set
 * (getrusage maxRSS, which catches the peak inside the synchronous grouping that a timer could not sample) and the
 * heap in use right after grouping, with the result still alive.
 */
import os from 'node:os';
import { pathToFileURL } from 'node:url';
import { generateKeywords } from '../src/modules/planner/clustering/generate.ts';
import { clusterLexically } from '../src/modules/planner/clustering/lexical.ts';

const TARGET_MS: Record<number, number> = { 10_000: 5_000, 100_000: 90_000 };
const mb = (bytes: number) => Math.round((bytes / 1_048_576) * 10) / 10;

export async function benchClustering(): Promise<Record<string, unknown>> {
  const sizes = (process.env.BENCH_CLUSTER_SIZES ?? '10000,100000').split(',').map(Number);
  const results: Record<string, unknown> = {};
  console.log(
    `clustering environment: node ${process.version}, ${os.cpus().length} CPUs, load ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  for (const size of sizes) {
    const keywords = generateKeywords(size);
    (globalThis as { gc?: () => void }).gc?.();
    const heapBefore = process.memoryUsage().heapUsed;
    const started = performance.now();
    const result = clusterLexically(keywords);
    const ms = Math.round(performance.now() - started);
    const heapAfter = process.memoryUsage().heapUsed;
    const peakRssMb = mb(process.resourceUsage().maxRSS * 1024);
    const clusters = result.clusters.length;
    const singletons = result.clusters.filter((c) => c.keywordIds.length === 1).length;
    const largest = Math.max(0, ...result.clusters.map((c) => c.keywordIds.length));
    const target = TARGET_MS[size];
    console.log(
      `local clustering of ${size} keywords: ${ms} ms${target ? ` (target < ${target / 1000} s)` : ''}, ` +
        `${clusters} clusters (${singletons} singletons, largest ${largest}), peak RSS ${peakRssMb} MB, ` +
        `heap after grouping ${mb(heapAfter)} MB (+${mb(heapAfter - heapBefore)} MB)`,
    );
    results[`cluster${size}`] = {
      keywords: size,
      ms,
      targetMs: target ?? null,
      clusters,
      singletons,
      largest,
      peakRssMb,
      heapUsedMb: mb(heapAfter),
      heapDeltaMb: mb(heapAfter - heapBefore),
    };
  }
  return results;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  benchClustering().then(
    (results) => {
      console.log(`RESULT ${JSON.stringify({ bench: 'planner-clustering', ...results })}`);
      process.exit(0);
    },
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
