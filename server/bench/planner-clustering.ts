/**
 * Local (lexical) clustering bench: the pure algorithm on 10,000 and 100,000 generated keywords (qualifier x product
 * topics with brand, modifier and plural variants; the same keywords on every run), timed, with peak memory.
 *
 *   npm run bench:clustering                       # alone; bench/planner.ts also calls benchClustering()
 *   npm run bench:clustering -- --check            # exit 1 when a figure misses its goal
 *   BENCH_CLUSTER_SIZES=10000,50000 npm run bench:clustering
 *
 * The first grouping in a process loads WordNet's index and the GloVe word index (about 1 s, printed apart as
 * "resources"); the timed figures are after that, as in a worker that has clustered once.
 * Targets: 10,000 keywords < 5 s, 100,000 < 90 s (on 2 cores). Peak memory is the process's maximum resident set
 * (getrusage maxRSS, which catches the peak inside the synchronous grouping that a timer could not sample) and the
 * heap in use right after grouping, with the result still alive.
 *
 * Embedding refinement (the 'embedding' method's step after lexical grouping): 10,000 keywords with random unit
 * vectors of dimension 256 (BENCH_EMBED_DIMS), refining their lexical clusters; target < 5 s. Random vectors are the
 * worst case for the refinement: nothing merges, so every cluster founds a group and all are bucketed.
 */
import os from 'node:os';
import { pathToFileURL } from 'node:url';
import { refineWithEmbeddings } from '../src/modules/planner/clustering/embedding.ts';
import { generateKeywords } from '../src/modules/planner/clustering/generate.ts';
import { clusterLexically } from '../src/modules/planner/clustering/lexical.ts';
import { wordVectorsLoadMs } from '../src/modules/planner/clustering/word-vectors.ts';
import { wordNetLoadMs } from '../src/modules/planner/clustering/wordnet.ts';

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
  const resourcesStarted = performance.now();
  const wordNetMs = wordNetLoadMs();
  const vectorsMs = wordVectorsLoadMs();
  console.log(
    `resources: WordNet index ${wordNetMs} ms, GloVe word index ${vectorsMs} ms ` +
      `(${Math.round(performance.now() - resourcesStarted)} ms, once per process)`,
  );
  results.resources = { wordNetMs, vectorsMs };
  const misses: string[] = [];
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
    const verdict = target ? (ms < target ? ' met' : ' MISSED') : '';
    if (target && ms >= target) misses.push(`${size} keywords took ${ms} ms (goal < ${target} ms)`);
    console.log(
      `local clustering of ${size} keywords: ${ms} ms${target ? ` (goal < ${target / 1000} s:${verdict})` : ''}, ` +
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
  const dims = Number(process.env.BENCH_EMBED_DIMS ?? 256);
  results.embeddingRefine10000 = benchRefinement(10_000, dims, false);
  // The worst case: every keyword its own lexical cluster (10,000 centroids, bucketed).
  results.embeddingRefine10000Singletons = benchRefinement(10_000, dims, true);
  for (const key of ['embeddingRefine10000', 'embeddingRefine10000Singletons'] as const) {
    const r = results[key] as { ms: number; targetMs: number };
    if (r.ms >= r.targetMs) misses.push(`${key} took ${r.ms} ms (goal < ${r.targetMs} ms)`);
  }
  results.misses = misses;
  return results;
}

function benchRefinement(size: number, dims: number, singletons: boolean) {
  const keywords = generateKeywords(size);
  const clusters = singletons
    ? keywords.map((k) => ({ name: k.normalized, mainId: k.id, keywordIds: [k.id] }))
    : clusterLexically(keywords).clusters;
  let seed = 7;
  const random = () => {
    seed = (Math.imul(seed, 1_103_515_245) + 12_345) >>> 0;
    return seed / 4_294_967_296 - 0.5;
  };
  const vectors = new Map<string, Float32Array>();
  for (const k of keywords) {
    const v = Float32Array.from({ length: dims }, random);
    const norm = Math.hypot(...v);
    for (let i = 0; i < dims; i++) v[i]! /= norm;
    vectors.set(k.id, v);
  }
  const started = performance.now();
  const refined = refineWithEmbeddings(clusters, keywords, vectors);
  const ms = Math.round(performance.now() - started);
  const peakRssMb = mb(process.resourceUsage().maxRSS * 1024);
  console.log(
    `embedding refinement of ${size} keywords (${clusters.length} ${singletons ? 'single-keyword' : 'lexical'} clusters, random unit vectors of ` +
      `dimension ${dims}): ${ms} ms (goal < 5 s: ${ms < 5_000 ? 'met' : 'MISSED'}), ${refined.mode}, ${refined.comparisons} centroid comparisons, ` +
      `${refined.clusters.length} clusters after (${refined.mergedClusters} merged, ${refined.attachedSingletons} ` +
      `attached), peak RSS ${peakRssMb} MB`,
  );
  return {
    keywords: size,
    dims,
    lexicalClusters: clusters.length,
    ms,
    targetMs: 5_000,
    mode: refined.mode,
    comparisons: refined.comparisons,
    clustersAfter: refined.clusters.length,
    peakRssMb,
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  benchClustering().then(
    (results) => {
      console.log(`RESULT ${JSON.stringify({ bench: 'planner-clustering', ...results })}`);
      const misses = results.misses as string[];
      if (process.argv.includes('--check') && misses.length) {
        console.error(`goals missed: ${misses.join('; ')}`);
        process.exit(1);
      }
      process.exit(0);
    },
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
